use std::sync::{Arc, OnceLock};
use std::time::Duration;

use zeroize::Zeroize;

use crate::error::{InputError, TransportError, TransportErrorKind};
use crate::http::{Request, Response};

/// Limits of the reqwest transport. Defaults: connect 3 s, whole attempt 10 s, body
/// 64 KiB.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TransportConfig {
    /// Longest time to establish a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Longest time for a whole attempt, from connecting to the last body byte. A
    /// server dripping one byte a second is cut off here.
    pub attempt_timeout: Duration,
    /// Largest body read; a larger `Content-Length` is refused before reading, and
    /// reading stops as soon as the count passes it.
    pub max_body_bytes: usize,
    /// Honor `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY` for non-loopback
    /// endpoints (default `true`). Loopback endpoints are always reached directly.
    pub proxy_from_env: bool,
    /// Extra trusted roots (PEM), on top of the compiled-in Mozilla roots: what
    /// `AWS_CA_BUNDLE` names for the AWS tools.
    extra_roots: Arc<[reqwest::Certificate]>,
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            connect_timeout: Duration::from_secs(3),
            attempt_timeout: Duration::from_secs(10),
            max_body_bytes: 64 * 1024,
            proxy_from_env: true,
            extra_roots: Arc::new([]),
        }
    }
}

impl TransportConfig {
    /// Sets the connect timeout.
    pub fn with_connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }
    /// Sets the per-attempt timeout.
    pub fn with_attempt_timeout(mut self, t: Duration) -> Self {
        self.attempt_timeout = t;
        self
    }
    /// Sets the body cap.
    pub fn with_max_body_bytes(mut self, n: usize) -> Self {
        self.max_body_bytes = n;
        self
    }
    /// Trusts the certificates of a PEM bundle too (a private CA, a TLS-terminating
    /// emulator).
    ///
    /// # Errors
    /// [`InputError::Invalid`] when the bundle holds no readable certificate.
    pub fn with_ca_bundle_pem(mut self, pem: impl Into<Vec<u8>>) -> Result<Self, InputError> {
        let pem: Vec<u8> = pem.into();
        let certs =
            reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| InputError::Invalid {
                field: "AWS_CA_BUNDLE",
                rule: "must be a PEM file of certificates",
            })?;
        if certs.is_empty() {
            return Err(InputError::Invalid {
                field: "AWS_CA_BUNDLE",
                rule: "must hold at least one PEM certificate",
            });
        }
        self.extra_roots = certs.into();
        Ok(self)
    }
    /// Sets whether proxies come from the environment.
    pub fn with_proxy_from_env(mut self, on: bool) -> Self {
        self.proxy_from_env = on;
        self
    }
}

/// The reqwest transport: rustls, compiled-in roots (no trust store is loaded, so a
/// loopback `http://` call pays nothing for TLS), HTTP/1.1, never a redirect.
#[derive(Debug, Default)]
pub struct ReqwestTransport {
    config: TransportConfig,
    direct: OnceLock<Result<reqwest::Client, String>>,
    proxied: OnceLock<Result<reqwest::Client, String>>,
}

impl ReqwestTransport {
    /// A transport with these limits. The HTTP client is built on first use.
    pub fn new(config: TransportConfig) -> Self {
        ReqwestTransport {
            config,
            direct: OnceLock::new(),
            proxied: OnceLock::new(),
        }
    }

    /// The limits in force.
    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    fn client(&self, loopback: bool) -> Result<&reqwest::Client, TransportError> {
        let proxied = self.config.proxy_from_env && !loopback;
        let cell = if proxied { &self.proxied } else { &self.direct };
        let built = cell.get_or_init(|| {
            let mut b = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(self.config.connect_timeout)
                .timeout(self.config.attempt_timeout)
                .user_agent(concat!("stskit/", env!("CARGO_PKG_VERSION")))
                .http1_only()
                .referer(false);
            if !proxied {
                b = b.no_proxy();
            }
            for cert in self.config.extra_roots.iter() {
                b = b.add_root_certificate(cert.clone());
            }
            b.build().map_err(|e| e.to_string())
        });
        built
            .as_ref()
            .map_err(|e| TransportError::new(TransportErrorKind::Other).with_source(e.clone()))
    }
}

fn classify(e: reqwest::Error) -> TransportError {
    let kind = if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_connect() || e.is_request() || e.is_body() || e.is_decode() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Other
    };
    // The URL of an STS call holds no secret, but keep the cause short anyway.
    TransportError::new(kind).with_source(e.without_url())
}

fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl super::Transport for ReqwestTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let client = self.client(is_loopback_url(request.url()))?;
        let method = reqwest::Method::from_bytes(request.method().as_bytes())
            .map_err(|e| TransportError::new(TransportErrorKind::Other).with_source(e))?;
        let mut headers = reqwest::header::HeaderMap::with_capacity(request.headers().len());
        for h in request.headers() {
            let name = reqwest::header::HeaderName::from_bytes(h.name().as_bytes())
                .map_err(|e| TransportError::new(TransportErrorKind::Other).with_source(e))?;
            let mut value = reqwest::header::HeaderValue::from_str(h.value()).map_err(|_| {
                TransportError::new(TransportErrorKind::Other).with_source(format!(
                    "header {} has a value that cannot be sent",
                    h.name()
                ))
            })?;
            value.set_sensitive(h.is_sensitive());
            headers.append(name, value);
        }
        let mut response = client
            .request(method, request.url())
            .headers(headers)
            .body(request.body().to_vec())
            .send()
            .await
            .map_err(classify)?;
        drop(request);
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            return Err(TransportError::new(TransportErrorKind::Redirect(status)));
        }
        let max = self.config.max_body_bytes;
        if response.content_length().is_some_and(|n| n > max as u64) {
            return Err(TransportError::new(TransportErrorKind::BodyTooLarge(max)));
        }
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body: Vec<u8> =
            Vec::with_capacity(response.content_length().map_or(4096, |n| n as usize));
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > max {
                        body.zeroize();
                        return Err(TransportError::new(TransportErrorKind::BodyTooLarge(max)));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    body.zeroize();
                    return Err(classify(e));
                }
            }
        }
        Ok(Response::new(status, headers, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_loopback_urls() {
        for url in [
            "http://127.0.0.1:80/",
            "http://localhost/",
            "http://[::1]:9/",
            "http://127.9.9.9",
        ] {
            assert!(is_loopback_url(url), "{url}");
        }
        for url in [
            "https://sts.amazonaws.com/",
            "http://128.0.0.1/",
            "http://localhost.evil.com/",
        ] {
            assert!(!is_loopback_url(url), "{url}");
        }
    }
}
