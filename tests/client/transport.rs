//! The IO layer and the calling client against the loopback STS double (real sockets,
//! short real timeouts) and against closures (paused tokio clock: no test sleeps).
#![cfg(feature = "test-util")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::ExposeSecret;
use stskit::Credentials;
use stskit::client::{ClientConfig, StsClient, SystemClock};
use stskit::date::format_http_date;
use stskit::error::CallError as Error;
use stskit::error::{TransportError, TransportErrorKind};
use stskit::http::{Request, Response};
use stskit::sts::{AssumeRole, Endpoint};
use stskit::test_util::{Reply, SignatureCheck, StsDouble};
use stskit::transport::{ReqwestTransport, TransportConfig};
use time::OffsetDateTime;
use time::macros::datetime;

use crate::double;

use double::{KEY, ROLE, SECRET, double};

fn source() -> Credentials {
    Credentials::new(KEY, SECRET, None)
}

fn client(d: &StsDouble, config: ClientConfig, transport: TransportConfig) -> StsClient {
    let endpoint = Endpoint::resolve(Some(&d.endpoint_url()), Some("us-east-1")).unwrap();
    StsClient::with_transport(endpoint, ReqwestTransport::new(transport), SystemClock)
        .with_config(config)
        .with_jitter(|_| Duration::from_millis(10))
}

fn quick() -> ClientConfig {
    ClientConfig::default().with_backoff(Duration::from_millis(10), Duration::from_millis(50))
}

#[tokio::test]
async fn assume_role_round_trip_then_caller_identity_with_the_new_credentials() {
    let d = double().await;
    let c = client(&d, quick(), TransportConfig::default());
    let out = c
        .assume_role(&source(), &AssumeRole::new(ROLE, "round-trip"))
        .await
        .unwrap();
    assert!(out.credentials.access_key_id().starts_with("ASIA"));
    assert!(out.credentials.expiration() > OffsetDateTime::now_utc());
    assert_eq!(
        out.assumed_role_user.as_ref().unwrap().arn,
        "arn:aws:sts::123456789012:assumed-role/demo/round-trip"
    );
    let temp = out.credentials.to_credentials();
    let who = c.get_caller_identity(&temp).await.unwrap();
    assert_eq!(
        who.arn,
        "arn:aws:sts::123456789012:assumed-role/demo/round-trip"
    );
    assert_eq!(who.account, "123456789012");
    let reqs = d.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs.iter().all(|r| r.signature == SignatureCheck::Valid));
    assert!(reqs.iter().all(|r| r.method == "POST" && r.target == "/"));
    assert_eq!(
        reqs[0].header("content-type"),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    assert_eq!(
        reqs[1].header("x-amz-security-token"),
        Some(temp.session_token().unwrap().expose_secret())
    );
    assert!(
        reqs[1]
            .header("authorization")
            .unwrap()
            .contains("x-amz-security-token")
    );
}

#[tokio::test]
async fn wrong_secret_is_signature_does_not_match_and_not_retried() {
    let d = double().await;
    let c = client(&d, quick(), TransportConfig::default());
    let bad = Credentials::new(KEY, "wrong-secret", None);
    let err = c
        .assume_role(&bad, &AssumeRole::new(ROLE, "s1"))
        .await
        .unwrap_err();
    assert_eq!(err.service_error().unwrap().code(), "SignatureDoesNotMatch");
    assert_eq!(d.request_count(), 1);
    let unknown = Credentials::new("AKIDUNKNOWN", SECRET, None);
    let err = c
        .assume_role(&unknown, &AssumeRole::new(ROLE, "s1"))
        .await
        .unwrap_err();
    assert_eq!(err.service_error().unwrap().code(), "InvalidClientTokenId");
    assert_eq!(err.service_error().unwrap().http_status(), 403);
}

#[tokio::test]
async fn redirects_are_refused_and_reach_no_second_listener() {
    let second = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let second_addr = second.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = Arc::clone(&hits);
    tokio::spawn(async move {
        while let Ok((_s, _)) = second.accept().await {
            h.fetch_add(1, Ordering::SeqCst);
        }
    });
    for status in [301, 302, 303, 307, 308] {
        let d = double().await;
        d.push(Reply::Redirect {
            status,
            location: format!("http://{second_addr}/steal"),
        });
        let c = client(&d, quick(), TransportConfig::default());
        let temp = Credentials::new(KEY, SECRET, Some("session-token-must-not-travel".into()));
        let err = c.get_caller_identity(&temp).await.unwrap_err();
        assert!(
            matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Redirect(status)),
            "{status}: {err:?}"
        );
        assert!(!err.is_retryable());
        assert_eq!(d.request_count(), 1, "{status}: not retried");
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "no connection to the Location host"
    );
}

#[tokio::test]
async fn oversized_bodies_are_cut_at_the_cap_with_and_without_content_length() {
    for content_length in [true, false] {
        let d = double().await;
        d.push(Reply::Oversized {
            len: 24 * 1024 * 1024,
            content_length,
        });
        let c = client(&d, quick(), TransportConfig::default());
        let err = c.get_caller_identity(&source()).await.unwrap_err();
        assert!(
            matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::BodyTooLarge(64 * 1024)),
            "{err:?}"
        );
        assert_eq!(d.request_count(), 1, "an oversized answer is not retried");
        // One line, down to the root cause; no source repeats it.
        assert_eq!(
            err.to_string(),
            format!(
                "could not get an answer from STS: response body larger than 65536 bytes from {}",
                d.addr()
            )
        );
        assert!(std::error::Error::source(&err).is_none());
    }
    // Exactly at the cap is fine; one byte over is not.
    let d = double().await;
    let cap = 4096;
    d.push(Reply::Oversized {
        len: cap + 1,
        content_length: false,
    });
    let c = client(
        &d,
        quick(),
        TransportConfig::default().with_max_body_bytes(cap),
    );
    assert!(
        c.get_caller_identity(&source())
            .await
            .unwrap_err()
            .to_string()
            .contains("answer")
    );
}

#[tokio::test]
async fn a_silent_server_hits_the_attempt_timeout_and_the_deadline() {
    let d = double().await;
    for _ in 0..3 {
        d.push(Reply::Silent);
    }
    let config = quick()
        .with_attempt_timeout(Duration::from_millis(200))
        .with_deadline(Duration::from_secs(5));
    let c = client(&d, config, TransportConfig::default());
    let started = std::time::Instant::now();
    let err = c.get_caller_identity(&source()).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(
        d.request_count(),
        3,
        "timeouts are retried up to 3 attempts"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_dripping_server_is_cut_off_by_the_total_attempt_timeout() {
    let d = double().await;
    let body = vec![b' '; 2000];
    for _ in 0..3 {
        d.push(Reply::Drip {
            body: body.clone(),
            interval: Duration::from_millis(20),
        });
    }
    let c = client(
        &d,
        quick().with_max_attempts(1),
        TransportConfig::default().with_attempt_timeout(Duration::from_millis(300)),
    );
    let started = std::time::Instant::now();
    let err = c.get_caller_identity(&source()).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a byte every 20 ms must not hold us 40 s"
    );
}

#[tokio::test]
async fn a_500_then_success_succeeds_and_each_attempt_is_signed_again() {
    let d = double().await;
    d.push(Reply::sts_error(500, "InternalFailure", "try again"));
    d.push(Reply::html(502));
    let c = client(&d, quick(), TransportConfig::default());
    let out = c
        .assume_role(&source(), &AssumeRole::new(ROLE, "retry"))
        .await
        .unwrap();
    assert!(!out.credentials.access_key_id().is_empty());
    let reqs = d.requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs.iter().all(|r| r.signature == SignatureCheck::Valid));
    assert!(
        reqs.windows(2).all(|w| w[0].body == w[1].body),
        "same body bytes every attempt"
    );
}

#[tokio::test]
async fn truncated_bodies_are_errors_and_retried() {
    let d = double().await;
    let full = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/sts/assume_role.ok.smithy-rs.xml"
    ))
    .unwrap();
    for _ in 0..3 {
        d.push(Reply::Truncated {
            body: full[..300].to_vec(),
            declared_len: full.len(),
        });
    }
    let c = client(&d, quick(), TransportConfig::default());
    let err = c
        .assume_role(&source(), &AssumeRole::new(ROLE, "trunc"))
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(d.request_count(), 3);
}

#[tokio::test]
async fn credentials_already_expired_on_arrival_are_rejected() {
    let d = StsDouble::builder()
        .with_key(KEY, SECRET)
        .with_fixed_expiration(datetime!(2011-07-11 19:55:29 UTC))
        .start()
        .await
        .unwrap();
    let c = client(&d, quick(), TransportConfig::default());
    let err = c
        .assume_role(&source(), &AssumeRole::new(ROLE, "old"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ExpiredCredentials), "{err:?}");
}

#[tokio::test]
async fn validation_fails_before_any_io() {
    let d = double().await;
    let c = client(&d, quick(), TransportConfig::default());
    let temp = Credentials::new(KEY, SECRET, Some("tok".into()));
    let err = c
        .assume_role(
            &temp,
            &AssumeRole::new(ROLE, "chained").with_duration_seconds(7200),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert_eq!(d.request_count(), 0);
}

// ---- closure transports on a paused clock ----

type Answer = Box<dyn Fn(usize) -> Result<Response, TransportError> + Send + Sync>;
type Log = Arc<Mutex<Vec<(OffsetDateTime, Request)>>>;

fn xml_ok() -> Vec<u8> {
    b"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAOK</AccessKeyId>\
      <SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>\
      <Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>"
        .to_vec()
}

fn err_xml(code: &str) -> Vec<u8> {
    format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>").into_bytes()
}

/// A client whose transport answers `answer(attempt)` and logs each request.
fn scripted(
    answer: impl Fn(usize) -> Result<Response, TransportError> + Send + Sync + 'static,
) -> (
    StsClient<impl stskit::transport::Transport, impl stskit::client::Clock>,
    Arc<AtomicUsize>,
    Log,
) {
    let count = Arc::new(AtomicUsize::new(0));
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    let (c2, l2) = (Arc::clone(&count), Arc::clone(&log));
    let answer = Arc::new(answer);
    let transport = move |req: Request| {
        let n = c2.fetch_add(1, Ordering::SeqCst);
        l2.lock().unwrap().push((OffsetDateTime::now_utc(), req));
        let a = Arc::clone(&answer);
        async move { a(n) }
    };
    let endpoint = Endpoint::resolve(None, Some("eu-west-1")).unwrap();
    let clock = || datetime!(2026-11-22 12:00:00 UTC);
    let client = StsClient::with_transport(endpoint, transport, clock).with_jitter(|max| max);
    (client, count, log)
}

#[tokio::test(start_paused = true)]
async fn retry_matrix_exact_attempt_counts() {
    let status = |s: u16, body: Vec<u8>| move |_: usize| Ok(Response::new(s, vec![], body.clone()));
    let cases: Vec<(&str, Answer, usize)> = vec![
        ("500", Box::new(status(500, vec![])), 3),
        (
            "502",
            Box::new(status(502, b"<html>bad gateway</html>".to_vec())),
            3,
        ),
        ("503", Box::new(status(503, vec![])), 3),
        ("504", Box::new(status(504, vec![])), 3),
        ("400", Box::new(status(400, vec![])), 1),
        ("404", Box::new(status(404, vec![])), 1),
        ("429 without a code", Box::new(status(429, vec![])), 1),
        (
            "truncated 200",
            Box::new(status(200, xml_ok()[..100].to_vec())),
            3,
        ),
        (
            "connect error",
            Box::new(|_| Err(TransportError::new(TransportErrorKind::Connect))),
            3,
        ),
        (
            "timeout",
            Box::new(|_| Err(TransportError::new(TransportErrorKind::Timeout))),
            3,
        ),
        (
            "redirect",
            Box::new(|_| Err(TransportError::new(TransportErrorKind::Redirect(302)))),
            1,
        ),
        (
            "too large",
            Box::new(|_| Err(TransportError::new(TransportErrorKind::BodyTooLarge(65536)))),
            1,
        ),
    ];
    let mut all = cases;
    for code in stskit::error::RETRYABLE_CODES {
        let body = err_xml(code);
        all.push((
            code,
            Box::new(move |_| Ok(Response::new(400, vec![], body.clone()))),
            3,
        ));
    }
    for code in [
        "AccessDenied",
        "ExpiredToken",
        "InvalidClientTokenId",
        "MalformedPolicyDocument",
        "PackedPolicyTooLarge",
        "RegionDisabledException",
        "ValidationError",
        "SignatureDoesNotMatch",
    ] {
        let body = err_xml(code);
        all.push((
            code,
            Box::new(move |_| Ok(Response::new(403, vec![], body.clone()))),
            1,
        ));
    }
    for (name, answer, want) in all {
        let (client, count, _) = scripted(answer);
        let err = client
            .assume_role(&source(), &AssumeRole::new(ROLE, "matrix"))
            .await
            .unwrap_err();
        assert_eq!(count.load(Ordering::SeqCst), want, "{name}: {err:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn backoff_is_full_jitter_exponential_and_attempts_are_re_signed() {
    let (client, count, log) = scripted(|n| {
        if n < 2 {
            Ok(Response::new(503, vec![], vec![]))
        } else {
            Ok(Response::new(200, vec![], xml_ok()))
        }
    });
    let start = tokio::time::Instant::now();
    client
        .assume_role(&source(), &AssumeRole::new(ROLE, "backoff"))
        .await
        .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 3);
    // Jitter returns its maximum: 1 s after the first failure, 2 s after the second.
    assert_eq!(start.elapsed(), Duration::from_secs(3));
    let log = log.lock().unwrap();
    assert!(
        log.iter()
            .all(|(_, r)| r.header("authorization").is_some() && r.header("x-amz-date").is_some())
    );
    assert!(log.windows(2).all(|w| w[0].1.body() == w[1].1.body()));
}

#[tokio::test(start_paused = true)]
async fn each_attempt_is_signed_with_a_fresh_time() {
    let count = Arc::new(AtomicUsize::new(0));
    let dates = Arc::new(Mutex::new(Vec::new()));
    let (c2, d2) = (Arc::clone(&count), Arc::clone(&dates));
    let transport = move |req: Request| {
        let n = c2.fetch_add(1, Ordering::SeqCst);
        d2.lock().unwrap().push((
            req.header("x-amz-date").unwrap().to_owned(),
            req.header("authorization").unwrap().to_owned(),
        ));
        async move {
            Ok::<_, TransportError>(if n < 2 {
                Response::new(500, vec![], vec![])
            } else {
                Response::new(200, vec![], xml_ok())
            })
        }
    };
    let ticks = Arc::new(AtomicUsize::new(0));
    let clock = move || {
        datetime!(2026-11-22 12:00:00 UTC)
            + time::Duration::seconds(ticks.fetch_add(1, Ordering::SeqCst) as i64 * 7)
    };
    let client = StsClient::with_transport(
        Endpoint::resolve(None, Some("aws-global")).unwrap(),
        transport,
        clock,
    )
    .with_jitter(|_| Duration::ZERO);
    client
        .assume_role(&source(), &AssumeRole::new(ROLE, "fresh"))
        .await
        .unwrap();
    let dates = dates.lock().unwrap();
    assert_eq!(dates.len(), 3);
    assert_ne!(dates[0].0, dates[1].0);
    assert_ne!(dates[1].0, dates[2].0);
    assert_ne!(dates[0].1, dates[1].1, "a new signature per attempt");
}

#[tokio::test(start_paused = true)]
async fn clock_skew_is_corrected_once_and_remembered() {
    let server_time = datetime!(2026-11-22 13:00:00 UTC);
    let dates = Arc::new(Mutex::new(Vec::new()));
    let d2 = Arc::clone(&dates);
    let transport = move |req: Request| {
        let date = req.header("x-amz-date").unwrap().to_owned();
        d2.lock().unwrap().push(date.clone());
        async move {
            let headers = vec![("Date".to_string(), format_http_date(server_time))];
            Ok::<_, TransportError>(if date == "20261122T130000Z" {
                Response::new(200, headers, xml_ok())
            } else {
                Response::new(403, headers, err_xml("RequestExpired"))
            })
        }
    };
    let clock = || datetime!(2026-11-22 12:00:00 UTC);
    let client = StsClient::with_transport(
        Endpoint::resolve(None, Some("aws-global")).unwrap(),
        transport,
        clock,
    );
    client
        .assume_role(&source(), &AssumeRole::new(ROLE, "skew"))
        .await
        .unwrap();
    assert_eq!(
        *dates.lock().unwrap(),
        vec!["20261122T120000Z", "20261122T130000Z"]
    );
    assert_eq!(client.clock_skew_seconds(), 3600);
    client
        .assume_role(&source(), &AssumeRole::new(ROLE, "skew"))
        .await
        .unwrap();
    assert_eq!(
        dates.lock().unwrap().len(),
        3,
        "the offset is remembered: one request"
    );
}

#[tokio::test(start_paused = true)]
async fn small_skew_or_missing_date_is_not_corrected() {
    let (client, count, _) = scripted(|_| {
        let headers = vec![(
            "Date".to_string(),
            format_http_date(datetime!(2026-11-22 12:02:00 UTC)),
        )];
        Ok(Response::new(
            403,
            headers,
            err_xml("SignatureDoesNotMatch"),
        ))
    });
    let err = client
        .assume_role(&source(), &AssumeRole::new(ROLE, "skew"))
        .await
        .unwrap_err();
    assert_eq!(err.service_error().unwrap().code(), "SignatureDoesNotMatch");
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert_eq!(client.clock_skew_seconds(), 0);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_bounds_the_whole_call() {
    let transport = |_req: Request| async {
        std::future::pending::<()>().await;
        Ok::<Response, TransportError>(Response::new(200, vec![], vec![]))
    };
    let client = StsClient::with_transport(
        Endpoint::resolve(None, Some("aws-global")).unwrap(),
        transport,
        SystemClock,
    )
    .with_jitter(|max| max);
    let start = tokio::time::Instant::now();
    let err = client.get_caller_identity(&source()).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // 10 s + 1 s + 10 s + 2 s + 7 s (cut by the 30 s deadline).
    assert!(
        start.elapsed() <= Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    assert!(
        start.elapsed() >= Duration::from_secs(29),
        "{:?}",
        start.elapsed()
    );
}

// ---- https with a private CA (AWS_CA_BUNDLE) ----

fn self_signed_localhost() -> (String, String) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    (cert.cert.pem(), cert.signing_key.serialize_pem())
}

#[tokio::test]
async fn https_with_an_extra_ca_bundle_and_refused_without_it() {
    let (cert, key) = self_signed_localhost();
    let d = StsDouble::builder()
        .with_key(KEY, SECRET)
        .with_tls(&cert, &key)
        .start()
        .await
        .unwrap();
    assert!(d.endpoint_url().starts_with("https://localhost:"));
    let endpoint = Endpoint::resolve(Some(&d.endpoint_url()), Some("us-east-1")).unwrap();

    let trusted = TransportConfig::default()
        .with_ca_bundle_pem(cert.clone())
        .unwrap();
    let c = StsClient::with_transport(
        endpoint.clone(),
        ReqwestTransport::new(trusted),
        SystemClock,
    );
    let out = c
        .assume_role(&source(), &AssumeRole::new(ROLE, "tls"))
        .await
        .unwrap();
    assert!(out.credentials.access_key_id().starts_with("ASIA"));
    assert_eq!(d.requests()[0].signature, SignatureCheck::Valid);

    let untrusted = StsClient::with_transport(endpoint, ReqwestTransport::default(), SystemClock)
        .with_config(quick().with_max_attempts(1));
    let err = untrusted
        .assume_role(&source(), &AssumeRole::new(ROLE, "tls"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Tls),
        "{err:?}"
    );
    assert!(!err.is_retryable(), "a certificate failure does not heal");
    assert_eq!(
        d.request_count(),
        1,
        "no request reached the server over an untrusted connection"
    );

    assert!(
        TransportConfig::default()
            .with_ca_bundle_pem(b"not a pem".to_vec())
            .is_err()
    );
}
