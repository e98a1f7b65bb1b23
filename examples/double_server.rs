//! Runs the loopback STS double as a standalone server until stdin closes: for trying
//! the CLI by hand and for `scripts/footprint.sh`. Prints the endpoint URL on the
//! first line of stdout. The source key is `AKIDEXAMPLE` with the secret
//! `wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY`.
//!
//! `cargo run --release --example double_server --features test-util`

use std::io::Write;

use stskit::test_util::StsDouble;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let double = StsDouble::builder()
        .with_key("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .start()
        .await?;
    println!("{}", double.endpoint_url());
    std::io::stdout().flush()?;
    // Serve until stdin reaches end of file (the parent closed it or exited).
    tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
    })
    .await
    .ok();
    eprintln!("double_server: served {} requests", double.request_count());
    Ok(())
}
