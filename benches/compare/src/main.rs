//! stskit against the official `aws-sigv4` signing the same AssumeRole POST, and the
//! stskit parser (every validation rule on) against a bare quick-xml pass that only
//! pulls the four credential fields out of the same bodies. Prints medians and ratios;
//! each pair is timed in alternating rounds and the ratio is the median of per-round ratios.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use stskit::sigv4::{self, SigningParams};
use stskit::{Credentials, Request};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const BODY: &str = include_str!("../../data/assume_role_body.txt");

/// Times `a` and `b` in alternating rounds of `per_round` calls, so both see the same
/// machine load (this kind of VM drifts by tens of percent within a second). Returns
/// the median time per call of each and the median of the per-round ratios a/b.
fn paired(
    mut a: impl FnMut(),
    mut b: impl FnMut(),
    rounds: usize,
    per_round: usize,
) -> (Duration, Duration, f64) {
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..per_round {
            f();
        }
        start.elapsed() / per_round as u32
    };
    time(&mut a);
    time(&mut b);
    let mut ta = Vec::with_capacity(rounds);
    let mut tb = Vec::with_capacity(rounds);
    let mut ratios = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let x = time(&mut a);
        let y = time(&mut b);
        ratios.push(x.as_secs_f64() / y.as_secs_f64());
        ta.push(x);
        tb.push(y);
    }
    ta.sort();
    tb.sort();
    ratios.sort_by(f64::total_cmp);
    (ta[rounds / 2], tb[rounds / 2], ratios[rounds / 2])
}

/// Median time per call of `f` alone.
fn median(mut f: impl FnMut(), rounds: usize, per_round: usize) -> Duration {
    paired(&mut f, || {}, rounds, per_round).0
}

fn stskit_sign(signer: &sigv4::Signer, creds: &Credentials, time: time::OffsetDateTime) {
    let mut req = Request::new("POST", "https://sts.amazonaws.com/")
        .with_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .with_header("Host", "sts.amazonaws.com")
        .with_body(BODY);
    let params = SigningParams::new("us-east-1", "sts", time);
    black_box(signer.sign(&mut req, creds, &params).unwrap());
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
    let (rounds, per) = (101, 5_000);
    let now = SystemTime::now();
    let time = time::OffsetDateTime::from_unix_timestamp(now.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64).unwrap();
    println!("{:<44} {:>10} {:>10} {:>7}", "what", "stskit", "reference", "ratio");
    for token in [None, Some("IQoJb3JpZ2luX2VjEXAMPLETOKEN".repeat(20))] {
        let creds = Credentials::new("AKIDEXAMPLE", SECRET, token.clone());
        let identity = aws_credential_types::Credentials::new("AKIDEXAMPLE", SECRET, token.clone(), None, "compare").into();
        let signer = sigv4::Signer::new();
        let (ours, theirs, ratio) = paired(|| stskit_sign(&signer, &creds, time), || aws_sign(&identity, now), rounds, per);
        let label = if token.is_some() { "sign AssumeRole, warm key, with token" } else { "sign AssumeRole, warm key" };
        println!("{label:<44} {:>8.3}us {:>8.3}us {:>6.2}x  (aws-sigv4 1.6.4 / stskit)", us(ours), us(theirs), 1.0 / ratio);
    }
    let cold = median(
        || {
            let c = Credentials::new("AKIDEXAMPLE", SECRET, None);
            stskit_sign(&sigv4::Signer::new(), &c, time)
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
        let (ours, bare, ratio) = paired(
            || drop(black_box(stskit::sts::parse_assume_role(200, &[], black_box(&body)).unwrap())),
            || drop(black_box(bare_quick_xml(black_box(&body)))),
            rounds,
            per,
        );
        println!(
            "{:<44} {:>8.3}us {:>8.3}us {:>6.2}x  (stskit / bare quick-xml)",
            format!("parse {}", name.trim_end_matches(".xml")),
            us(ours),
            us(bare),
            ratio
        );
    }
}
