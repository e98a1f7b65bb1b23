use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use zeroize::Zeroize;

use super::resolve::{ResolveError, Resolver};
use super::{TransportError, TransportErrorKind};
use crate::host;
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
    /// `AWS_CA_BUNDLE` names for the AWS tools. Parsed only when a TLS connection is
    /// first made, so a plain loopback call never pays for it.
    extra_roots_pem: Option<PemBundle>,
}

/// A PEM bundle kept until a TLS client needs it. `Debug` shows its size only (a
/// bundle can be megabytes).
#[derive(Clone)]
struct PemBundle(Arc<[u8]>);

impl fmt::Debug for PemBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PemBundle({} bytes)", self.0.len())
    }
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            connect_timeout: Duration::from_secs(3),
            attempt_timeout: Duration::from_secs(10),
            max_body_bytes: 64 * 1024,
            proxy_from_env: true,
            extra_roots_pem: None,
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
    /// emulator). The bundle is checked for a certificate block here and parsed when
    /// the first TLS connection needs it (about 2.6 ms for a 140-certificate bundle):
    /// a certificate that does not parse is then a [`TransportErrorKind::Tls`] error.
    ///
    /// # Errors
    /// [`std::io::ErrorKind::InvalidData`] when the bundle holds no PEM certificate
    /// block.
    pub fn with_ca_bundle_pem(mut self, pem: impl Into<Vec<u8>>) -> Result<Self, std::io::Error> {
        let pem: Vec<u8> = pem.into();
        let holds = |marker: &[u8]| pem.windows(marker.len()).any(|w| w == marker);
        if !holds(b"-----BEGIN CERTIFICATE-----") || !holds(b"-----END CERTIFICATE-----") {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the bundle holds no PEM certificate",
            ));
        }
        self.extra_roots_pem = Some(PemBundle(pem.into()));
        Ok(self)
    }
    /// Whether extra trusted roots were given.
    #[cfg(test)]
    pub(crate) fn has_extra_roots(&self) -> bool {
        self.extra_roots_pem.is_some()
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
    plain: OnceLock<Built>,
    direct: OnceLock<Built>,
    proxied: OnceLock<Built>,
}

/// A built client, or why it could not be built.
type Built = Result<reqwest::Client, (TransportErrorKind, String)>;

impl ReqwestTransport {
    /// A transport with these limits. The HTTP client is built on first use.
    pub fn new(config: TransportConfig) -> Self {
        ReqwestTransport {
            config,
            plain: OnceLock::new(),
            direct: OnceLock::new(),
            proxied: OnceLock::new(),
        }
    }

    /// The limits in force.
    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    /// The client for plain http (loopback and the AWS metadata addresses only, never
    /// proxied, no extra roots), for
    /// https without a proxy, or for https through the environment's proxy.
    fn client(&self, loopback: bool, https: bool) -> Result<&reqwest::Client, TransportError> {
        let proxied = https && self.config.proxy_from_env && !loopback;
        let cell = match (https, proxied) {
            (false, _) => &self.plain,
            (true, false) => &self.direct,
            (true, true) => &self.proxied,
        };
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
            b = b.dns_resolver(Arc::new(Resolver));
            if let (true, Some(pem)) = (https, &self.config.extra_roots_pem) {
                let certs = reqwest::Certificate::from_pem_bundle(&pem.0)
                    .ok()
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| {
                        (
                            TransportErrorKind::Tls,
                            "AWS_CA_BUNDLE holds a certificate that cannot be read".to_owned(),
                        )
                    })?;
                for cert in certs {
                    b = b.add_root_certificate(cert);
                }
            }
            b.build()
                .map_err(|e| (TransportErrorKind::Other, e.to_string()))
        });
        built
            .as_ref()
            .map_err(|(kind, e)| TransportError::new(*kind).with_source(Cause(e.clone())))
    }
}

/// The root cause of a failure, in words a person can act on.
#[derive(Debug)]
struct Cause(String);

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Cause {}

fn refused(authority: Option<&str>, rule: impl Into<String>) -> TransportError {
    let e = TransportError::new(TransportErrorKind::Refused).with_source(Cause(rule.into()));
    match authority {
        Some(a) => e.with_host(a),
        None => e,
    }
}

/// What a certificate failure means, and what to do about it.
fn describe_tls(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => "certificate problem: signed by \
             an unknown issuer (not in the compiled-in Mozilla roots nor in AWS_CA_BUNDLE)"
            .into(),
        rustls::Error::InvalidCertificate(C::Other(other))
            if format!("{other:?}").contains("CaUsedAsEndEntity") =>
        {
            "certificate problem: the server presents a CA certificate (basic constraints \
             CA:TRUE) as its own, which is refused even when it is in AWS_CA_BUNDLE; serve a \
             leaf certificate (CA:FALSE) signed by that CA instead"
                .into()
        }
        rustls::Error::InvalidCertificate(c) => format!("certificate problem: {c:?}"),
        // A server that answers the ClientHello with something else: plain HTTP on an
        // https:// endpoint, most often.
        rustls::Error::InvalidMessage(_) => "the server does not speak TLS: it answered the \
             handshake with something else (is it a plain http:// endpoint?)"
            .into(),
        other => format!("TLS failure: {other}"),
    }
}

/// Sorts a reqwest failure by its root cause: name resolution, certificate or TLS, the
/// proxy's refusal, a refused or broken connection, a timeout.
fn classify(e: reqwest::Error, authority: &str, connect_timeout: Duration) -> TransportError {
    // A presigned URL holds a signature: no text taken from here may carry the URL.
    let e = e.without_url();
    if e.is_timeout() {
        let timeout = TransportError::new(TransportErrorKind::Timeout).with_host(authority);
        // The connect timeout bounds the TCP connection and the TLS handshake together.
        return if e.is_connect() {
            timeout.with_source(Cause(format!(
                "no connection within {} s (TCP connect and TLS handshake)",
                connect_timeout.as_secs_f64()
            )))
        } else {
            timeout
        };
    }
    // The chain, with the errors each io::Error wraps (its source() skips them, and
    // rustls's errors come wrapped in two of them).
    let mut chain: Vec<&(dyn std::error::Error + 'static)> = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(err) = current {
        chain.push(err);
        let mut inner = err;
        while let Some(wrapped) = inner
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            inner = wrapped;
            chain.push(inner);
        }
        current = inner.source();
    }
    let mut kind = TransportErrorKind::Connect;
    let mut cause: Option<String> = None;
    for err in chain {
        if let Some(r) = err.downcast_ref::<ResolveError>() {
            kind = TransportErrorKind::Dns;
            cause = Some(r.to_string());
            break;
        }
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            kind = TransportErrorKind::Tls;
            cause = Some(describe_tls(tls));
            break;
        }
        let text = err.to_string();
        if let Some(what) = text.strip_prefix("tunnel error: ")
            && what != "failed to create underlying connection"
            && what != "io error establishing tunnel"
        {
            kind = TransportErrorKind::Proxy;
            cause = Some(match what {
                "unsuccessful" => "the proxy refused the CONNECT tunnel".into(),
                other => format!("the proxy refused the CONNECT tunnel: {other}"),
            });
            break;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            let said = match io.kind() {
                std::io::ErrorKind::ConnectionRefused => Some("connection refused"),
                std::io::ErrorKind::ConnectionReset => Some("connection reset by the server"),
                std::io::ErrorKind::ConnectionAborted => Some("connection aborted"),
                std::io::ErrorKind::UnexpectedEof => Some("the server closed the connection early"),
                _ => None,
            };
            if let Some(said) = said {
                cause = Some(said.into());
            } else if io.get_ref().is_none() {
                cause = Some(text);
            }
        } else if err.source().is_none() {
            // The innermost error names the root cause (a malformed header, a closed
            // connection, ...).
            cause.get_or_insert(text);
        }
    }
    let e = TransportError::new(kind).with_host(authority);
    match cause {
        Some(c) => e.with_source(Cause(c)),
        None => e,
    }
}

/// The request's URL in the one reading every layer shares: (authority as it will be
/// connected to, loopback, path, query). Refuses what reqwest would send differently
/// from what was signed, and plain http off loopback and the AWS metadata addresses.
fn check_url(url: &str) -> Result<(String, bool, bool), TransportError> {
    // Plain http goes to loopback, or to the fixed addresses AWS serves instance and
    // container credentials on (which speak nothing else); never through a proxy.
    let target = host::parse_target_with(url, true).map_err(|rule| refused(None, rule))?;
    let authority = target.host_header();
    let query = target.query.unwrap_or("");
    // What reqwest will put on the wire must be exactly what was signed.
    let wire = reqwest::Url::parse(url).map_err(|_| refused(Some(&authority), "bad URL"))?;
    let same = wire.host_str() == Some(&target.authority.host.to_string())
        && wire.port_or_known_default() == Some(target.port())
        && wire.path() == target.path
        && wire.query().unwrap_or("") == query;
    if !same {
        return Err(refused(
            Some(&authority),
            "the URL would be sent in another form than the one signed",
        ));
    }
    let host = &target.authority.host;
    let (loopback, https) = (host.is_loopback() || host.is_aws_metadata(), target.https);
    Ok((authority, loopback, https))
}

impl super::Transport for ReqwestTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        use super::tape::{Before, installed};
        let Some(tape) = installed() else {
            return self.send_on_wire(request).await;
        };
        // Checked as it would be sent, whether it is or not.
        check_url(request.url())?;
        match tape.before(&request) {
            Before::Answer(answer) => answer,
            Before::Send(n) => {
                let answer = self.send_on_wire(request).await;
                if let Ok(response) = &answer {
                    tape.after(n, response);
                }
                answer
            }
        }
    }
}

impl ReqwestTransport {
    /// Sends `request` over the network.
    async fn send_on_wire(&self, request: Request) -> Result<Response, TransportError> {
        let (authority, loopback, https) = check_url(request.url())?;
        let client = self
            .client(loopback, https)
            .map_err(|e| e.with_host(&authority))?;
        let method = reqwest::Method::from_bytes(request.method().as_bytes())
            .map_err(|_| refused(Some(&authority), "the method is not an HTTP token"))?;
        let mut headers = reqwest::header::HeaderMap::with_capacity(request.headers().len());
        for h in request.headers() {
            if let Err(rule) = crate::http::check_sendable_header(h.name(), h.value()) {
                return Err(refused(
                    Some(&authority),
                    format!("header {}: {rule}", h.name()),
                ));
            }
            let name = reqwest::header::HeaderName::from_bytes(h.name().as_bytes())
                .map_err(|_| refused(Some(&authority), "a header name is not an HTTP token"))?;
            let mut value = reqwest::header::HeaderValue::from_str(h.value()).map_err(|_| {
                refused(
                    Some(&authority),
                    format!("header {} has a value that cannot be sent", h.name()),
                )
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
            .map_err(|e| classify(e, &authority, self.config.connect_timeout))?;
        drop(request);
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            return Err(
                TransportError::new(TransportErrorKind::Redirect(status)).with_host(&authority)
            );
        }
        let max = self.config.max_body_bytes;
        let too_large =
            || TransportError::new(TransportErrorKind::BodyTooLarge(max)).with_host(&authority);
        if response.content_length().is_some_and(|n| n > max as u64) {
            return Err(too_large());
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
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    body.zeroize();
                    return Err(classify(e, &authority, self.config.connect_timeout));
                }
            }
        }
        Ok(Response::new(status, headers, body))
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;

    #[test]
    fn one_reading_of_the_url_decides_loopback_and_refuses_the_ambiguous() {
        for url in [
            "http://127.0.0.1:80/",
            "http://localhost/",
            "http://sts.localhost:9/",
            "http://[::1]:9/",
            "http://[0:0:0:0:0:0:0:1]:9/",
            "http://127.9.9.9",
            "http://169.254.169.254/latest/api/token",
            "http://[fd00:ec2::254]/",
            "http://169.254.170.2/v2/credentials",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/",
        ] {
            assert!(check_url(url).unwrap().1, "{url}");
        }
        assert_eq!(
            check_url("https://sts.amazonaws.com/").unwrap(),
            ("sts.amazonaws.com".into(), false, true)
        );
        for url in [
            "http://127.0.0.01:80/",
            "http://127.000.000.001/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://128.0.0.1/",
            "http://169.254.169.253/",
            "http://169.254.170.3/",
            "http://[fd00:ec2::255]/",
            "http://169.254.169.254.nip.io/",
            "http://localhost.evil.com/",
            "http://127.0.0.1/a\\b",
            "http://127.0.0.1/%2e%2e/x",
            "http://127.0.0.1/a/.",
            "http://127.0.0.1/a b",
            "http://127.0.0.1/?a b",
            "https://user@h/",
            "ftp://h/",
        ] {
            let e = check_url(url).unwrap_err();
            assert_eq!(e.kind(), TransportErrorKind::Refused, "{url}");
        }
    }

    #[tokio::test]
    async fn localhost_names_resolve_to_loopback_without_a_lookup() {
        use reqwest::dns::Resolve;
        for name in ["localhost", "a.localhost", "X.Y.LOCALHOST"] {
            let addrs: Vec<SocketAddr> = Resolver
                .resolve(name.parse().unwrap())
                .await
                .unwrap()
                .collect();
            assert_eq!(addrs.len(), 2, "{name}");
            assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{name}");
        }
    }
}
