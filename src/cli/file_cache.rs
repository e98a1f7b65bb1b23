//! `stskit credentials --cache`: the AWS CLI's assumed-role cache. The entry for the
//! call the chain decided on (the profile's last role, or web identity: the key comes
//! with the call) is read before anything else starts, reused while it has 15 minutes left, and rewritten
//! after a fresh call; when that call fails, an entry with more than a minute left is
//! printed with a warning. Static keys, the environment's keys and
//! `credential_process` write nothing.

use std::time::Duration;

use crate::cache::{CacheKey, CachedCredentials, FileCache, Lookup};
use crate::client::{Clock, SystemClock};
use crate::provider::{LastCall, Os, Provided, Session};

use super::failure::{Failure, say, terminal_safe};

/// The least time a cached entry must have left to be printed after a failed refresh.
const FALLBACK_MIN: Duration = Duration::from_secs(60);

/// The cache and the key of the call the chain will make, and what the file held.
#[derive(Debug)]
pub(crate) struct Pending {
    cache: FileCache,
    key: CacheKey,
    fallback: Option<CachedCredentials>,
}

/// The cache's answer before any call: credentials to print, or what to do after the
/// call (`None`: the chain's answer is not cached).
pub(crate) enum Before {
    Hit(CachedCredentials),
    After(Option<Pending>),
}

/// Opens the cache and looks up the entry of `key`, the key of the call the chain
/// is about to make (`None`: its answer is not cached).
pub(crate) fn before(os: &Os, dir: &CacheDir, key: Option<&CacheKey>) -> Result<Before, Failure> {
    let cache = match dir {
        CacheDir::AwsCli => FileCache::aws_cli(os)
            .map_err(|e| Failure::config(terminal_safe(&e.to_string(), 300)))?,
        CacheDir::Dir(d) => FileCache::new(d).with_os(os.clone()),
    };
    let Some(key) = key.cloned() else {
        return Ok(Before::After(None));
    };
    let fallback = match cache.load(&key, SystemClock.now()) {
        Lookup::Fresh(c) => return Ok(Before::Hit(c)),
        Lookup::Expiring(c) => Some(c),
        _ => None,
    };
    Ok(Before::After(Some(Pending {
        cache,
        key,
        fallback,
    })))
}

/// What the cache held before the call, for `--debug`.
pub(crate) fn describe(pending: Option<&Pending>) -> String {
    match pending {
        None => "not used: this answer is never cached".into(),
        Some(Pending {
            fallback: Some(c), ..
        }) => format!(
            "expiring at {}: refreshing (kept as a fallback)",
            crate::date::format_rfc3339(c.credentials.expiration())
        ),
        Some(p) => format!(
            "miss in {}",
            terminal_safe(&p.cache.dir().to_string_lossy(), 200)
        ),
    }
}

/// After the chain ran: the credentials to print. A fresh answer is written to the
/// cache (a write that fails is a warning, not a failure); a failure falls back to a
/// cached entry with more than a minute left, with a warning.
pub(crate) fn after(
    pending: Option<Pending>,
    outcome: Result<Session, Failure>,
) -> Result<Printable, Failure> {
    match outcome {
        Ok(session) => {
            if let Some(p) = &pending
                && let Some(last) = &session.last_call
            {
                let written = match last {
                    LastCall::AssumeRole(out) => p.cache.store_assume_role(&p.key, out),
                    LastCall::WebIdentity(out) => p.cache.store_web_identity(&p.key, out),
                };
                if let Err(e) = written {
                    say(&format!(
                        "stskit: warning: could not write the cache file {} in {}: {}",
                        p.key.file_name(),
                        terminal_safe(&p.cache.dir().to_string_lossy(), 200),
                        e.kind()
                    ));
                }
            }
            Ok(Printable::Provided(Box::new(session.provided)))
        }
        Err(failure) => {
            let now = SystemClock.now();
            let usable = pending.and_then(|p| p.fallback).filter(|c| {
                c.credentials.expiration() - now
                    > time::Duration::try_from(FALLBACK_MIN).unwrap_or(time::Duration::MAX)
            });
            match usable {
                Some(c) => {
                    say(&format!(
                        "stskit: warning: the refresh failed ({}); printing the cached \
                         credentials, which expire at {}",
                        failure.message,
                        crate::date::format_rfc3339(c.credentials.expiration())
                    ));
                    Ok(Printable::Cached(c))
                }
                None => Err(failure),
            }
        }
    }
}

/// What `stskit credentials --cache` prints.
pub(crate) enum Printable {
    Provided(Box<Provided>),
    Cached(CachedCredentials),
}

/// Where `--cache` reads and writes the AWS CLI's assumed-role cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CacheDir {
    /// `~/.aws/cli/cache` (`--cache`).
    AwsCli,
    /// `--cache-dir DIR`.
    Dir(String),
}
