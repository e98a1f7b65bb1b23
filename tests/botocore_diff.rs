//! Differential test against botocore, the reference signer: 10,000 generated requests
//! (fixed seed) signed by both; canonical request, string to sign, `Authorization` and,
//! for AssumeRole form bodies, the body bytes must agree byte for byte.
//!
//! botocore runs from the virtualenv `scripts/pyenv.sh` makes, through
//! `scripts/botocore_sign.py` (JSON cases on stdin, answers on stdout).

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use stskit::sigv4::{self, SigningParams};
use stskit::sts::{AssumeRole, Operation};
use stskit::{Credentials, Request};
use time::OffsetDateTime;

const CASES: usize = 10_000;

/// splitmix64: a fixed-seed generator, so every run checks the same cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn string(&mut self, pool: &[&str], min: usize, max: usize) -> String {
        let n = min + self.below(max - min + 1);
        (0..n).map(|_| *self.pick(pool)).collect()
    }
}

const ALNUM: &[&str] = &[
    "a", "b", "c", "x", "y", "z", "A", "B", "Q", "Z", "0", "1", "7", "9", "-", "_", ".", "~",
];
const PATH_EXTRA: &[&str] = &[
    " ", "~", "*", "+", "%", "!", "'", "(", ")", "$", "&", ",", ";", "=", ":", "@", "é", "ሴ",
    "日本", "😀", "%20", "%2F",
];
const QUERY_EXTRA: &[&str] = &[
    " ", "+", "=", "&", "/", "?", "%", "*", "~", "é", "ሴ", "😀", "\"", "#", "[", "]",
];
const VALUE_EXTRA: &[&str] = &[
    " ", "  ", "\t", "+", "=", "/", ",", ";", ":", "\"", "(", ")", "é", "ሴ", "*", "%",
];
const FORM_EXTRA: &[&str] = &[
    " ", "+", "=", "&", "/", "%", ":", "@", ",", ".", "~", "*", "!", "'", "(", ")", "{", "}", "\"",
    "é", "ሴ", "😀", "\n", "\t",
];

fn with_extra(rng: &mut Rng, extra: &[&str], min: usize, max: usize) -> String {
    let mut pool: Vec<&str> = ALNUM.to_vec();
    if rng.chance(80) {
        pool.extend_from_slice(extra);
    }
    rng.string(&pool, min, max)
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn random_time(rng: &mut Rng) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(946_684_800 + rng.below(3_155_760_000) as i64).unwrap()
}

fn amz(t: OffsetDateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

struct Case {
    json: Value,
    request: Request,
    creds: Credentials,
    region: String,
    service: String,
    time: OffsetDateTime,
}

fn credentials(rng: &mut Rng) -> (String, String, Option<String>) {
    const KEY: &[&str] = &["A", "K", "I", "D", "S", "0", "3", "7", "Q", "Z"];
    const B64: &[&str] = &["a", "Z", "0", "9", "/", "+", "q", "X", "=", "k"];
    let id = format!("AKIA{}", rng.string(KEY, 12, 16));
    let secret = rng.string(B64, 40, 40);
    let token = rng.chance(50).then(|| rng.string(B64, 20, 300));
    (id, secret, token)
}

fn raw_case(rng: &mut Rng) -> Case {
    let method = *rng.pick(&["GET", "POST", "PUT", "DELETE", "HEAD"]);
    let mut path = String::new();
    for _ in 0..rng.below(5) {
        path.push('/');
        match rng.below(10) {
            0 => path.push('.'),
            1 => path.push_str(".."),
            2 => {}
            _ => path.push_str(&with_extra(rng, PATH_EXTRA, 1, 8)),
        }
    }
    if rng.chance(30) {
        path.push('/');
    }
    let host = *rng.pick(&[
        "example.amazonaws.com",
        "sts.amazonaws.com",
        "127.0.0.1:8080",
        "h.example:8443",
    ]);
    let mut url = format!("https://{host}{path}");
    if rng.chance(60) {
        let mut pairs = Vec::new();
        for _ in 0..1 + rng.below(5) {
            let key = if rng.chance(10) {
                String::new()
            } else {
                with_extra(rng, QUERY_EXTRA, 1, 6)
            };
            let value = if rng.chance(20) {
                String::new()
            } else {
                with_extra(rng, QUERY_EXTRA, 1, 8)
            };
            let pair = format!("{}={}", percent_encode(&key), percent_encode(&value));
            pairs.push(pair.clone());
            if rng.chance(20) {
                pairs.push(format!(
                    "{}={}",
                    percent_encode(&key),
                    percent_encode(&with_extra(rng, QUERY_EXTRA, 0, 4))
                ));
            }
        }
        url.push('?');
        url.push_str(&pairs.join("&"));
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    const NAMES: &[&str] = &[
        "X-Custom",
        "x-custom",
        "My-Header1",
        "Content-Type",
        "X-Amz-Meta-A",
        "Accept",
        "User-Agent",
        "X-Amzn-Trace-Id",
        "x-amz-target",
    ];
    for _ in 0..rng.below(6) {
        let name = *rng.pick(NAMES);
        let name = match rng.below(3) {
            0 => name.to_ascii_uppercase(),
            1 => name.to_ascii_lowercase(),
            _ => name.to_string(),
        };
        let value = if rng.chance(10) {
            format!(
                " {}  {} ",
                with_extra(rng, VALUE_EXTRA, 1, 5),
                with_extra(rng, VALUE_EXTRA, 1, 5)
            )
        } else {
            with_extra(rng, VALUE_EXTRA, 0, 12)
        };
        headers.push((name, value));
    }
    let body = if method == "POST" || method == "PUT" {
        with_extra(rng, FORM_EXTRA, 0, 40)
    } else {
        String::new()
    };
    let (id, secret, token) = credentials(rng);
    let region = rng
        .pick(&["us-east-1", "eu-west-1", "cn-north-1", "ap-southeast-2"])
        .to_string();
    let service = rng
        .pick(&["sts", "iam", "service", "s3", "execute-api"])
        .to_string();
    let time = random_time(rng);
    let mut request = Request::new(method, url.clone()).with_body(body.clone());
    for (n, v) in &headers {
        request.append_header(n.clone(), v.clone());
    }
    Case {
        json: json!({
            "kind": "raw", "method": method, "url": url, "headers": headers, "body": body,
            "access_key": id, "secret": secret, "token": token, "region": region, "service": service, "time": amz(time),
        }),
        request,
        creds: Credentials::new(id, secret, token),
        region,
        service,
        time,
    }
}

fn form_case(rng: &mut Rng) -> Case {
    let s = |rng: &mut Rng, min, max| with_extra(rng, FORM_EXTRA, min, max);
    let role_arn = format!("arn:aws:iam::123456789012:role/{}", s(rng, 1, 20));
    let session = s(rng, 2, 20);
    let mut op = AssumeRole::new(role_arn.clone(), session.clone());
    let mut params = serde_json::Map::new();
    params.insert("RoleArn".into(), json!(role_arn));
    params.insert("RoleSessionName".into(), json!(session));
    if rng.chance(50) {
        let arns: Vec<String> = (0..1 + rng.below(3))
            .map(|_| format!("arn:aws:iam::aws:policy/{}", s(rng, 1, 10)))
            .collect();
        for a in &arns {
            op = op.with_policy_arn(a.clone());
        }
        params.insert(
            "PolicyArns".into(),
            json!(arns.iter().map(|a| json!({"arn": a})).collect::<Vec<_>>()),
        );
    }
    if rng.chance(50) {
        let p = format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [{}]}}",
            s(rng, 0, 40)
        );
        op = op.with_policy(p.clone());
        params.insert("Policy".into(), json!(p));
    }
    let duration = 900 + rng.below(42_301) as u32;
    op = op.with_duration_seconds(duration);
    params.insert("DurationSeconds".into(), json!(duration));
    if rng.chance(50) {
        let tags: Vec<(String, String)> = (0..1 + rng.below(4))
            .map(|_| (s(rng, 1, 10), s(rng, 0, 10)))
            .collect();
        for (k, v) in &tags {
            op = op.with_tag(k.clone(), v.clone());
        }
        params.insert(
            "Tags".into(),
            json!(
                tags.iter()
                    .map(|(k, v)| json!({"Key": k, "Value": v}))
                    .collect::<Vec<_>>()
            ),
        );
    }
    if rng.chance(40) {
        let keys: Vec<String> = (0..1 + rng.below(3)).map(|_| s(rng, 1, 10)).collect();
        for k in &keys {
            op = op.with_transitive_tag_key(k.clone());
        }
        params.insert("TransitiveTagKeys".into(), json!(keys));
    }
    if rng.chance(50) {
        let e = s(rng, 2, 30);
        op = op.with_external_id(e.clone());
        params.insert("ExternalId".into(), json!(e));
    }
    if rng.chance(30) {
        let serial = format!("arn:aws:iam::123456789012:mfa/{}", s(rng, 1, 10));
        let code = format!("{:06}", rng.below(1_000_000));
        op = op.with_mfa(serial.clone(), code.clone());
        params.insert("SerialNumber".into(), json!(serial));
        params.insert("TokenCode".into(), json!(code));
    }
    if rng.chance(40) {
        let si = s(rng, 2, 20);
        op = op.with_source_identity(si.clone());
        params.insert("SourceIdentity".into(), json!(si));
    }
    if rng.chance(30) {
        let ctx: Vec<(String, String)> = (0..1 + rng.below(2))
            .map(|_| {
                (
                    format!("arn:aws:iam::aws:contextProvider/{}", s(rng, 1, 10)),
                    s(rng, 4, 30),
                )
            })
            .collect();
        for (a, c) in &ctx {
            op = op.with_provided_context(a.clone(), c.clone());
        }
        params.insert(
            "ProvidedContexts".into(),
            json!(
                ctx.iter()
                    .map(|(a, c)| json!({"ProviderArn": a, "ContextAssertion": c}))
                    .collect::<Vec<_>>()
            ),
        );
    }
    if rng.chance(20) {
        let n = rng.below(4097) as u32;
        op = op.with_minimum_session_token_size(n);
        params.insert("MinimumSessionTokenSize".into(), json!(n));
    }
    let (id, secret, token) = credentials(rng);
    let region = rng
        .pick(&["us-east-1", "eu-west-1", "cn-north-1"])
        .to_string();
    let time = random_time(rng);
    let url = "https://sts.amazonaws.com/";
    let request = Request::new("POST", url)
        .with_header(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .with_body(op.form_body());
    Case {
        json: json!({
            "kind": "form", "method": "POST", "url": url, "params": Value::Object(params),
            "headers": [["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"]],
            "access_key": id, "secret": secret, "token": token, "region": region, "service": "sts", "time": amz(time),
        }),
        request,
        creds: Credentials::new(id, secret, token),
        region,
        service: "sts".into(),
        time,
    }
}

fn botocore(cases: &[Value]) -> Vec<Value> {
    let python = common::pyenv_python();
    let mut child = Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/botocore_sign.py"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = serde_json::to_vec(cases).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "botocore_sign.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn stskit_and_botocore_agree_on_10000_generated_requests() {
    let mut rng = Rng(0x5751_4b17_2026_1122);
    let cases: Vec<Case> = (0..CASES)
        .map(|i| {
            if i % 5 < 3 {
                raw_case(&mut rng)
            } else {
                form_case(&mut rng)
            }
        })
        .collect();
    let answers = botocore(&cases.iter().map(|c| c.json.clone()).collect::<Vec<_>>());
    assert_eq!(answers.len(), CASES);
    let mut forms = 0;
    for (i, (case, want)) in cases.into_iter().zip(answers).enumerate() {
        let mut request = case.request;
        if case.json["kind"] == "form" {
            forms += 1;
            assert_eq!(
                String::from_utf8_lossy(request.body()),
                want["body"].as_str().unwrap(),
                "case {i}: form body\n{}",
                case.json
            );
        }
        let params = SigningParams::new(&case.region, &case.service, case.time);
        let out = sigv4::sign(&mut request, &case.creds, &params)
            .unwrap_or_else(|e| panic!("case {i}: {e}\n{}", case.json));
        assert_eq!(
            out.canonical_request().expose(),
            want["creq"].as_str().unwrap(),
            "case {i}: canonical request\n{}",
            case.json
        );
        assert_eq!(
            out.string_to_sign().as_str(),
            want["sts"].as_str().unwrap(),
            "case {i}: string to sign"
        );
        assert_eq!(
            request.header("authorization").unwrap(),
            want["authz"].as_str().unwrap(),
            "case {i}: authorization"
        );
    }
    assert_eq!(forms, CASES * 2 / 5);
}
