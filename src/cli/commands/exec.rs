//! `stskit exec`: runs a command with the credentials `stskit credentials` resolves,
//! in its environment or from a credentials server that lives as long as it does.

use std::ffi::OsString;

use crate::cli::child::{self, Give};
use crate::cli::commands::credentials::{CACHE, CACHE_DIR, TOKEN_CODE, cache_flags, resolve};
use crate::cli::context::{Command, Context, Outcome, Spec};
use crate::cli::failure::{Failure, terminal_safe};
use crate::cli::file_cache::CacheDir;
use crate::cli::flags::{Arity, Flag, Values};
use crate::cli::serving;

pub(crate) const SPEC: Spec = Spec {
    name: "exec",
    title: "run a command with the credentials `credentials` resolves",
    usage: "stskit exec [--profile NAME] [--region R] [--token-code CODE] [--cache] [--cache-dir DIR]\n      [--server] -- COMMAND [ARG...]",
    flags: FLAGS,
    tail: "\
Credentials are resolved exactly as `stskit credentials` resolves them with the same
flags; if that fails, nothing is run (exit 2, 3 or 4). COMMAND then runs in stskit's
place with the environment it would have had, except:
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY    the resolved keys
  AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN       the session token (unset for long-term keys)
  AWS_CREDENTIAL_EXPIRATION                   the expiry, RFC 3339 (unset without one)
  AWS_REGION, AWS_DEFAULT_REGION              the resolved region, when there is one
  STSKIT_PROFILE                              the profile stskit resolved
  AWS_PROFILE, AWS_DEFAULT_PROFILE, AWS_CONTAINER_*, AWS_WEB_IDENTITY_TOKEN_FILE,
  AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME         unset, so no SDK picks another source

With --server, for a command that outlives its credentials: no keys are set; the
command gets AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN
for a server on 127.0.0.1 that stskit runs until the command ends, answering as
`stskit serve` does (long-term keys are served as a GetSessionToken session), and
every AWS SDK in it refreshes from there. SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to
stskit are passed on (not twice when the terminal sent them to both).

The exit status is the command's (128+N when signal N ended it); 127 when COMMAND is
not found, 126 when it cannot be run. Nothing of stskit's goes to stdout.
",
    build,
};

const FLAGS: &[Flag] = &[
    TOKEN_CODE,
    CACHE,
    CACHE_DIR,
    Flag {
        name: "server",
        value: "",
        arity: Arity::Switch,
        help: "serve the credentials to COMMAND from a local endpoint\nthat keeps them fresh",
    },
    Flag {
        name: "",
        value: "-- COMMAND [ARG...]",
        arity: Arity::Rest,
        help: "",
    },
];

struct Exec {
    token_code: Option<String>,
    cache: Option<CacheDir>,
    server: bool,
    argv: Vec<OsString>,
}

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    let argv = v
        .rest
        .take()
        .ok_or_else(|| Failure::usage("exec needs -- COMMAND [ARG...]"))?;
    if argv.first().is_none_or(|c| c.is_empty()) {
        return Err(Failure::usage("exec needs a COMMAND after --"));
    }
    Ok(Box::new(Exec {
        token_code: v.take("token-code"),
        cache: cache_flags(&mut v)?,
        server: v.switch("server"),
        argv,
    }))
}

impl Command for Exec {
    fn token_code(&self) -> Option<&str> {
        self.token_code.as_deref()
    }

    fn long_running(&self) -> bool {
        self.server
    }

    fn run(self: Box<Self>, ctx: &Context) -> Result<Outcome, Failure> {
        let config = ctx.config();
        let parent = config.os().vars();
        let region = config.region().map(str::to_owned);
        let profile = config.profile().to_owned();
        let program = terminal_safe(&self.argv[0].to_string_lossy(), 200);
        if !self.server {
            let provided = resolve(ctx, self.cache.as_ref())?;
            let env = child::environment(parent, &Give::Keys(&provided), region.as_deref(), &profile);
            ctx.debug(|| {
                format!(
                    "exec: {program} in stskit's place with {} from {}",
                    provided.credentials.short_access_key_id(),
                    provided.source
                )
            });
            drop(provided);
            // Nothing of stskit's runs after the command replaces it.
            crate::cli::recording::finish()?;
            return Ok(Outcome::Exit(child::replace(&self.argv, env)));
        }
        // The first answer with the AWS CLI's cache, as `credentials --cache` gets it;
        // the server's cache refreshes through the chain after that.
        let first = match &self.cache {
            Some(dir) => Some(resolve(ctx, Some(dir))?),
            None => None,
        };
        let cache = serving::server_cache(ctx, first, None);
        // Resolved before anything runs: the same failures and exit codes.
        let provided = ctx.block_on(cache.credentials())?.map_err(Failure::from)?;
        ctx.debug(|| {
            format!(
                "exec: serving {} from {} to {program}",
                provided.credentials.short_access_key_id(),
                provided.source
            )
        });
        drop(provided);
        let token = crate::server::random_token().map_err(|e| Failure::no_answer(e.to_string()))?;
        let argv = self.argv;
        ctx.block_on(async move {
            let server = crate::server::CredentialsServer::bind("127.0.0.1:0", cache, token.clone())
                .await
                .map_err(|e| Failure::no_answer(format!("cannot start the credentials server: {e}")))?;
            let url = server.url();
            let give = Give::Server {
                url: &url,
                token: &token,
            };
            let env = child::environment(parent, &give, region.as_deref(), &profile);
            let serve = async move {
                let _ = server.serve().await;
            };
            Ok(Outcome::Exit(beside(&argv, env, serve).await))
        })?
    }
}

#[cfg(unix)]
async fn beside(
    argv: &[OsString],
    env: Vec<(OsString, OsString)>,
    serve: impl std::future::Future<Output = ()>,
) -> u8 {
    child::run_beside(argv, env, serve).await
}

#[cfg(not(unix))]
async fn beside(
    argv: &[OsString],
    env: Vec<(OsString, OsString)>,
    serve: impl std::future::Future<Output = ()>,
) -> u8 {
    let _ = (argv, env, serve);
    crate::cli::failure::say("stskit: exec --server needs a Unix system");
    2
}
