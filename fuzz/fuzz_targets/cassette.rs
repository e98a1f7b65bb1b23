//! Cassettes as a hostile hand leaves them, and answers as a hostile server sends them
//! to a recording: any `cassette.json` is read or refused, never a panic, and what is
//! read writes back to the same cassette; any answer body is recorded without the
//! secrets it carries, and replays.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stskit::http::{Request, Response};
use stskit::provider::Os;
use stskit::test_util::{Cassette, RecordingTransport, ReplayingTransport};
use stskit::transport::Transport;

const KEY: &str = "AKIAFUZZSOURCEKEY001";

fuzz_target!(|data: &[u8]| {
    // 1. The input as cassette.json (and as every body file it names).
    let dir = std::path::Path::new("/c");
    let names = ["001-AssumeRole.xml", "002-credentials.json", "x"];
    let mut files: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|n| (format!("/c/{n}"), data.to_vec()))
        .collect();
    files.push(("/c/cassette.json".into(), data.to_vec()));
    let os = Os::fake::<&str, &str, _, _>([], files);
    if let Ok(c) = Cassette::load(&os, dir) {
        let out = Os::fake::<&str, &str, &str, &str>([], []);
        c.save(&out, dir).unwrap();
        assert_eq!(Cassette::load(&out, dir).unwrap(), c);
    }

    // 2. The input as an answer to a recording, then replayed.
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let body = data.to_vec();
        let upstream = move |_: Request| {
            let body = body.clone();
            async move { Ok(Response::new(200, vec![], body)) }
        };
        let recording = RecordingTransport::new(upstream, time::OffsetDateTime::UNIX_EPOCH);
        let request = || {
            Request::new("POST", "https://sts.us-east-1.amazonaws.com/")
                .with_body("Action=AssumeRole&Version=2011-06-15&ExternalId=fuzz-external-id")
                .with_header(
                    "Authorization",
                    format!("AWS4-HMAC-SHA256 Credential={KEY}/20261205/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=ab"),
                )
        };
        recording.send(request()).await.unwrap();
        let cassette = recording.cassette();
        let text = cassette.to_json();
        assert!(!text.contains(KEY) && !text.contains("fuzz-external-id"));
        let replay = ReplayingTransport::new(cassette);
        replay.send(request()).await.unwrap();
        assert!(replay.send(request()).await.is_err());
    });
});
