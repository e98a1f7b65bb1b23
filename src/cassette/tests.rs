use std::path::Path;

use time::macros::datetime;

use super::*;
use crate::client::Clock;
use crate::http::{Request, Response};
use crate::transport::Transport;

const SOURCE_KEY: &str = "AKIASOURCEKEY0000001";
const EXTERNAL_ID: &str = "external-secret-id";
const ISSUED_KEY: &str = "ASIAISSUEDKEY0000002";
const ISSUED_SECRET: &str = "issued/secret+KEY0123456789abcdefghijklm";
const ISSUED_TOKEN: &str = "FwoGZXIvYXdzEissuedToken0123456789==";

fn answer_xml() -> String {
    format!(
        "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>{ISSUED_KEY}</AccessKeyId>\
         <SecretAccessKey>{ISSUED_SECRET}</SecretAccessKey><SessionToken>{ISSUED_TOKEN}</SessionToken>\
         <Expiration>2026-12-05T11:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>"
    )
}

fn assume_request(session: &str) -> Request {
    let body = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName={session}&ExternalId={EXTERNAL_ID}"
    );
    Request::new("POST", "https://sts.eu-west-1.amazonaws.com/")
        .with_body(body)
        .with_header(
            "Authorization",
            format!("AWS4-HMAC-SHA256 Credential={SOURCE_KEY}/20261205/eu-west-1/sts/aws4_request, SignedHeaders=host, Signature=0123abcd"),
        )
}

fn key_info_request(key: &str) -> Request {
    Request::new("POST", "https://sts.eu-west-1.amazonaws.com/")
        .with_body(format!(
            "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId={key}"
        ))
        .with_header("X-Amz-Security-Token", ISSUED_TOKEN)
}

async fn recorded() -> Cassette {
    let upstream = |r: Request| async move {
        let body = if r.body().starts_with(b"Action=AssumeRole") {
            answer_xml()
        } else {
            "<GetAccessKeyInfoResponse><GetAccessKeyInfoResult><Account>123456789012</Account></GetAccessKeyInfoResult></GetAccessKeyInfoResponse>".to_owned()
        };
        Ok(Response::new(
            200,
            vec![("content-type".into(), "text/xml".into())],
            body.into_bytes(),
        ))
    };
    let recording = RecordingTransport::new(upstream, datetime!(2026-12-05 10:00 UTC));
    recording.send(assume_request("me")).await.unwrap();
    recording.send(key_info_request(ISSUED_KEY)).await.unwrap();
    recording.cassette()
}

#[tokio::test]
async fn a_recording_holds_no_secret_and_replays_with_its_placeholders() {
    let cassette = recorded().await;
    let os = Os::fake::<&str, &str, &str, &str>([], []);
    let dir = Path::new("/cassettes/demo");
    cassette.save(&os, dir).unwrap();
    let mut all = String::new();
    for name in [
        CASSETTE_FILE,
        "001-AssumeRole.xml",
        "002-GetAccessKeyInfo.xml",
    ] {
        let bytes = os
            .file(dir.join(name))
            .unwrap_or_else(|| panic!("{name} written"));
        all.push_str(&String::from_utf8(bytes).unwrap());
    }
    for secret in [
        SOURCE_KEY,
        EXTERNAL_ID,
        ISSUED_KEY,
        ISSUED_SECRET,
        ISSUED_TOKEN,
        "0123abcd",
    ] {
        assert!(
            !all.contains(secret),
            "{secret} reached the cassette:\n{all}"
        );
    }
    let loaded = Cassette::load(&os, dir).unwrap();
    assert_eq!(loaded, cassette);
    let recorded_key = {
        let body = String::from_utf8(loaded.interactions[0].response.body.clone()).unwrap();
        let start = body.find("<AccessKeyId>").unwrap() + 13;
        body[start..start + ISSUED_KEY.len()].to_owned()
    };
    assert!(recorded_key.starts_with("ASIA") && recorded_key != ISSUED_KEY);
    // The later request carried the earlier answer's key: it holds the same placeholder.
    assert_eq!(
        loaded.interactions[1].request.param("AccessKeyId"),
        Some(recorded_key.as_str())
    );

    // Replayed: the placeholder key sent back matches; the answers are the recorded ones.
    let replay = ReplayingTransport::new(loaded);
    assert_eq!(replay.clock().now(), datetime!(2026-12-05 10:00 UTC));
    let first = replay.send(assume_request("me")).await.unwrap();
    assert!(String::from_utf8_lossy(first.body()).contains(&recorded_key));
    replay.send(key_info_request(&recorded_key)).await.unwrap();
    assert_eq!(replay.remaining(), 0);
    let sent = replay.requests();
    let shown = format!("{sent:?}");
    assert!(
        !shown.contains(EXTERNAL_ID) && shown.contains("ExternalId"),
        "{shown}"
    );
    assert_eq!(sent[0].operation(), Some("AssumeRole"));
    assert_eq!(sent[0].scope.as_deref(), Some("20261205/eu-west-1/sts"));
    assert_eq!(sent[0].param("RoleSessionName"), Some("me"));
    // Past the end.
    let e = replay.send(assume_request("me")).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("past the end of the cassette (2 recorded)"),
        "{e}"
    );
}

#[tokio::test]
async fn a_replay_names_the_first_field_that_differs() {
    let cassette = recorded().await;
    let check = |request: Request| {
        let replay = ReplayingTransport::new(cassette.clone());
        async move { replay.send(request).await.unwrap_err().to_string() }
    };
    let e = check(assume_request("other")).await;
    assert!(e.contains("request 1 differs from the cassette in param RoleSessionName: recorded \"me\", sent \"other\""), "{e}");
    let e = check(key_info_request("x")).await;
    assert!(
        e.contains("in Action: recorded \"AssumeRole\", sent \"GetAccessKeyInfo\""),
        "{e}"
    );
    let mut elsewhere = assume_request("me");
    elsewhere = Request::new("POST", "https://sts.us-east-1.amazonaws.com/")
        .with_body(elsewhere.body().to_vec());
    let e = check(elsewhere).await;
    assert!(e.contains("in host: recorded \"sts.eu-west-1.amazonaws.com\", sent \"sts.us-east-1.amazonaws.com\""), "{e}");
    // A secret parameter is not compared.
    let other_external = Request::new("POST", "https://sts.eu-west-1.amazonaws.com/").with_body(
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=me&ExternalId=another",
    );
    let replay = ReplayingTransport::new(cassette.clone());
    replay.send(other_external).await.unwrap();
}

#[test]
fn a_cassette_that_is_not_one_is_refused_with_the_field_named() {
    let dir = Path::new("/c");
    let load = |index: &str| {
        let os = Os::fake::<&str, &str, _, _>(
            [],
            [("/c/cassette.json", index), ("/c/001-x.xml", "<x/>")],
        );
        Cassette::load(&os, dir).unwrap_err().to_string()
    };
    assert!(load("{").contains("not JSON"));
    assert!(load(r#"{"version": 2}"#).contains("version"));
    assert!(load(r#"{"version": 1, "recorded_at": "yesterday"}"#).contains("recorded_at"));
    let one = |body_file: &str| {
        format!(
            r#"{{"version": 1, "recorded_at": "2026-12-05T10:00:00Z", "interactions": [{{"request": {{"method": "POST", "url": "https://h/", "params": []}}, "response": {{"status": 200, "headers": [], "body_file": "{body_file}"}}}}]}}"#
        )
    };
    assert!(load(&one("../../etc/passwd")).contains("plain file name"));
    assert!(load(&one("missing.xml")).contains("missing.xml"));
    let os = Os::fake::<&str, &str, _, _>(
        [],
        [
            ("/c/cassette.json", one("001-x.xml")),
            ("/c/001-x.xml", "<x/>".into()),
        ],
    );
    assert_eq!(
        Cassette::load(&os, dir).unwrap().interactions[0]
            .response
            .body,
        b"<x/>"
    );
}

#[tokio::test]
async fn the_source_key_sent_again_as_a_parameter_still_matches() {
    let upstream = |_: Request| async move {
        Ok(Response::new(
            200,
            vec![],
            b"<GetAccessKeyInfoResponse/>".to_vec(),
        ))
    };
    let signed = || {
        Request::new("POST", "https://sts.us-east-1.amazonaws.com/")
            .with_body(format!("Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId={SOURCE_KEY}"))
            .with_header(
                "Authorization",
                format!("AWS4-HMAC-SHA256 Credential={SOURCE_KEY}/20261205/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=ab"),
            )
    };
    let recording = RecordingTransport::new(upstream, datetime!(2026-12-05 10:00 UTC));
    recording.send(signed()).await.unwrap();
    let cassette = recording.cassette();
    let recorded = cassette.interactions[0]
        .request
        .param("AccessKeyId")
        .unwrap()
        .to_owned();
    assert_ne!(recorded, SOURCE_KEY);
    assert!(recorded.starts_with("AKIA"));
    let replay = ReplayingTransport::new(cassette);
    replay.send(signed()).await.unwrap();
}

#[test]
fn a_cassette_that_names_one_big_body_many_times_is_refused_not_held() {
    let big = vec![b'x'; 1024 * 1024];
    let one = r#"{"request": {"method": "GET", "url": "http://h/", "params": []}, "response": {"status": 200, "headers": [], "body_file": "big"}}"#;
    let index = format!(
        r#"{{"version": 1, "recorded_at": "2026-12-05T10:00:00Z", "interactions": [{}]}}"#,
        vec![one; 65].join(", ")
    );
    let os = Os::fake::<&str, &str, _, Vec<u8>>(
        [],
        [("/c/cassette.json", index.into_bytes()), ("/c/big", big)],
    );
    let e = Cassette::load(&os, Path::new("/c"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("64 MiB"), "{e}");
}
