//! Record real STS traffic into a cassette, then replay it offline in a test: the
//! recording transport wraps the real one, the cassette holds no secret, and the
//! replay answers on the recording's clock and shows what was sent. Here the "real"
//! STS is the loopback double; point the endpoint at STS to record the real thing.
//!
//! `cargo run --example record_replay --features test-util`

use secrecy::ExposeSecret;
use stskit::Credentials;
use stskit::client::{Clock, StsClient, SystemClock};
use stskit::provider::Os;
use stskit::sts::{AssumeRole, Endpoint};
use stskit::test_util::{RecordingTransport, StsDouble, replay};
use stskit::transport::ReqwestTransport;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sts = StsDouble::builder()
        .with_key("AKIDEXAMPLE", "source/secret")
        .start()
        .await?;
    let endpoint = Endpoint::resolve(Some(&sts.endpoint_url()), Some("us-east-1"))?;
    let source = Credentials::new("AKIDEXAMPLE", "source/secret", None);
    let role = AssumeRole::new("arn:aws:iam::123456789012:role/demo", "recorded");
    let dir = std::env::temp_dir().join(format!("stskit-cassette-{}", std::process::id()));

    // 1. Record: any transport, wrapped.
    let now = SystemClock.now();
    let recording = RecordingTransport::new(ReqwestTransport::default(), now);
    let client = StsClient::with_transport(endpoint.clone(), recording.clone(), SystemClock);
    let live = client.assume_role(&source, &role).await?;
    recording.save(&Os::real(), &dir)?;
    let files = std::fs::read_dir(&dir)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<Vec<_>, _>>()?;
    println!("recorded {files:?} in {}", dir.display());
    let everything: String = files
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap_or_default())
        .collect();
    assert!(!everything.contains(live.credentials.secret_access_key().expose_secret()));
    drop(sts); // Nothing answers on the network from here on.

    // 2. Replay in a test: a client, the recording's clock, and the requests sent.
    let replayed = replay(&dir, endpoint)?;
    let out = replayed.client.assume_role(&source, &role).await?;
    assert_eq!(replayed.clock.now(), now.replace_nanosecond(0)?);
    assert_eq!(out.credentials.expiration(), live.credentials.expiration());
    assert_eq!(
        out.credentials.access_key_id().len(),
        live.credentials.access_key_id().len()
    );
    let sent = replayed.requests();
    assert_eq!(sent[0].operation(), Some("AssumeRole"));
    assert_eq!(sent[0].param("RoleSessionName"), Some("recorded"));
    assert_eq!(
        sent[0]
            .scope
            .as_deref()
            .map(|s| s.ends_with("/us-east-1/sts")),
        Some(true)
    );
    println!(
        "replayed offline: {} (a placeholder) expiring {}, {} request(s) checked",
        out.credentials.access_key_id(),
        out.credentials.expiration_rfc3339(),
        sent.len()
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
