//! Name resolution for the reqwest transport.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::host;

/// Resolves host names for the reqwest client. `localhost` and names under
/// `.localhost` are loopback without asking DNS (RFC 6761 section 6.3), so whoever
/// answers DNS never learns of, nor receives, a request meant for this machine. Other
/// names go to the system resolver.
#[derive(Debug)]
pub(super) struct Resolver;

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let name = name.as_str().to_ascii_lowercase();
        Box::pin(async move {
            if host::is_loopback_name(&name) {
                let addrs = [
                    SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                    SocketAddr::from((Ipv6Addr::LOCALHOST, 0)),
                ];
                return Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs);
            }
            match tokio::net::lookup_host((name.as_str(), 0)).await {
                Ok(addrs) => {
                    Ok(Box::new(addrs.collect::<Vec<_>>().into_iter()) as reqwest::dns::Addrs)
                }
                Err(e) => Err(Box::new(ResolveError(e)) as _),
            }
        })
    }
}

/// A failed name lookup, found again in the error chain to classify it.
#[derive(Debug)]
pub(super) struct ResolveError(std::io::Error);

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "name resolution failed: {}", self.0)
    }
}

impl std::error::Error for ResolveError {}
