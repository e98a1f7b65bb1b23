//! Differential test against botocore, the reference signer: 10,000 generated requests
//! (fixed seed) signed by both; canonical request, string to sign, `Authorization` and,
//! for the form bodies of every STS operation (random values in every member), the
//! body bytes must agree byte for byte. Also every region and endpoint flag resolved
//! by both.
//!
//! botocore runs from the virtualenv `scripts/pyenv.sh` makes, through
//! `tests/peers/botocore_sign.py` (JSON cases on stdin, answers on stdout).

use crate::common;
use crate::rng;

use std::io::Write;
use std::process::{Command, Stdio};

use rng::Rng;
use serde_json::{Value, json};
use stskit::sigv4::{self, SigningParams};
use stskit::sts::{AssumeRole, Operation};
use stskit::{Credentials, Request};
use time::OffsetDateTime;

const CASES: usize = 10_000;

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

fn s(rng: &mut Rng, min: usize, max: usize) -> String {
    with_extra(rng, FORM_EXTRA, min, max)
}

type Params = serde_json::Map<String, Value>;

fn arn(rng: &mut Rng, kind: &str) -> String {
    format!("arn:aws:iam::123456789012:{kind}/{}", s(rng, 1, 20))
}

fn policy_arns(rng: &mut Rng, params: &mut Params) -> Vec<String> {
    if !rng.chance(50) {
        return Vec::new();
    }
    let arns: Vec<String> = (0..1 + rng.below(3))
        .map(|_| format!("arn:aws:iam::aws:policy/{}", s(rng, 1, 10)))
        .collect();
    params.insert(
        "PolicyArns".into(),
        json!(arns.iter().map(|a| json!({"arn": a})).collect::<Vec<_>>()),
    );
    arns
}

fn tags(rng: &mut Rng, params: &mut Params) -> Vec<(String, String)> {
    if !rng.chance(50) {
        return Vec::new();
    }
    let tags: Vec<(String, String)> = (0..1 + rng.below(4))
        .map(|_| (s(rng, 1, 10), s(rng, 0, 10)))
        .collect();
    params.insert(
        "Tags".into(),
        json!(
            tags.iter()
                .map(|(k, v)| json!({"Key": k, "Value": v}))
                .collect::<Vec<_>>()
        ),
    );
    tags
}

fn maybe<T: Clone + Into<Value>>(
    rng: &mut Rng,
    percent: usize,
    params: &mut Params,
    name: &str,
    value: impl FnOnce(&mut Rng) -> T,
) -> Option<T> {
    if !rng.chance(percent) {
        return None;
    }
    let v = value(rng);
    params.insert(name.into(), v.clone().into());
    Some(v)
}

fn policy(rng: &mut Rng) -> String {
    format!("{{\"Statement\": [{}]}}", s(rng, 0, 40))
}

/// One of the other operations with random values in every member, and the same
/// members for botocore in the same order: (action, body, params).
fn other_operation(rng: &mut Rng) -> (&'static str, Vec<u8>, Params) {
    use secrecy::SecretString;
    use stskit::sts::*;
    let mut p = Params::new();
    let body = match rng.below(11) {
        0 => {
            let (role, session, token) = (arn(rng, "role"), s(rng, 2, 20), s(rng, 4, 60));
            p.insert("RoleArn".into(), json!(role));
            p.insert("RoleSessionName".into(), json!(session));
            p.insert("WebIdentityToken".into(), json!(token));
            let mut op = AssumeRoleWithWebIdentity::new(role, session, SecretString::from(token));
            if let Some(v) = maybe(rng, 30, &mut p, "ProviderId", |r| s(r, 4, 20)) {
                op = op.with_provider_id(v);
            }
            for a in policy_arns(rng, &mut p) {
                op = op.with_policy_arn(a);
            }
            if let Some(v) = maybe(rng, 50, &mut p, "Policy", policy) {
                op = op.with_policy(v);
            }
            if let Some(v) = maybe(rng, 60, &mut p, "DurationSeconds", |r| {
                900 + r.below(42_301) as u32
            }) {
                op = op.with_duration_seconds(v);
            }
            if let Some(v) = maybe(rng, 20, &mut p, "MinimumSessionTokenSize", |r| {
                r.below(4097) as u32
            }) {
                op = op.with_minimum_session_token_size(v);
            }
            ("AssumeRoleWithWebIdentity", op.form_body())
        }
        1 => {
            let (role, principal, assertion) =
                (arn(rng, "role"), arn(rng, "saml-provider"), s(rng, 4, 200));
            p.insert("RoleArn".into(), json!(role));
            p.insert("PrincipalArn".into(), json!(principal));
            p.insert("SAMLAssertion".into(), json!(assertion));
            let mut op = AssumeRoleWithSaml::new(role, principal, SecretString::from(assertion));
            for a in policy_arns(rng, &mut p) {
                op = op.with_policy_arn(a);
            }
            if let Some(v) = maybe(rng, 50, &mut p, "Policy", policy) {
                op = op.with_policy(v);
            }
            if let Some(v) = maybe(rng, 60, &mut p, "DurationSeconds", |r| {
                900 + r.below(42_301) as u32
            }) {
                op = op.with_duration_seconds(v);
            }
            if let Some(v) = maybe(rng, 20, &mut p, "MinimumSessionTokenSize", |r| {
                r.below(4097) as u32
            }) {
                op = op.with_minimum_session_token_size(v);
            }
            ("AssumeRoleWithSAML", op.form_body())
        }
        2 => {
            let (target, task) = (
                s(rng, 12, 30),
                format!("arn:aws:iam::aws:policy/root-task/{}", s(rng, 1, 10)),
            );
            p.insert("TargetPrincipal".into(), json!(target));
            p.insert("TaskPolicyArn".into(), json!({"arn": task}));
            let mut op = AssumeRoot::new(target, task);
            if let Some(v) = maybe(rng, 60, &mut p, "DurationSeconds", |r| r.below(901) as u32) {
                op = op.with_duration_seconds(v);
            }
            if let Some(v) = maybe(rng, 20, &mut p, "MinimumSessionTokenSize", |r| {
                r.below(4097) as u32
            }) {
                op = op.with_minimum_session_token_size(v);
            }
            ("AssumeRoot", op.form_body())
        }
        3 => {
            let m = s(rng, 1, 200);
            p.insert("EncodedMessage".into(), json!(m));
            (
                "DecodeAuthorizationMessage",
                DecodeAuthorizationMessage::new(m).form_body(),
            )
        }
        4 => {
            let id = rng.string(&["A", "K", "I", "Z", "0", "7", "_"], 16, 30);
            p.insert("AccessKeyId".into(), json!(id));
            ("GetAccessKeyInfo", GetAccessKeyInfo::new(id).form_body())
        }
        5 => ("GetCallerIdentity", GetCallerIdentity.form_body()),
        6 => {
            let t = s(rng, 1, 80);
            p.insert("TradeInToken".into(), json!(t));
            (
                "GetDelegatedAccessToken",
                GetDelegatedAccessToken::new(SecretString::from(t)).form_body(),
            )
        }
        7 => {
            let name = s(rng, 2, 32);
            p.insert("Name".into(), json!(name));
            let mut op = GetFederationToken::new(name);
            if let Some(v) = maybe(rng, 50, &mut p, "Policy", policy) {
                op = op.with_policy(v);
            }
            for a in policy_arns(rng, &mut p) {
                op = op.with_policy_arn(a);
            }
            if let Some(v) = maybe(rng, 60, &mut p, "DurationSeconds", |r| {
                900 + r.below(128_701) as u32
            }) {
                op = op.with_duration_seconds(v);
            }
            for (k, v) in tags(rng, &mut p) {
                op = op.with_tag(k, v);
            }
            if let Some(v) = maybe(rng, 20, &mut p, "MinimumSessionTokenSize", |r| {
                r.below(4097) as u32
            }) {
                op = op.with_minimum_session_token_size(v);
            }
            ("GetFederationToken", op.form_body())
        }
        8 => {
            let mut op = GetScopedCredentials::new();
            if let Some(v) = maybe(rng, 50, &mut p, "Policy", policy) {
                op = op.with_policy(v);
            }
            if let Some(v) = maybe(rng, 60, &mut p, "DurationSeconds", |r| {
                1 + r.below(129_600) as u32
            }) {
                op = op.with_duration_seconds(v);
            }
            if let Some(v) = maybe(rng, 20, &mut p, "MinimumSessionTokenSize", |r| {
                r.below(4097) as u32
            }) {
                op = op.with_minimum_session_token_size(v);
            }
            if let Some(v) = maybe(rng, 50, &mut p, "ScopedSessionDescription", |r| s(r, 2, 40)) {
                op = op.with_scoped_session_description(v);
            }
            ("GetScopedCredentials", op.form_body())
        }
        9 => {
            let mut op = GetSessionToken::new();
            if let Some(v) = maybe(rng, 60, &mut p, "DurationSeconds", |r| {
                900 + r.below(128_701) as u32
            }) {
                op = op.with_duration_seconds(v);
            }
            if rng.chance(40) {
                let serial = arn(rng, "mfa");
                let code = format!("{:06}", rng.below(1_000_000));
                p.insert("SerialNumber".into(), json!(serial));
                p.insert("TokenCode".into(), json!(code));
                op = op.with_mfa(serial, code);
            }
            if let Some(v) = maybe(rng, 20, &mut p, "MinimumSessionTokenSize", |r| {
                r.below(4097) as u32
            }) {
                op = op.with_minimum_session_token_size(v);
            }
            ("GetSessionToken", op.form_body())
        }
        _ => {
            let audiences: Vec<String> = (0..1 + rng.below(3)).map(|_| s(rng, 1, 30)).collect();
            let alg = rng.pick(&["RS256", "ES384"]).to_string();
            p.insert("Audience".into(), json!(audiences));
            let mut op = GetWebIdentityToken::new(audiences[0].clone(), alg.clone());
            for a in &audiences[1..] {
                op = op.with_audience(a.clone());
            }
            if let Some(v) = maybe(rng, 60, &mut p, "DurationSeconds", |r| {
                60 + r.below(3541) as u32
            }) {
                op = op.with_duration_seconds(v);
            }
            p.insert("SigningAlgorithm".into(), json!(alg));
            if let Some(v) = maybe(rng, 30, &mut p, "Scope", |r| {
                r.string(&["openid", "email", "a:b"], 1, 3)
            }) {
                op = op.with_scope(v);
            }
            if let Some(v) = maybe(rng, 50, &mut p, "SubjectMode", |r| {
                r.pick(&["AWSIdentity", "OriginIdentity"]).to_string()
            }) {
                op = op.with_subject_mode(if v == "AWSIdentity" {
                    SubjectMode::AwsIdentity
                } else {
                    SubjectMode::OriginIdentity
                });
            }
            for (k, v) in tags(rng, &mut p) {
                op = op.with_tag(k, v);
            }
            ("GetWebIdentityToken", op.form_body())
        }
    };
    (body.0, body.1, p)
}

fn form_case(rng: &mut Rng) -> Case {
    // Half the form cases are AssumeRole, the rest spread over the other operations.
    let (operation, body, params) = if rng.chance(50) {
        assume_role_form(rng)
    } else {
        other_operation(rng)
    };
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
        .with_body(body);
    Case {
        json: json!({
            "kind": "form", "operation": operation, "method": "POST", "url": url, "params": Value::Object(params),
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

fn assume_role_form(rng: &mut Rng) -> (&'static str, Vec<u8>, Params) {
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
    ("AssumeRole", op.form_body(), params)
}

fn botocore(cases: &[Value]) -> Vec<Value> {
    match common::peer_json("botocore_sign.py", &Value::Array(cases.to_vec())) {
        Value::Array(answers) => answers,
        other => panic!("botocore_sign.py: {other}"),
    }
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
    let mut per_operation = std::collections::BTreeMap::new();
    for (i, (case, want)) in cases.into_iter().zip(answers).enumerate() {
        let mut request = case.request;
        if case.json["kind"] == "form" {
            forms += 1;
            *per_operation
                .entry(case.json["operation"].as_str().unwrap().to_owned())
                .or_insert(0) += 1;
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
    // Every operation's body was compared, each many times.
    assert_eq!(per_operation.len(), 12, "{per_operation:?}");
    assert!(
        per_operation.values().all(|n| *n >= 100),
        "{per_operation:?}"
    );
}

/// Every region of every partition in `partitions.json`, with each combination of
/// FIPS, dual-stack and the legacy global-endpoint setting, resolved by stskit and by
/// botocore's own client (`tests/peers/botocore_endpoints.py`): the URL and the signing
/// region agree, except where botocore departs from the rule set (documented in
/// `Endpoint::from_params`): it has no dual-stack data for aws-iso-e and aws-iso-f,
/// and it accepts the `*-global` pseudo regions of other partitions, which name no
/// real host and which stskit refuses.
#[test]
fn endpoints_agree_with_botocore_for_every_region_and_flag() {
    use stskit::sts::partition::PARTITIONS;
    use stskit::sts::{Endpoint, EndpointParams};
    let mut cases = Vec::new();
    for p in PARTITIONS.iter() {
        for region in p.regions {
            for fips in [false, true] {
                for dualstack in [false, true] {
                    for legacy in [false, true] {
                        cases.push(json!({"region": region, "fips": fips, "dualstack": dualstack, "legacy": legacy}));
                    }
                }
            }
        }
    }
    let python = common::pyenv_python();
    let mut child = Command::new(python)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/peers/botocore_endpoints.py"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = serde_json::to_vec(&cases).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answers.len(), cases.len());
    let (mut same, mut differences) = (0, 0);
    for (case, want) in cases.iter().zip(&answers) {
        let region = case["region"].as_str().unwrap();
        let params = EndpointParams::region(region)
            .with_fips(case["fips"].as_bool().unwrap())
            .with_dual_stack(case["dualstack"].as_bool().unwrap())
            .with_global_endpoint(case["legacy"].as_bool().unwrap());
        let got = Endpoint::from_params(&params);
        if region.ends_with("-global") && region != "aws-global" {
            assert!(got.is_err(), "{case}: stskit refuses {region}");
            differences += 1;
            continue;
        }
        let got = got.unwrap_or_else(|e| panic!("{case}: {e}"));
        if want["error"] == "EndpointVariantError" {
            let p = stskit::sts::partition::partition_of(region);
            assert!(["aws-iso-e", "aws-iso-f"].contains(&p.id), "{case}");
            let prefix = if case["fips"] == true {
                "sts-fips"
            } else {
                "sts"
            };
            assert_eq!(
                got.url(),
                format!("https://{prefix}.{region}.{}/", p.dual_stack_dns_suffix),
                "{case}"
            );
            differences += 1;
            continue;
        }
        assert_eq!(got.url(), want["url"].as_str().unwrap(), "{case}");
        assert_eq!(
            got.signing_region(),
            want["signing_region"].as_str().unwrap(),
            "{case}"
        );
        same += 1;
    }
    assert_eq!(same + differences, cases.len());
    // 44 names x 8 combinations: 6 other-partition `*-global` names and 12 dual-stack
    // cases of aws-iso-e/aws-iso-f are the documented differences.
    assert_eq!((same, differences), (380, 60));
}
