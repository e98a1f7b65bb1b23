//! Cassettes from the library: record through any transport and replay in the same
//! test (the client, the recording's clock and the requests sent, from one call); the
//! loopback double serving the same cassette over a real socket on the pinned clock;
//! a request that differs named by its field.

#![cfg(feature = "test-util")]

use secrecy::ExposeSecret;
use stskit::Credentials;
use stskit::client::{Clock, StsClient, SystemClock};
use stskit::error::CallError;
use stskit::provider::Os;
use stskit::sts::{AssumeRole, Endpoint, GetCallerIdentity};
use stskit::test_util::{Cassette, RecordingTransport, StsDouble, replay};
use stskit::transport::ReqwestTransport;

use crate::double::{KEY, ROLE, SECRET, double};

#[tokio::test]
async fn record_then_replay_in_one_test() {
    let sts = double().await;
    let endpoint = Endpoint::resolve(Some(&sts.endpoint_url()), Some("us-east-1")).unwrap();
    let source = Credentials::new(KEY, SECRET, None);
    let dir = crate::common::temp_dir("client-cassette");

    let recording = RecordingTransport::new(ReqwestTransport::default(), SystemClock.now());
    let client = StsClient::with_transport(endpoint.clone(), recording.clone(), SystemClock);
    let live = client
        .assume_role(
            &source,
            &AssumeRole::new(ROLE, "one").with_external_id("ext-secret-1"),
        )
        .await
        .unwrap();
    let issued = live.credentials.to_credentials();
    let who = client
        .send(Some(&issued), &GetCallerIdentity)
        .await
        .unwrap();
    recording.save(&Os::real(), &dir).unwrap();
    let cassette = recording.cassette();
    assert_eq!(cassette.interactions.len(), 2);
    let mut all = cassette.to_json();
    for i in &cassette.interactions {
        all.push_str(&String::from_utf8_lossy(&i.response.body));
    }
    for secret in [
        KEY,
        SECRET,
        "ext-secret-1",
        live.credentials.access_key_id(),
        live.credentials.secret_access_key().expose_secret(),
        live.credentials.session_token().expose_secret(),
    ] {
        assert!(!all.contains(secret), "{secret} is in the cassette");
    }
    drop(sts);

    let replayed = replay(&dir, endpoint.clone()).unwrap();
    let out = replayed
        .client
        .assume_role(
            &source,
            &AssumeRole::new(ROLE, "one").with_external_id("another-id"),
        )
        .await
        .unwrap();
    assert_eq!(out.credentials.expiration(), live.credentials.expiration());
    let again = replayed
        .client
        .send(Some(&out.credentials.to_credentials()), &GetCallerIdentity)
        .await
        .unwrap();
    assert_eq!(again.arn, who.arn);
    let sent = replayed.requests();
    assert_eq!(
        sent.iter().map(|r| r.operation()).collect::<Vec<_>>(),
        [Some("AssumeRole"), Some("GetCallerIdentity")]
    );
    assert_eq!(sent[0].param("RoleArn"), Some(ROLE));
    assert_eq!(
        sent[1]
            .scope
            .as_deref()
            .map(|s| s.ends_with("/us-east-1/sts")),
        Some(true)
    );
    assert_eq!(replayed.transport.remaining(), 0);

    // Another session name: the replay says where it differs, and nothing was sent.
    let replayed = replay(&dir, endpoint).unwrap();
    let e = replayed
        .client
        .assume_role(&source, &AssumeRole::new(ROLE, "two"))
        .await
        .unwrap_err();
    assert!(matches!(e, CallError::Transport(_)), "{e:?}");
    assert!(
        e.to_string()
            .contains("param RoleSessionName: recorded \"one\", sent \"two\""),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_double_serves_a_cassette_on_its_clock() {
    // Recorded against one double, served by another over a real socket.
    let first = double().await;
    let endpoint = Endpoint::resolve(Some(&first.endpoint_url()), Some("us-east-1")).unwrap();
    let recording = RecordingTransport::new(ReqwestTransport::default(), SystemClock.now());
    let client = StsClient::with_transport(endpoint, recording.clone(), SystemClock);
    let source = Credentials::new(KEY, SECRET, None);
    client
        .assume_role(&source, &AssumeRole::new(ROLE, "one"))
        .await
        .unwrap();
    let cassette: Cassette = recording.cassette();
    drop(first);

    let served = StsDouble::builder()
        .with_cassette(cassette.clone())
        .start()
        .await
        .unwrap();
    assert_eq!(served.now(), cassette.recorded_at);
    let endpoint = Endpoint::resolve(Some(&served.endpoint_url()), Some("us-east-1")).unwrap();
    let client =
        StsClient::with_transport(endpoint, ReqwestTransport::default(), served_clock(&served));
    let out = client
        .assume_role(&source, &AssumeRole::new(ROLE, "one"))
        .await
        .unwrap();
    assert!(out.credentials.access_key_id().starts_with("ASIA"));
    // Past the cassette's end: a 400 naming the difference.
    let e = client
        .assume_role(&source, &AssumeRole::new(ROLE, "one"))
        .await
        .unwrap_err();
    let service = e.service_error().expect("an STS error document");
    assert_eq!(service.code(), "StsDoubleCassetteMismatch");
    assert!(
        e.to_string().contains("past the end of the cassette"),
        "{e}"
    );
}

/// The double's clock, for a client that checks expirations against it.
fn served_clock(d: &StsDouble) -> impl Clock + Clone + use<> {
    let at = d.now();
    move || at
}
