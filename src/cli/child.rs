//! `stskit exec`: the command's environment, and running it, either in stskit's place
//! (`execvp`: signals and the exit status are the command's own) or as a child next to
//! the credentials server, with stskit passing on the signals it receives.

use std::ffi::{OsStr, OsString};

use secrecy::{ExposeSecret, SecretString};

use crate::provider::Provided;

use super::failure::say;

/// What would make an SDK in the child pick a source other than the one given.
pub(crate) const REMOVED: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
];

/// The four variables that carry credentials themselves.
const KEYS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
];

/// Set in the child: the profile stskit resolved (a marker for prompts and for a
/// nested `stskit exec`).
pub(crate) const MARKER: &str = "STSKIT_PROFILE";

/// How the child gets its credentials.
pub(crate) enum Give<'a> {
    /// In its environment.
    Keys(&'a Provided),
    /// From a credentials server: its URL and token.
    Server {
        url: &'a str,
        token: &'a SecretString,
    },
}

/// The child's environment: `parent`'s, with the credential and source variables
/// replaced as `give` says, the region set when one is known, and the marker.
pub(crate) fn environment(
    parent: Vec<(OsString, OsString)>,
    give: &Give<'_>,
    region: Option<&str>,
    profile: &str,
) -> Vec<(OsString, OsString)> {
    let managed = |name: &OsStr| {
        REMOVED.iter().chain(KEYS).any(|r| name == *r)
            || name == MARKER
            || (region.is_some() && (name == "AWS_REGION" || name == "AWS_DEFAULT_REGION"))
    };
    let mut env: Vec<(OsString, OsString)> =
        parent.into_iter().filter(|(k, _)| !managed(k)).collect();
    let mut set = |k: &str, v: &str| env.push((k.into(), v.into()));
    match give {
        Give::Keys(p) => {
            let c = &p.credentials;
            set("AWS_ACCESS_KEY_ID", c.access_key_id());
            set(
                "AWS_SECRET_ACCESS_KEY",
                c.secret_access_key().expose_secret(),
            );
            if let Some(token) = c.session_token() {
                set("AWS_SESSION_TOKEN", token.expose_secret());
                // Older tools (boto 2) read the token here; never set with long-term keys.
                set("AWS_SECURITY_TOKEN", token.expose_secret());
            }
            if let Some(e) = p.expiration {
                set("AWS_CREDENTIAL_EXPIRATION", &crate::date::format_rfc3339(e));
            }
        }
        Give::Server { url, token } => {
            set("AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
            set("AWS_CONTAINER_AUTHORIZATION_TOKEN", token.expose_secret());
        }
    }
    if let Some(r) = region {
        set("AWS_REGION", r);
        set("AWS_DEFAULT_REGION", r);
    }
    set(MARKER, profile);
    env
}

/// The exit status for a command that could not be started, with its one line.
pub(crate) fn not_started(program: &OsStr, e: &std::io::Error) -> u8 {
    let name = super::failure::terminal_safe(&program.to_string_lossy(), 200);
    let (code, what) = match e.kind() {
        std::io::ErrorKind::NotFound => (127, "command not found".to_string()),
        std::io::ErrorKind::PermissionDenied => (126, "permission denied (not executable)".into()),
        _ => (126, format!("cannot run it: {e}")),
    };
    say(&format!("stskit: {name}: {what}"));
    code
}

/// Replaces stskit with `argv` in `env` (`execvp`); returns only when that failed,
/// with the exit status to give.
#[cfg(unix)]
pub(crate) fn replace(argv: &[OsString], env: Vec<(OsString, OsString)>) -> u8 {
    use std::os::unix::process::CommandExt;
    let Some((program, args)) = argv.split_first() else {
        return 2;
    };
    let e = std::process::Command::new(program)
        .args(args)
        .env_clear()
        .envs(env)
        .exec();
    not_started(program, &e)
}

/// Without `execvp`: runs `argv` as a child and gives its status.
#[cfg(not(unix))]
pub(crate) fn replace(argv: &[OsString], env: Vec<(OsString, OsString)>) -> u8 {
    let Some((program, args)) = argv.split_first() else {
        return 2;
    };
    match std::process::Command::new(program)
        .args(args)
        .env_clear()
        .envs(env)
        .status()
    {
        Ok(status) => status.code().map_or(1, |c| (c & 0xff) as u8),
        Err(e) => not_started(program, &e),
    }
}

/// The shell's view of a child's end: its exit code, or 128 + the signal that killed it.
pub(crate) fn status_code(status: std::process::ExitStatus) -> u8 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(255);
        }
    }
    status.code().map_or(1, |c| (c & 0xff) as u8)
}

#[cfg(unix)]
pub(crate) use unix::run_beside;

#[cfg(unix)]
mod unix {
    use std::ffi::OsString;
    use std::future::Future;
    use std::task::Poll;

    use rustix::process::{Pid, Signal};
    use tokio::signal::unix::{SignalKind, signal};

    use super::{not_started, status_code};

    /// The signals passed on to the child: (ours to listen to, the child's to send,
    /// whether the terminal sends it to the whole foreground group).
    fn forwarded() -> [(SignalKind, Signal, bool); 4] {
        [
            (SignalKind::interrupt(), Signal::INT, true),
            (SignalKind::terminate(), Signal::TERM, false),
            (SignalKind::hangup(), Signal::HUP, true),
            (SignalKind::quit(), Signal::QUIT, true),
        ]
    }

    /// Runs `argv` in `env` as a child while `beside` runs (the credentials server),
    /// passing on SIGINT, SIGTERM, SIGHUP and SIGQUIT; gives the child's status once
    /// it ends (`beside` is dropped then). A signal the terminal sent to the whole
    /// foreground group (Ctrl-C, Ctrl-\, a hangup) already reached the child, which
    /// is in stskit's group, so it is not sent twice.
    pub(crate) async fn run_beside(
        argv: &[OsString],
        env: Vec<(OsString, OsString)>,
        beside: impl Future<Output = ()>,
    ) -> u8 {
        let Some((program, args)) = argv.split_first() else {
            return 2;
        };
        let mut streams = Vec::new();
        for (kind, to_child, from_terminal) in forwarded() {
            match signal(kind) {
                Ok(s) => streams.push((s, to_child, from_terminal)),
                Err(e) => {
                    super::say(&format!("stskit: cannot watch a signal to pass it on: {e}"));
                    return 1;
                }
            }
        }
        let mut child = match tokio::process::Command::new(program)
            .args(args)
            .env_clear()
            .envs(env)
            .spawn()
        {
            Ok(c) => c,
            Err(e) => return not_started(program, &e),
        };
        let pid = child.id().and_then(|id| Pid::from_raw(id as i32));
        let mut wait = std::pin::pin!(child.wait());
        let mut beside = std::pin::pin!(beside);
        let status = std::future::poll_fn(|cx| {
            for (stream, to_child, from_terminal) in &mut streams {
                while let Poll::Ready(Some(())) = stream.poll_recv(cx) {
                    if !(*from_terminal && in_terminal_foreground())
                        && let Some(pid) = pid
                    {
                        let _ = rustix::process::kill_process(pid, *to_child);
                    }
                }
            }
            // The server never ends by itself; polled so it serves.
            let _ = beside.as_mut().poll(cx);
            wait.as_mut().poll(cx)
        })
        .await;
        match status {
            Ok(status) => status_code(status),
            Err(e) => {
                super::say(&format!("stskit: lost track of the command: {e}"));
                1
            }
        }
    }

    /// Whether stskit's process group is the foreground group of its terminal (read
    /// on stdin, stdout or stderr, whichever is the terminal).
    fn in_terminal_foreground() -> bool {
        let ours = rustix::process::getpgrp();
        let fds = [
            rustix::termios::tcgetpgrp(std::io::stdin()),
            rustix::termios::tcgetpgrp(std::io::stdout()),
            rustix::termios::tcgetpgrp(std::io::stderr()),
        ];
        fds.into_iter().flatten().any(|fg| fg == ours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credentials;

    fn parent() -> Vec<(OsString, OsString)> {
        [
            ("PATH", "/usr/bin"),
            ("HOME", "/home/me"),
            ("AWS_PROFILE", "prod"),
            ("AWS_DEFAULT_PROFILE", "prod"),
            ("AWS_ACCESS_KEY_ID", "AKIAOLD"),
            ("AWS_SECRET_ACCESS_KEY", "old"),
            ("AWS_SESSION_TOKEN", "oldtoken"),
            ("AWS_SECURITY_TOKEN", "oldtoken"),
            ("AWS_CREDENTIAL_EXPIRATION", "2000-01-01T00:00:00Z"),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/"),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "x"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"),
            ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r"),
            ("AWS_REGION", "us-west-2"),
            ("AWS_DEFAULT_REGION", "us-west-2"),
            ("AWS_CA_BUNDLE", "/ca.pem"),
        ]
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
    }

    fn get<'a>(env: &'a [(OsString, OsString)], name: &str) -> Vec<&'a str> {
        env.iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.to_str().unwrap())
            .collect()
    }

    #[test]
    fn keys_replace_every_other_source_and_the_rest_passes_through() {
        let p = Provided::new(
            Credentials::new("ASIANEW", "newsecret", Some("newtoken".into())),
            Some(time::macros::datetime!(2030-01-02 03:04:05 UTC)),
            "profile",
        );
        let env = environment(parent(), &Give::Keys(&p), Some("eu-west-1"), "dev");
        assert_eq!(get(&env, "AWS_ACCESS_KEY_ID"), ["ASIANEW"]);
        assert_eq!(get(&env, "AWS_SECRET_ACCESS_KEY"), ["newsecret"]);
        assert_eq!(get(&env, "AWS_SESSION_TOKEN"), ["newtoken"]);
        assert_eq!(get(&env, "AWS_SECURITY_TOKEN"), ["newtoken"]);
        assert_eq!(
            get(&env, "AWS_CREDENTIAL_EXPIRATION"),
            ["2030-01-02T03:04:05Z"]
        );
        assert_eq!(get(&env, "AWS_REGION"), ["eu-west-1"]);
        assert_eq!(get(&env, "AWS_DEFAULT_REGION"), ["eu-west-1"]);
        assert_eq!(get(&env, MARKER), ["dev"]);
        for gone in REMOVED.iter().filter(|n| **n != "AWS_SECURITY_TOKEN") {
            assert!(get(&env, gone).is_empty(), "{gone}");
        }
        assert_eq!(get(&env, "PATH"), ["/usr/bin"]);
        assert_eq!(get(&env, "AWS_CA_BUNDLE"), ["/ca.pem"]);
    }

    #[test]
    fn long_term_keys_leave_no_token_or_expiry_and_an_unknown_region_stays() {
        let p = Provided::new(Credentials::new("AKIALONG", "s", None), None, "environment");
        let env = environment(parent(), &Give::Keys(&p), None, "default");
        for gone in [
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION",
        ] {
            assert!(get(&env, gone).is_empty(), "{gone}");
        }
        assert_eq!(get(&env, "AWS_REGION"), ["us-west-2"]);
        assert_eq!(get(&env, "AWS_DEFAULT_REGION"), ["us-west-2"]);
    }

    #[test]
    fn a_server_child_gets_the_endpoint_and_no_keys() {
        let token = SecretString::from("tok");
        let give = Give::Server {
            url: "http://127.0.0.1:4321/",
            token: &token,
        };
        let env = environment(parent(), &give, Some("eu-west-1"), "dev");
        for gone in KEYS {
            assert!(get(&env, gone).is_empty(), "{gone}");
        }
        assert_eq!(
            get(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
            ["http://127.0.0.1:4321/"]
        );
        assert_eq!(get(&env, "AWS_CONTAINER_AUTHORIZATION_TOKEN"), ["tok"]);
        assert!(get(&env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").is_empty());
        assert!(get(&env, "AWS_PROFILE").is_empty());
    }
}
