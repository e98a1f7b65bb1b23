//! Regression tests for the adversarial review's network findings: a signed request
//! never leaves by an unintended route (ambiguous loopback spellings and proxies,
//! `*.localhost` and DNS, paths sent in another form than signed), a server's bad
//! `Date` is the server's fault, and connection failures name the host and the root
//! cause (refused, certificate, CA used as a server certificate, proxy refusal,
//! malformed headers) and are retried only when they can heal.
#![cfg(feature = "test-util")]

use std::net::SocketAddr;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use stskit::client::{ClientConfig, StsClient, SystemClock};
use stskit::error::{CallError as Error, TransportErrorKind};
use stskit::sts::Endpoint;
use stskit::test_util::{Reply, StsDouble};
use stskit::transport::{ReqwestTransport, Transport, TransportConfig};
use stskit::{Credentials, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::binary;
use crate::double;

use binary::{assume_args, command, output, stderr};
use double::{KEY, SECRET, double};

async fn assume(endpoint: &str, env: &[(&str, &str)]) -> Output {
    output(command(&assume_args(endpoint, &["--timeout", "10"]), env)).await
}

/// A client over the reqwest transport to `url`, counting its signings (one per
/// attempt).
fn reqwest_client(url: &str) -> (StsClient, Arc<AtomicUsize>) {
    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = attempts.clone();
    let client = StsClient::with_transport(
        Endpoint::resolve(Some(url), None).unwrap(),
        ReqwestTransport::new(TransportConfig::default()),
        SystemClock,
    )
    .with_config(ClientConfig::default().with_max_attempts(3))
    .with_jitter(|_| std::time::Duration::ZERO)
    .with_signing_observer(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
    });
    (client, attempts)
}

/// A loopback server that counts connections and answers each, after reading the
/// request head (and a body of its `Content-Length`), with `answer` and a close.
async fn raw_server(answer: Vec<u8>) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = stream.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf);
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let _ = stream.write_all(&answer).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (addr, count)
}

fn http_answer(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    out.push_str(body);
    out.into_bytes()
}

/// Finding 1: `127.0.0.01` and `127.000.000.001` are refused outright (exit 2), so the
/// signed request never reaches the proxy the environment names; a loopback endpoint
/// in its one spelling goes direct, past the proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ambiguous_loopback_spellings_never_reach_a_proxy() {
    let d = double().await;
    let (proxy, proxied) = raw_server(http_answer("502 Bad Gateway", &[], "")).await;
    let proxy_url = format!("http://{proxy}");
    let env = [
        ("HTTP_PROXY", proxy_url.as_str()),
        ("http_proxy", proxy_url.as_str()),
        ("HTTPS_PROXY", proxy_url.as_str()),
        ("ALL_PROXY", proxy_url.as_str()),
    ];
    let port = d.addr().port();
    for host in [
        "127.0.0.01",
        "127.000.000.001",
        "0x7f.0.0.1",
        "2130706433",
        "127.1",
    ] {
        let o = assume(&format!("http://{host}:{port}/"), &env).await;
        assert_eq!(o.status.code(), Some(2), "{host}: {}", stderr(&o));
        assert!(stderr(&o).contains("four decimal octets"), "{}", stderr(&o));
    }
    let o = assume(&format!("http://127.0.0.1:{port}/"), &env).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        proxied.load(Ordering::SeqCst),
        0,
        "nothing went to the proxy"
    );
    assert_eq!(d.request_count(), 1);

    // The transport refuses a hand-built request to such a spelling before any IO.
    let transport = ReqwestTransport::new(TransportConfig::default());
    let e = transport
        .send(Request::new("POST", format!("http://127.0.0.01:{port}/")))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Refused);
    assert_eq!(d.request_count(), 1);
}

/// Finding 2: `sts.localhost` is loopback by name and is resolved to loopback without
/// asking DNS (and without the proxy).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn localhost_names_connect_to_loopback_without_dns_or_proxy() {
    let d = double().await;
    let (proxy, proxied) = raw_server(http_answer("502 Bad Gateway", &[], "")).await;
    let proxy_url = format!("http://{proxy}");
    let env = [
        ("HTTP_PROXY", proxy_url.as_str()),
        ("ALL_PROXY", proxy_url.as_str()),
    ];
    let port = d.addr().port();
    for host in ["localhost", "sts.localhost", "a.b.LOCALHOST"] {
        let o = assume(&format!("http://{host}:{port}/"), &env).await;
        assert_eq!(o.status.code(), Some(0), "{host}: {}", stderr(&o));
    }
    assert_eq!(d.request_count(), 3);
    assert_eq!(proxied.load(Ordering::SeqCst), 0);
    for host in ["sts.localhost.", "localhost.evil.example"] {
        let o = assume(&format!("http://{host}:{port}/"), &env).await;
        assert_eq!(o.status.code(), Some(2), "{host}: {}", stderr(&o));
    }
    assert_eq!(d.request_count(), 3);
}

/// Finding 3: a path that an HTTP stack would rewrite is refused before signing, with
/// exit 2, and nothing is sent; a path sent as given works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paths_are_sent_exactly_as_signed_or_refused() {
    let d = double().await;
    let base = format!("http://127.0.0.1:{}", d.addr().port());
    let long = format!("/{}", "a".repeat(70_000));
    for path in [
        "/a\\b",
        "/%2e%2e/x",
        "/a/.",
        "/a/../b",
        "/a%2",
        "/a{b}",
        "/a\"b",
        long.as_str(),
    ] {
        let o = assume(&format!("{base}{path}"), &[]).await;
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("invalid endpoint: "), "{}", stderr(&o));
        assert!(
            stderr(&o).len() < 400,
            "the path is not echoed: {}",
            stderr(&o)
        );
    }
    assert_eq!(d.request_count(), 0);
    let o = assume(&format!("{base}/sts/x~y_z-1.2%41/"), &[]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(d.requests()[0].target, "/sts/x~y_z-1.2%41/");
}

const SKEW_ERROR: &str = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
<Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>Signature expired</Message></Error>\
<RequestId>r-1</RequestId></ErrorResponse>";

/// Finding 6: a skew error whose `Date` cannot be a signing time is reported as what
/// the server said (exit 3), never as "cannot sign" (exit 2); a usable far-off `Date`
/// is tried once and then reported the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_server_date_is_the_servers_fault() {
    for (date, connections) in [
        ("Mon, 01 Jan -9999 00:00:00 GMT", 1),
        ("Mon, 01 Jan 99999 00:00:00 GMT", 1),
        ("Fri, 31 Dec 9999 23:59:59 GMT", 2),
        ("Sat, 01 Jan 0000 00:00:00 GMT", 2),
    ] {
        let answer = http_answer(
            "403 Forbidden",
            &[("Date", date), ("Content-Type", "text/xml")],
            SKEW_ERROR,
        );
        let (addr, count) = raw_server(answer).await;
        let o = assume(&format!("http://{addr}/"), &[]).await;
        assert_eq!(o.status.code(), Some(3), "{date}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("SignatureDoesNotMatch"),
            "{}",
            stderr(&o)
        );
        assert_eq!(count.load(Ordering::SeqCst), connections, "{date}");
    }
}

/// Finding 14: a refused connection names the host and the cause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_names_the_host_and_the_cause() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let o = assume(&format!("http://127.0.0.1:{port}/"), &[]).await;
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "connection to 127.0.0.1:{port} failed: connection refused"
        )),
        "{err}"
    );
}

/// Finding 14: a malformed answer head names the host and what was wrong with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_header_names_the_host_and_the_cause() {
    let (addr, _) = raw_server(b"HTTP/1.1 200 OK\r\nBad Header Line\r\n\r\n".to_vec()).await;
    let o = assume(&format!("http://{addr}/"), &[]).await;
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("connection to {addr} failed: ")),
        "{err}"
    );
    assert!(err.to_ascii_lowercase().contains("header"), "{err}");
}

/// Finding 14: a proxy's 403 or 407 to CONNECT is named as the proxy's refusal and is
/// not retried. (The endpoint's name is never looked up: the proxy gets it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_refusal_is_named_and_not_retried() {
    for (status, says) in [
        ("403 Forbidden", "the proxy refused the CONNECT tunnel"),
        (
            "407 Proxy Authentication Required",
            "proxy authorization required",
        ),
    ] {
        let (proxy, count) = raw_server(http_answer(status, &[], "")).await;
        let proxy_url = format!("http://{proxy}");
        let o = assume(
            "https://sts.example.invalid/",
            &[("HTTPS_PROXY", proxy_url.as_str())],
        )
        .await;
        assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("proxy refused the connection to sts.example.invalid"),
            "{err}"
        );
        assert!(err.contains(says), "{err}");
        assert_eq!(count.load(Ordering::SeqCst), 1, "not retried");
    }
}

/// A double behind TLS with a fresh self-signed certificate for `localhost` (marked
/// as a CA when `ca`), and that certificate's PEM.
async fn tls_double(ca: bool) -> (StsDouble, String) {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    if ca {
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    }
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap().pem();
    let d = StsDouble::builder()
        .with_key(KEY, SECRET)
        .with_tls(&cert, &key.serialize_pem())
        .start()
        .await
        .unwrap();
    (d, cert)
}

/// Finding 14: an untrusted certificate is named as such and not retried (one
/// signing, one attempt), where a refused connection is retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_failure_is_named_and_not_retried() {
    let (d, _) = tls_double(false).await;
    let (client, attempts) = reqwest_client(&d.endpoint_url());
    let err = client
        .get_caller_identity(&Credentials::new(KEY, SECRET, None))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Tls),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    // One line holds the whole story, down to the root cause; no source repeats it.
    let line = err.to_string();
    assert!(
        line.starts_with(&format!(
            "could not get an answer from STS: TLS handshake with localhost:{} failed: ",
            d.addr().port()
        )),
        "{line}"
    );
    assert!(line.contains("unknown issuer"), "{line}");
    assert!(std::error::Error::source(&err).is_none());
}

/// Finding 15: a self-signed certificate marked CA:TRUE (what `openssl req -x509`
/// makes), given in AWS_CA_BUNDLE and served as the server's own, is refused (the
/// rules of rustls-webpki), and the error says why and what to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ca_certificate_served_as_the_servers_own_is_refused_with_the_reason() {
    let (d, cert) = tls_double(true).await;
    let dir = std::env::temp_dir().join(format!("stskit-review-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("ca.pem");
    std::fs::write(&bundle, &cert).unwrap();
    let o = assume(
        &d.endpoint_url(),
        &[("AWS_CA_BUNDLE", bundle.to_str().unwrap())],
    )
    .await;
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("TLS handshake with localhost:"), "{err}");
    assert!(err.contains("presents a CA certificate"), "{err}");
    assert_eq!(d.request_count(), 0);
}

/// A `*.localhost` name never goes to the system resolver: the transport's own
/// resolution gives loopback.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reqwest_transport_reaches_the_double_by_a_localhost_name() {
    let d = double().await;
    d.push(Reply::Normal);
    let (client, attempts) =
        reqwest_client(&format!("http://any.name.localhost:{}/", d.addr().port()));
    assert!(client.endpoint().is_loopback());
    let who = client
        .get_caller_identity(&Credentials::new(KEY, SECRET, None))
        .await
        .unwrap();
    assert_eq!(who.account, "123456789012");
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
}

/// A loopback server that accepts each connection and, once the first bytes arrive,
/// writes `answer` (or nothing, and holds the connection open, when it is empty).
async fn silent_or_plain_server(answer: &'static [u8]) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut chunk = [0u8; 4096];
                let _ = stream.read(&mut chunk).await;
                if !answer.is_empty() {
                    let _ = stream.write_all(answer).await;
                }
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            });
        }
    });
    addr
}

/// The second review: an `https://` endpoint whose server answers the ClientHello in
/// plain text is named as not speaking TLS at once (not retried), and one that never
/// answers it is bounded by the connect timeout, which covers the TLS handshake (not
/// by the much longer attempt timeout).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tls_handshake_is_bounded_and_a_server_without_tls_is_named() {
    let plain = silent_or_plain_server(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
    let (client, attempts) = reqwest_client(&format!("https://{plain}"));
    let err = client
        .get_caller_identity(&Credentials::new(KEY, SECRET, None))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Tls),
        "{err:?}"
    );
    assert!(err.to_string().contains("does not speak TLS"), "{err}");
    assert_eq!(attempts.load(Ordering::SeqCst), 1, "not retried");

    let silent = silent_or_plain_server(b"").await;
    let client = StsClient::with_transport(
        Endpoint::resolve(Some(&format!("https://{silent}")), None).unwrap(),
        ReqwestTransport::new(
            TransportConfig::default()
                .with_connect_timeout(std::time::Duration::from_millis(300))
                .with_attempt_timeout(std::time::Duration::from_secs(20)),
        ),
        SystemClock,
    )
    .with_config(
        ClientConfig::default()
            .with_max_attempts(1)
            .with_attempt_timeout(std::time::Duration::from_secs(20)),
    );
    let err = client
        .get_caller_identity(&Credentials::new(KEY, SECRET, None))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        err.to_string()
            .ends_with("timed out: no connection within 0.3 s (TCP connect and TLS handshake)"),
        "{err}"
    );
}
