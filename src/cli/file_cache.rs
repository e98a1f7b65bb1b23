//! `stskit credentials --cache`: the AWS CLI's assumed-role cache. The entry for the
//! call that gives the credentials (the profile's last role, or web identity) is read
//! before anything else starts, reused while it has 15 minutes left, and rewritten
//! after a fresh call; when that call fails, an entry with more than a minute left is
//! printed with a warning. Static keys, the environment's keys and
//! `credential_process` write nothing.

use std::time::Duration;

use crate::cache::{CacheKey, CachedCredentials, FileCache, Lookup};
use crate::profile::{BaseCredentials, ProfileSet, plan};
use crate::provider::{self, LastCall, Session};

use super::commands::CacheDir;
use super::{Failure, say, terminal_safe};

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

/// Opens the cache and looks up the entry the chain's answer would have.
pub(crate) fn before(
    dir: &CacheDir,
    set: &ProfileSet,
    profile: &str,
    explicit: bool,
) -> Result<Before, Failure> {
    let cache = match dir {
        CacheDir::AwsCli => {
            FileCache::aws_cli().map_err(|e| Failure::config(terminal_safe(&e.to_string(), 300)))?
        }
        CacheDir::Dir(d) => FileCache::new(d),
    };
    let Some(key) = key_for(set, profile, explicit) else {
        return Ok(Before::After(None));
    };
    let fallback = match cache.load(&key, time::OffsetDateTime::now_utc()) {
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

/// The key of the STS call that gives the chain's credentials, without making it:
/// web identity from the environment, else the profile's last role, else its web
/// identity. `None` when the answer needs no STS call or cannot be planned (the run
/// reports that).
fn key_for(set: &ProfileSet, profile: &str, explicit: bool) -> Option<CacheKey> {
    if !explicit && let Ok(Some(file)) = provider::env_var("AWS_WEB_IDENTITY_TOKEN_FILE") {
        let role = provider::env_var("AWS_ROLE_ARN").ok()??;
        let session = provider::env_var("AWS_ROLE_SESSION_NAME").ok()?;
        return web_identity_key(&role, session.as_deref(), &file);
    }
    let plan = plan(set, profile).ok()?;
    if let Some(hop) = plan.hops.last() {
        return Some(CacheKey::for_hop(hop));
    }
    match &plan.base {
        BaseCredentials::WebIdentity {
            role_arn,
            token_file,
            session_name,
            ..
        } => web_identity_key(role_arn, session_name.as_deref(), token_file),
        _ => None,
    }
}

fn web_identity_key(role: &str, session: Option<&str>, token_file: &str) -> Option<CacheKey> {
    let path = provider::files::expand_home(token_file).ok()?;
    let token =
        provider::read_web_identity_token("web_identity_token_file", std::path::Path::new(&path))
            .ok()?;
    Some(CacheKey::web_identity(role, session, &token))
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
            let now = time::OffsetDateTime::now_utc();
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
                        crate::sts::response::format_rfc3339(c.credentials.expiration())
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
    Provided(Box<crate::provider::Provided>),
    Cached(CachedCredentials),
}
