//! `stskit serve`: one refreshing cache for every process on a host, served on loopback
//! by the container credentials protocol every AWS SDK speaks.

use std::io::Write;
use std::path::Path;

use secrecy::{ExposeSecret, SecretString};

use crate::cli::context::{Command, Context, Outcome, Spec};
use crate::cli::failure::{EXIT_NO_ANSWER, Failure, terminal_safe};
use crate::cli::flags::{Flag, Values, once};
use crate::cli::serving;
use crate::server::{CredentialsServer, MAX_TOKEN_LEN, check_token, parse_listen, random_token};

pub(crate) const SPEC: Spec = Spec {
    name: "serve",
    title: "serve credentials to every process on this host (the container protocol)",
    usage: "stskit serve [--profile NAME] [--region R] [--listen ADDR] [--token-file PATH]\n      [--output env|fish|powershell]",
    flags: FLAGS,
    tail: "\
Listens on loopback only (127.0.0.0/8, [::1], localhost; default 127.0.0.1 on a free
port) and, once it accepts connections, prints what a client needs, then serves until
SIGINT or SIGTERM (exit 0):
  AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:PORT/
  AWS_CONTAINER_AUTHORIZATION_TOKEN=TOKEN      (a fresh random token), or
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=PATH  (with --token-file: the token is read
                                               from PATH at start and left as it is)
Every AWS SDK started with those variables fetches its credentials here and refreshes
them ahead of expiry by itself: any number of processes share one cache and make one
STS call per refresh. Credentials are resolved as `stskit credentials` resolves them,
on the first request, and kept fresh by the refresh policy; long-term keys are served
as a GetSessionToken session (the protocol has no form for them).

A GET whose Authorization header is the token gets the credentials as JSON; no token
401, another token 403, a Host that is not a loopback IP or localhost 403, another
method 405; a failed resolution 503 (retry), 403 (refused) or 500 (settings) with
{\"code\",\"message\"}. One line on stderr per refresh or failure, never a secret.
",
    build,
};

const FLAGS: &[Flag] = &[
    once(
        "listen",
        "ADDR",
        "HOST:PORT on loopback (default 127.0.0.1:0, a free port)",
    ),
    once(
        "token-file",
        "PATH",
        "the token clients send, read from PATH at start\n(visible ASCII, no line break)",
    ),
    once(
        "output",
        "FORMAT",
        "how the variables are printed: env (the default),\nfish, powershell",
    ),
];

struct Serve {
    listen: String,
    token_file: Option<String>,
    format: crate::cli::output::Format,
}

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    use crate::cli::output::Format;
    let format = match v.take("output").as_deref() {
        None | Some("env") => Format::Env,
        Some("fish") => Format::Fish,
        Some("powershell") => Format::PowerShell,
        Some(_) => {
            return Err(Failure::usage(
                "--output must be env, fish or powershell (serve prints variables)",
            ));
        }
    };
    let listen = v.take("listen").unwrap_or_else(|| "127.0.0.1:0".into());
    // Checked before anything is read or bound.
    parse_listen(&listen).map_err(|e| Failure::usage(format!("--listen: {e}")))?;
    Ok(Box::new(Serve {
        listen,
        token_file: v.take("token-file"),
        format,
    }))
}

impl Command for Serve {
    fn long_running(&self) -> bool {
        true
    }

    fn run(self: Box<Self>, ctx: &Context) -> Result<Outcome, Failure> {
        let (token, token_var) = match &self.token_file {
            Some(path) => {
                let token = read_token(ctx, path)?;
                let absolute = std::path::absolute(Path::new(path))
                    .map_err(|e| Failure::config(format!("--token-file: {e}")))?;
                let shown = absolute.to_str().map(str::to_owned).ok_or_else(|| {
                    Failure::config("--token-file: the path is not valid UTF-8")
                })?;
                (token, ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", shown))
            }
            None => {
                let token = random_token().map_err(|e| Failure::no_answer(e.to_string()))?;
                let shown = token.expose_secret().to_owned();
                (token, ("AWS_CONTAINER_AUTHORIZATION_TOKEN", shown))
            }
        };
        let cache = serving::server_cache(ctx, None, Some("serve"));
        let runtime = serving::server_runtime()?;
        runtime.block_on(async move {
            let server = CredentialsServer::bind(&self.listen, cache, token)
                .await
                .map_err(|e| Failure::config(format!("--listen {}: {e}", terminal_safe(&self.listen, 100))))?;
            let vars = [
                ("", "AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url()),
                ("", token_var.0, token_var.1),
            ];
            let shown: Vec<(&str, &str, &str)> =
                vars.iter().map(|(a, b, c)| (*a, *b, c.as_str())).collect();
            let text = crate::cli::output::variables(&shown, self.format)?;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| Failure {
                    code: EXIT_NO_ANSWER,
                    message: format!("cannot write the variables to stdout: {e}"),
                })?;
            drop(stdout);
            crate::cli::failure::say(&format!(
                "stskit serve: listening on {}",
                server.local_addr().map_or_else(|_| "?".into(), |a| a.to_string())
            ));
            server
                .serve_until(stop_signal())
                .await
                .map_err(|e| Failure::no_answer(format!("the listening socket failed: {e}")))?;
            crate::cli::failure::say("stskit serve: stopped");
            Ok(Outcome::Exit(0))
        })
    }
}

/// The token in `path`: read once, whole (no newline trimmed: clients send the file's
/// bytes as they are), and checked as clients require it.
fn read_token(ctx: &Context, path: &str) -> Result<SecretString, Failure> {
    let bytes = ctx
        .config()
        .os()
        .read_regular_file(Path::new(path), MAX_TOKEN_LEN as u64 + 1)
        .map_err(|e| Failure::config(format!("--token-file {}: {e}", terminal_safe(path, 200))))?;
    let bytes = zeroize::Zeroizing::new(bytes);
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Failure::config("--token-file: unusable token: holds something other than visible ASCII"))?;
    check_token(text).map_err(|e| Failure::config(format!("--token-file: {e}")))?;
    Ok(SecretString::from(text))
}

/// Completes at SIGINT or SIGTERM (at once if they cannot be watched).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            crate::cli::failure::say("stskit serve: cannot watch SIGINT and SIGTERM");
            return;
        };
        std::future::poll_fn(|cx| {
            if int.poll_recv(cx).is_ready() || term.poll_recv(cx).is_ready() {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await;
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
