//! Measures what a hostile 24 MiB answer costs: the loopback double streams it (with and
//! without Content-Length) and stskit stops at its 64 KiB cap. Prints the error and
//! the process's peak resident memory (VmHWM, Linux).
//!
//! Run with `cargo run --release --example big_answer --features test-util`.

use stskit::Credentials;
use stskit::client::StsClient;
use stskit::sts::Endpoint;
use stskit::test_util::{Reply, StsDouble};

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let double = StsDouble::builder()
        .with_key("AKIDEXAMPLE", "secret")
        .start()
        .await?;
    let source = Credentials::new("AKIDEXAMPLE", "secret", None);
    let client = StsClient::new(Endpoint::resolve(Some(&double.endpoint_url()), None)?);
    println!("peak RSS before: {:?} KiB", peak_rss_kib());
    for content_length in [false, true] {
        double.push(Reply::Oversized {
            len: 24 << 20,
            content_length,
        });
        let err = client.get_caller_identity(&source).await.unwrap_err();
        println!(
            "24 MiB answer, Content-Length {}: {err}: {}",
            if content_length {
                "sent"
            } else {
                "absent (chunked)"
            },
            std::error::Error::source(&err)
                .map(|s| s.to_string())
                .unwrap_or_default()
        );
    }
    println!("peak RSS after:  {:?} KiB", peak_rss_kib());
    Ok(())
}
