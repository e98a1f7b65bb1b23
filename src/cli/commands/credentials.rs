//! `stskit credentials`: the credentials the AWS CLI would resolve, printed as
//! `aws configure export-credentials` prints them.

use crate::cli::context::{Command, Context, Spec};
use crate::cli::failure::Failure;
use crate::cli::file_cache::{self, Before, CacheDir, Printable};
use crate::cli::flags::{Arity, Flag, OUTPUT, Values, format, once};
use crate::cli::output::{self, Format};
use crate::provider::Step;

pub(crate) const SPEC: Spec = Spec {
    name: "credentials",
    title: "resolve credentials as the AWS CLI does and print them",
    usage: "stskit credentials [--profile NAME] [--token-code CODE] [--region R] [--endpoint URL]\n      [--cache] [--cache-dir DIR] [--output json|env|fish|powershell]",
    flags: FLAGS,
    tail: concat!(
        crate::cli::help::chain_text!(),
        "
Static keys print without SessionToken and Expiration.

With --cache (or --cache-dir DIR), the AWS CLI's assumed-role cache (~/.aws/cli/cache)
is shared: an entry for the profile's role (or its web identity) with at least 15
minutes left is printed without any call; otherwise the call is made and the entry
rewritten, in the AWS CLI's format, so each tool reuses the other's sessions. If the
call fails and the cached entry has more than a minute left, it is printed with a
warning on stderr. Without either flag nothing is read or written.
"
    ),
    build,
};

const FLAGS: &[Flag] = &[
    once(
        "token-code",
        "CODE",
        "MFA code for a role with mfa_serial (else asked on\nthe terminal)",
    ),
    Flag {
        name: "cache",
        value: "",
        arity: Arity::Switch,
        help: "reuse and update the AWS CLI's cache (~/.aws/cli/cache)",
    },
    once("cache-dir", "DIR", "the cache directory (implies --cache)"),
    OUTPUT,
];

/// The resolved source credentials themselves.
struct Credentials {
    token_code: Option<String>,
    format: Format,
    cache: Option<CacheDir>,
}

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    let format = format(&mut v)?;
    let cache = match (v.take("cache-dir"), v.switch("cache")) {
        (Some(dir), _) if dir.is_empty() => {
            return Err(Failure::usage("--cache-dir needs a directory"));
        }
        (Some(dir), _) => Some(CacheDir::Dir(dir)),
        (None, true) => Some(CacheDir::AwsCli),
        (None, false) => None,
    };
    Ok(Box::new(Credentials {
        token_code: v.take("token-code"),
        format,
        cache,
    }))
}

impl Command for Credentials {
    fn token_code(&self) -> Option<&str> {
        self.token_code.as_deref()
    }

    /// Asks the chain once: an answer that needs no call is printed without starting
    /// the transport or the runtime; otherwise the AWS CLI's cache (with `--cache`) is
    /// looked up with the call's key before the call is made.
    fn run(self: Box<Self>, ctx: &Context) -> Result<String, Failure> {
        let chain = ctx.chain();
        let failed = |e| Failure::from(crate::Error::from(e));
        let step = chain.decide().map_err(failed)?;
        ctx.debug_step(&step);
        let call = match step {
            Step::Call(call) => call,
            Step::Answer(p) => return output::provided(&p, self.format),
        };
        let Some(dir) = &self.cache else {
            let session = ctx.block_on(chain.run(&call))?.map_err(failed)?;
            return output::provided(&session.provided, self.format);
        };
        let pending = match file_cache::before(ctx.config().os(), dir, call.cache_key())? {
            Before::Hit(c) => {
                ctx.debug(|| {
                    format!(
                        "file cache: hit, valid until {}: no call",
                        crate::date::format_rfc3339(c.credentials.expiration())
                    )
                });
                return output::credentials(&c.credentials, self.format);
            }
            Before::After(p) => {
                ctx.debug(|| format!("file cache: {}", file_cache::describe(p.as_ref())));
                p
            }
        };
        let outcome = ctx.block_on(chain.run(&call))?.map_err(failed);
        match file_cache::after(pending, outcome)? {
            Printable::Provided(p) => output::provided(&p, self.format),
            Printable::Cached(c) => output::credentials(&c.credentials, self.format),
        }
    }
}
