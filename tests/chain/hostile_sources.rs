//! Hostile answers for the HTTP sources (instance metadata, the container endpoint, IAM
//! Identity Center), through closure transports: thousands of mutated and random
//! bodies, statuses and error headers, many echoing the request's tokens and the
//! secrets of the answer. Nothing may panic, and no error's `Display` or `Debug` may
//! hold a token or a secret.
#![cfg(feature = "test-util")]

use crate::rng;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use rng::Rng;
use stskit::client::SystemClock;
use stskit::error::CredentialsError;
use stskit::http::{Request, Response};
use stskit::profile::ProfileSet;
use stskit::provider::{ContainerProvider, ImdsProvider, ImdsSettings, SsoProvider, SsoSettings};
use stskit::transport::TransportError;

const CASES: usize = 1500;
const IMDS_TOKEN: &str = "imds-session-tok3n-ABCDEF";
const AUTH_TOKEN: &str = "container-auth-tok3n-GHIJKL";
const SSO_TOKEN: &str = "sso-access-tok3n-MNOPQR";
const REFRESH: &str = "sso-refresh-tok3n-abcdef";
const CLIENT_SECRET: &str = "sso-client-secr3t-ghijkl";
const SECRET: &str = "answer/secret+KEY-STUVWX";
const SESSION: &str = "answer-session-tok3n-YZ0123";

/// A hostile body: a mutated credentials answer, an error echoing secrets, or noise.
fn body(rng: &mut Rng) -> Vec<u8> {
    // Error bodies echo what the client sent; a credentials answer may also echo its
    // own secrets in its `Code`.
    let echo = *rng.pick(&[IMDS_TOKEN, AUTH_TOKEN, SSO_TOKEN, REFRESH, CLIENT_SECRET]);
    let own = *rng.pick(&[IMDS_TOKEN, SECRET, SESSION]);
    let exp = *rng.pick(&[
        "\"2099-01-01T00:00:00Z\"",
        "\"2000-01-01T00:00:00Z\"",
        "\"9999-12-31T23:59:60Z\"",
        "\"soon\"",
        "1e308",
        "null",
        "[]",
        "\"2099-01-01T00:00:00+99:00\"",
    ]);
    let id = *rng.pick(&[
        "\"ASIAHOSTILE\"",
        "\"\"",
        "\"AS\\u0000IA\"",
        "\"ASIA\\u202e\"",
        "7",
        "{}",
    ]);
    if rng.chance(15) {
        // A valid answer now and then, in the shape of one source or the other.
        return format!(
            "{{\"AccessKeyId\":\"ASIAVALID\",\"SecretAccessKey\":\"{SECRET}\",\"Token\":\"{SESSION}\",\"Expiration\":\"2099-01-01T00:00:00Z\",\"roleCredentials\":{{\"accessKeyId\":\"ASIAVALID\",\"secretAccessKey\":\"{SECRET}\",\"sessionToken\":\"{SESSION}\",\"expiration\":4102444800000}}}}"
        )
        .into_bytes();
    }
    let text = match rng.below(7) {
        0 => format!(
            "{{\"Code\":\"Success\",\"AccessKeyId\":{id},\"SecretAccessKey\":\"{SECRET}\",\"Token\":\"{SESSION}\",\"Expiration\":{exp}}}"
        ),
        1 => format!(
            "{{\"roleCredentials\":{{\"accessKeyId\":{id},\"secretAccessKey\":\"{SECRET}\",\"sessionToken\":\"{SESSION}\",\"expiration\":{}}}}}",
            rng.pick(&[
                "4102444800000",
                "-1",
                "1e30",
                "\"x\"",
                "9223372036854775807"
            ])
        ),
        2 => format!(
            "{{\"code\":\"{echo}\",\"message\":\"bad {echo} \\u001b[2J\",\"Code\":\"Err{}\"}}",
            rng.below(9)
        ),
        3 => format!(
            "{{\"Code\":\"{own}\",\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"{SECRET}\",\"Token\":\"{SESSION}\",\"Expiration\":{exp}}}"
        ),
        4 => format!("{{\"error\":\"invalid_grant\",\"error_description\":\"{echo}\"}}"),
        5 => "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".repeat(4),
        _ => rng.string(
            &["{", "}", "\"", ":", ",", "\\", "a", "é", "\u{0}", echo],
            0,
            40,
        ),
    };
    let mut bytes = text.into_bytes();
    if rng.chance(5) {
        bytes.push(0xff);
    }
    bytes
}

fn response(rng: &mut Rng) -> Response {
    let status = *rng.pick(&[200, 200, 200, 400, 401, 403, 404, 429, 500, 503]);
    let mut headers = Vec::new();
    if rng.chance(20) {
        let echo = rng.pick(&[SSO_TOKEN, "Unauthorized\u{7}Exception", "Forbidden:x"]);
        headers.push(("x-amzn-ErrorType".to_owned(), (*echo).to_owned()));
    }
    Response::new(status, headers, body(rng))
}

/// The secrets a source knows (the tokens it sent, the secrets of the answer) never
/// show.
fn check(what: &str, e: &CredentialsError, known: &[&str]) {
    let shown = format!("{e} {e:?}");
    for secret in known.iter().chain(&[SECRET, SESSION]) {
        assert!(!shown.contains(secret), "{what} shows a secret: {shown}");
    }
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{202e}'),
        "{what}: {shown}"
    );
}

type Answers = Arc<Mutex<Rng>>;

/// A transport that answers the token `PUT` with the secret token, and anything else
/// with a hostile answer.
fn transport(
    rng: Answers,
) -> impl Fn(Request) -> std::future::Ready<Result<Response, TransportError>> + Send + Sync {
    // The first token PUT always succeeds: from then on the client knows the token,
    // and a hostile answer that echoes it must not show it.
    let issued = std::sync::atomic::AtomicBool::new(false);
    move |req: Request| {
        let mut rng = rng.lock().unwrap();
        let first =
            req.method() == "PUT" && !issued.swap(true, std::sync::atomic::Ordering::SeqCst);
        let r = if req.method() == "PUT" && (first || rng.chance(90)) {
            Response::new(200, vec![], IMDS_TOKEN.as_bytes().to_vec())
        } else if req.path().ends_with("/security-credentials/") && rng.chance(80) {
            Response::new(200, vec![], b"role".to_vec())
        } else if req.path() == "/token" && rng.chance(50) {
            Response::new(
                200,
                vec![],
                format!("{{\"accessToken\":\"{SSO_TOKEN}\",\"expiresIn\":3600}}").into_bytes(),
            )
        } else {
            response(&mut rng)
        };
        std::future::ready(Ok(r))
    }
}

#[tokio::test(start_paused = true)]
async fn hostile_answers_never_panic_nor_show_a_secret() {
    let answers: Answers = Arc::new(Mutex::new(Rng(0x5eed_0017)));
    let settings = ImdsSettings::default()
        .with_endpoint("http://127.0.0.1:1")
        .unwrap();
    let imds = ImdsProvider::new(settings, transport(answers.clone()), SystemClock);
    let container = ContainerProvider::new(transport(answers.clone()), SystemClock)
        .with_uri("http://127.0.0.1:1/creds", Some(AUTH_TOKEN))
        .unwrap();
    let dir = std::env::temp_dir().join(format!("stskit-hostile-sso-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sso_settings = sso_settings(&dir);
    let mut outcomes = BTreeMap::<String, usize>::new();
    for case in 0..CASES {
        // The SSO token file: valid, expired with a refresh token, or garbage.
        let token = match case % 3 {
            0 => format!(
                "{{\"accessToken\":\"{SSO_TOKEN}\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}}"
            ),
            1 => format!(
                "{{\"accessToken\":\"{SSO_TOKEN}\",\"expiresAt\":\"2000-01-01T00:00:00Z\",\"refreshToken\":\"{REFRESH}\",\"clientId\":\"c\",\"clientSecret\":\"{CLIENT_SECRET}\",\"registrationExpiresAt\":\"2099-01-01T00:00:00Z\"}}"
            ),
            _ => format!("{{\"accessToken\":{SSO_TOKEN}"),
        };
        std::fs::write(sso_settings.token_path(), token).unwrap();
        let sso = SsoProvider::new(
            sso_settings.clone(),
            transport(answers.clone()),
            SystemClock,
        );
        let sso_known: &[&str] = if case % 3 == 1 {
            &[SSO_TOKEN, REFRESH, CLIENT_SECRET]
        } else {
            &[SSO_TOKEN]
        };
        for (name, result, known) in [
            ("imds", imds.fetch().await, &[IMDS_TOKEN][..]),
            (
                "container",
                container.fetch().await.map(Option::unwrap),
                &[AUTH_TOKEN][..],
            ),
            ("sso", sso.fetch().await, sso_known),
        ] {
            let key = match &result {
                Ok(_) => format!("{name} ok"),
                Err(e) => {
                    check(name, e, known);
                    format!("{name} error")
                }
            };
            *outcomes.entry(key).or_default() += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("{outcomes:?}");
    // Both outcomes were reached for every source.
    for name in ["imds", "container", "sso"] {
        assert!(
            outcomes.get(&format!("{name} ok")).copied().unwrap_or(0) > 0,
            "{outcomes:?}"
        );
        assert!(
            outcomes.get(&format!("{name} error")).copied().unwrap_or(0) > 0,
            "{outcomes:?}"
        );
    }
}

fn sso_settings(dir: &std::path::Path) -> SsoSettings {
    let set = ProfileSet::parse(
        "[profile p]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n\
         sso_account_id = 111122223333\nsso_role_name = R\n",
        "",
    )
    .unwrap();
    let sso: BTreeMap<String, String> = set
        .profile("p")
        .unwrap()
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let mut s = SsoSettings::resolve(&stskit::provider::Os::real(), "p", &sso, &set, "p").unwrap();
    s.cache_dir = dir.to_string_lossy().into_owned();
    s.session_name = Some("hostile".into());
    s
}
