//! Feature `tracing`: every span and event field stskit records, captured under 2,000
//! random secrets (source secret key and token, web identity token, returned secret
//! and token, MFA code, external id), holds none of them, even when the server echoes
//! them back in its error code, message and request id.

use crate::windows;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use windows::windows;

use proptest::prelude::*;
use secrecy::SecretString;
use stskit::Credentials;
use stskit::cache::CredentialsCache;
use stskit::client::{ClientConfig, StsClient};
use stskit::error::CredentialsError;
use stskit::http::{Request, Response};
use stskit::provider::{ProvideCredentials, ProvideFuture, Provided};
use stskit::sts::{AssumeRole, AssumeRoleWithWebIdentity, Endpoint};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Keeps every field of every span and event as text.
#[derive(Clone, Default)]
struct Capture {
    seen: Arc<Mutex<Vec<String>>>,
    ids: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={value:?} ", field.name());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, "{}={value} ", field.name());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = format!("span {} ", span.metadata().name());
        span.record(&mut Fields(&mut line));
        self.seen.lock().unwrap().push(line);
        Id::from_u64(self.ids.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = String::from("record ");
        values.record(&mut Fields(&mut line));
        self.seen.lock().unwrap().push(line);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = format!("event {} ", event.metadata().level());
        event.record(&mut Fields(&mut line));
        self.seen.lock().unwrap().push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn answer(secret: &str, token: &str) -> Vec<u8> {
    format!(
        "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIATRACE</AccessKeyId>\
         <SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken>\
         <Expiration>2099-05-06T07:08:09Z</Expiration></Credentials></AssumeRoleResult>\
         <ResponseMetadata><RequestId>a0b1c2d3-e4f5-a6b7-c8d9-eaf0b1c2d3e4</RequestId></ResponseMetadata>\
         </AssumeRoleResponse>"
    )
    .into_bytes()
}

fn web_answer(secret: &str, token: &str) -> Vec<u8> {
    String::from_utf8(answer(secret, token))
        .unwrap()
        .replace("AssumeRoleResponse", "AssumeRoleWithWebIdentityResponse")
        .replace("AssumeRoleResult", "AssumeRoleWithWebIdentityResult")
        .into_bytes()
}

/// An error document that echoes `echo` in its code, message and request id.
fn echoing(echo: &str) -> Response {
    let body = format!(
        "<ErrorResponse><Error><Type>Sender</Type><Code>{echo}</Code><Message>you sent {echo}</Message>\
         </Error><RequestId>{echo}</RequestId></ErrorResponse>"
    );
    Response::new(
        403,
        vec![("x-amzn-RequestId".into(), echo.into())],
        body.into_bytes(),
    )
}

struct Flaky {
    secret: String,
    token: String,
    echo: String,
    calls: AtomicU64,
}

impl ProvideCredentials for Flaky {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            if n == 0 {
                return Ok(Provided::new(
                    Credentials::new("ASIAFLAKY", self.secret.clone(), Some(self.token.clone())),
                    Some(time::OffsetDateTime::now_utc() + time::Duration::seconds(90)),
                    "flaky",
                ));
            }
            let response = echoing(&self.echo);
            let error = stskit::sts::parse_error(403, response.headers(), response.body());
            Err(stskit::error::ProvideError::Failed(CredentialsError::Sts {
                profile: "p".into(),
                error: error.into(),
            }))
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn no_span_or_event_field_holds_a_secret(
        source_secret in "[A-Za-z0-9/+]{40}",
        source_token in "[A-Za-z0-9/+=]{64,120}",
        returned_secret in "[A-Za-z0-9/+]{40}",
        returned_token in "[A-Za-z0-9/+=]{64,120}",
        jwt in "eyJ[A-Za-z0-9_-]{20,60}\\.[A-Za-z0-9_-]{20,60}\\.[A-Za-z0-9_-]{10,30}",
        external_id in "[A-Za-z0-9_+=,.@:/-]{16,40}",
        code in "[0-9]{6}",
    ) {
        let capture = Capture::default();
        let _guard = tracing::subscriber::set_default(capture.clone());
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let source = Credentials::new("ASIASOURCE", source_secret.clone(), Some(source_token.clone()));
            let op = AssumeRole::new("arn:aws:iam::123456789012:role/demo", "trace")
                .with_external_id(external_id.clone())
                .with_mfa("arn:aws:iam::123456789012:mfa/u", code.clone());
            // A 503, then an answer that echoes every secret: a retry, then a failure.
            let echo = format!("{source_secret}{code}{external_id}");
            let replies = Mutex::new(vec![echoing(&echo), Response::new(503, vec![], Vec::new())]);
            let transport = move |_req: Request| {
                let r = replies.lock().unwrap().pop().unwrap_or_else(|| Response::new(500, vec![], Vec::new()));
                async move { Ok(r) }
            };
            let client = StsClient::with_transport(
                Endpoint::resolve(None, Some("us-east-1")).unwrap(),
                transport,
                stskit::client::SystemClock,
            )
            .with_config(ClientConfig::default().with_backoff(Duration::from_millis(1), Duration::from_millis(1)))
            .with_jitter(|_| Duration::ZERO);
            let _ = client.assume_role(&source, &op).await;

            // Success with returned secrets; web identity with a token.
            let (s, t) = (returned_secret.clone(), returned_token.clone());
            let ok = move |_req: Request| {
                let body = answer(&s, &t);
                async move { Ok(Response::new(200, vec![], body)) }
            };
            let client = StsClient::with_transport(Endpoint::resolve(None, Some("us-east-1")).unwrap(), ok, stskit::client::SystemClock);
            let _ = client.assume_role(&source, &op).await.unwrap();
            let (s, t) = (returned_secret.clone(), returned_token.clone());
            let web = move |_req: Request| {
                let body = web_answer(&s, &t);
                async move { Ok(Response::new(200, vec![], body)) }
            };
            let client = StsClient::with_transport(Endpoint::resolve(None, Some("us-east-1")).unwrap(), web, stskit::client::SystemClock);
            let call = AssumeRoleWithWebIdentity::new("arn:aws:iam::123456789012:role/demo", "trace", SecretString::from(jwt.clone()));
            let _ = client.send(None, &call).await.unwrap();

            // A cache: a fetch, then failures that echo secrets (a backoff, stale answers).
            let cache = CredentialsCache::new(Flaky {
                secret: returned_secret.clone(),
                token: returned_token.clone(),
                echo: format!("{returned_secret}{jwt}"),
                calls: AtomicU64::new(0),
            });
            for _ in 0..3 {
                let _ = cache.credentials().await;
            }
        });
        let seen = capture.seen.lock().unwrap();
        prop_assert!(seen.iter().any(|l| l.contains("stskit.sts_call")), "spans recorded");
        prop_assert!(seen.iter().any(|l| l.contains("retry_reason")), "the retry recorded");
        prop_assert!(seen.iter().any(|l| l.contains("backoff_seconds")), "the backoff recorded");
        for line in seen.iter() {
            for s in [&source_secret, &source_token, &returned_secret, &returned_token, &jwt, &external_id] {
                for w in windows(s) {
                    prop_assert!(!line.contains(w), "{:?} of a secret in {:?}", w, line);
                }
            }
            prop_assert!(!line.contains(&code), "the MFA code in {:?}", line);
        }
    }
}
