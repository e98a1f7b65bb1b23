//! stskit against the official `aws-sigv4` signing the same AssumeRole POST, and the
//! stskit parser (every validation rule on) against a bare quick-xml pass that only
//! pulls the four credential fields out of the same bodies. Prints medians and ratios.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use stskit::sigv4::{self, SigningParams};
use stskit::{Credentials, Request};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const BODY: &str = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=bench-session&DurationSeconds=3600";

/// Median time per call over `rounds` rounds of `per_round` calls.
fn median(mut f: impl FnMut(), rounds: usize, per_round: usize) -> Duration {
    for _ in 0..per_round {
        f();
    }
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_round {
                f();
            }
            start.elapsed() / per_round as u32
        })
        .collect();
    times.sort();
    times[rounds / 2]
}

fn stskit_sign(creds: &Credentials, time: time::OffsetDateTime) {
    let mut req = Request::new("POST", "https://sts.amazonaws.com/")
        .with_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .with_header("Host", "sts.amazonaws.com")
        .with_body(BODY);
    let params = SigningParams::new("us-east-1", "sts", time);
    black_box(sigv4::sign(&mut req, creds, &params).unwrap());
    black_box(req);
}

fn aws_sign(identity: &aws_smithy_runtime_api::client::identity::Identity, time: SystemTime) {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;
    let params = v4::SigningParams::builder()
        .identity(identity)
        .region("us-east-1")
        .name("sts")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers = [
        ("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
        ("host", "sts.amazonaws.com"),
    ];
    let signable = SignableRequest::new(
        "POST",
        "https://sts.amazonaws.com/",
        headers.iter().copied(),
        SignableBody::Bytes(BODY.as_bytes()),
    )
    .unwrap();
    black_box(sign(signable, &params).unwrap().into_parts());
}

/// The bare pass: pull AccessKeyId, SecretAccessKey, SessionToken and Expiration.
fn bare_quick_xml(body: &[u8]) -> [Option<String>; 4] {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut out: [Option<String>; 4] = Default::default();
    let mut current: Option<usize> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                current = match e.local_name().as_ref() {
                    "AccessKeyId" => Some(0),
                    "SecretAccessKey" => Some(1),
                    "SessionToken" => Some(2),
                    "Expiration" => Some(3),
                    _ => None,
                }
            }
            Ok(Event::Text(t)) => {
                if let Some(i) = current {
                    out[i] = Some(t.into_inner().trim().to_owned());
                }
            }
            Ok(Event::End(_)) => current = None,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{e}"),
        }
    }
    out
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    let (rounds, per) = (41, 20_000);
    let now = SystemTime::now();
    let time = time::OffsetDateTime::from_unix_timestamp(now.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64).unwrap();
    println!("{:<44} {:>10} {:>10} {:>7}", "what", "stskit", "reference", "ratio");
    for token in [None, Some("IQoJb3JpZ2luX2VjEXAMPLETOKEN".repeat(20))] {
        let creds = Credentials::new("AKIDEXAMPLE", SECRET, token.clone());
        let identity = aws_credential_types::Credentials::new("AKIDEXAMPLE", SECRET, token.clone(), None, "compare").into();
        let ours = median(|| stskit_sign(&creds, time), rounds, per);
        let theirs = median(|| aws_sign(&identity, now), rounds, per);
        let label = if token.is_some() { "sign AssumeRole, warm key, with token" } else { "sign AssumeRole, warm key" };
        println!("{label:<44} {:>8.3}us {:>8.3}us {:>6.2}x  (aws-sigv4 1.6.4)", us(ours), us(theirs), us(theirs) / us(ours));
    }
    let cold = median(
        || {
            let c = Credentials::new("AKIDEXAMPLE", SECRET, None);
            stskit_sign(&c, time)
        },
        rounds,
        per / 4,
    );
    println!("{:<44} {:>8.3}us", "sign AssumeRole, cold key (derivation)", us(cold));
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/sts");
    for name in [
        "assume_role.ok.smithy-rs.xml",
        "assume_role.ok.aws-docs.xml",
        "assume_role.ok.smithy-rs.imds_assume_role.xml",
    ] {
        let body = std::fs::read(format!("{dir}/{name}")).unwrap();
        let ours = median(|| drop(black_box(stskit::sts::parse_assume_role(200, &[], black_box(&body)).unwrap())), rounds, per);
        let bare = median(|| drop(black_box(bare_quick_xml(black_box(&body)))), rounds, per);
        println!(
            "{:<44} {:>8.3}us {:>8.3}us {:>6.2}x  (stskit / bare quick-xml)",
            format!("parse {}", name.trim_end_matches(".xml")),
            us(ours),
            us(bare),
            us(ours) / us(bare)
        );
    }
}
