//! `stskit credentials`: the credentials the AWS CLI would resolve, printed as
//! `aws configure export-credentials` prints them.

use crate::cli::context::{Command, Context, Outcome, Spec};
use crate::cli::failure::Failure;
use crate::cli::file_cache::{self, Before, CacheDir, Printable};
use crate::cli::flags::{Arity, Flag, OUTPUT, Values, format, once};
use crate::cli::output::{self, Format};
use crate::provider::{Provided, Step};

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

/// `--token-code`, `--cache` and `--cache-dir`: how `credentials` and `exec` resolve.
pub(crate) const TOKEN_CODE: Flag = once(
    "token-code",
    "CODE",
    "MFA code for a role with mfa_serial (else asked on\nthe terminal)",
);
pub(crate) const CACHE: Flag = Flag {
    name: "cache",
    value: "",
    arity: Arity::Switch,
    help: "reuse and update the AWS CLI's cache (~/.aws/cli/cache)",
};
pub(crate) const CACHE_DIR: Flag = once("cache-dir", "DIR", "the cache directory (implies --cache)");

const FLAGS: &[Flag] = &[TOKEN_CODE, CACHE, CACHE_DIR, OUTPUT];

/// The resolved source credentials themselves.
struct Credentials {
    token_code: Option<String>,
    format: Format,
    cache: Option<CacheDir>,
}

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    let format = format(&mut v)?;
    let cache = cache_flags(&mut v)?;
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

    fn run(self: Box<Self>, ctx: &Context) -> Result<Outcome, Failure> {
        let provided = resolve(ctx, self.cache.as_ref())?;
        output::provided(&provided, self.format).map(Outcome::from)
    }
}

/// The credentials `stskit credentials` resolves with these settings, as `stskit exec`
/// also resolves them. Asks the chain once: an answer that needs no call is returned
/// without starting the transport or the runtime; otherwise the AWS CLI's cache (with
/// `--cache`) is looked up with the call's key before the call is made.
pub(crate) fn resolve(ctx: &Context, cache: Option<&CacheDir>) -> Result<Provided, Failure> {
    let chain = ctx.chain();
    let failed = |e| Failure::from(crate::Error::from(e));
    let step = chain.decide().map_err(failed)?;
    ctx.debug_step(&step);
    let call = match step {
        Step::Call(call) => call,
        Step::Answer(p) => return Ok(p),
    };
    let Some(dir) = cache else {
        let session = ctx.block_on(chain.run(&call))?.map_err(failed)?;
        return Ok(session.provided);
    };
    let pending = match file_cache::before(ctx.config().os(), dir, call.cache_key())? {
        Before::Hit(c) => {
            ctx.debug(|| {
                format!(
                    "file cache: hit, valid until {}: no call",
                    crate::date::format_rfc3339(c.credentials.expiration())
                )
            });
            return Ok(from_file(&c));
        }
        Before::After(p) => {
            ctx.debug(|| format!("file cache: {}", file_cache::describe(p.as_ref())));
            p
        }
    };
    let outcome = ctx.block_on(chain.run(&call))?.map_err(failed);
    Ok(match file_cache::after(pending, outcome)? {
        Printable::Provided(p) => *p,
        Printable::Cached(c) => from_file(&c),
    })
}

/// Credentials from the AWS CLI's cache, as a source's.
pub(crate) fn from_file(c: &crate::cache::CachedCredentials) -> Provided {
    Provided::new(
        c.credentials.to_credentials(),
        Some(c.credentials.expiration()),
        "the AWS CLI's cache",
    )
    .with_account_id(c.account_id.as_deref())
}

/// Reads `--cache` and `--cache-dir`.
pub(crate) fn cache_flags(v: &mut Values) -> Result<Option<CacheDir>, Failure> {
    Ok(match (v.take("cache-dir"), v.switch("cache")) {
        (Some(dir), _) if dir.is_empty() => {
            return Err(Failure::usage("--cache-dir needs a directory"));
        }
        (Some(dir), _) => Some(CacheDir::Dir(dir)),
        (None, true) => Some(CacheDir::AwsCli),
        (None, false) => None,
    })
}
