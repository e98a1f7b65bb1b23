//! stskit against botocore's STS service model (`fixtures/aws-model/sts-service-2.json`,
//! provenance in its README): every operation exists, every input member is settable
//! and written, every constraint (length, range, pattern, enum, list size) agrees with
//! stskit's checks on generated samples, every output member is parsed, and exactly the
//! `authtype: none` operations are unsigned.

use crate::dump;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use regex::Regex;
use secrecy::SecretString;
use serde_json::Value;
use stskit::error::InputError;
use stskit::sts::*;

fn model() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/aws-model/sts-service-2.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// What the test knows of each stskit operation.
struct Op {
    action: &'static str,
    signed: bool,
    /// The body with every input member set.
    full: Vec<u8>,
    /// Validates a valid baseline with one member (a path such as `Tags.Key`) set to
    /// the value.
    set: fn(&str, &str) -> Result<(), InputError>,
    /// The parser's name in `dump`.
    parser: &'static str,
}

fn secret(v: &str) -> SecretString {
    SecretString::from(v)
}

fn n(v: &str) -> u32 {
    v.parse().unwrap()
}

const ROLE: &str = "arn:aws:iam::123456789012:role/demo";
const POLICY_ARN: &str = "arn:aws:iam::aws:policy/ReadOnly";
const MFA: &str = "arn:aws:iam::123456789012:mfa/me";
const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

fn ops() -> Vec<Op> {
    vec![
        Op {
            action: AssumeRole::ACTION,
            signed: AssumeRole::SIGNED,
            full: AssumeRole::new(ROLE, "s1")
                .with_policy_arn(POLICY_ARN)
                .with_policy("{}")
                .with_duration_seconds(900)
                .with_tag("k", "v")
                .with_transitive_tag_key("k")
                .with_external_id("ext")
                .with_mfa(MFA, "123456")
                .with_source_identity("me")
                .with_provided_context(POLICY_ARN, "asrt")
                .with_minimum_session_token_size(10)
                .form_body(),
            set: |m, v| {
                let base = AssumeRole::new(ROLE, "s1");
                let op = match m {
                    "RoleArn" => AssumeRole::new(v, "s1"),
                    "RoleSessionName" => AssumeRole::new(ROLE, v),
                    "PolicyArns.arn" => base.with_policy_arn(v),
                    "Policy" => base.with_policy(v),
                    "DurationSeconds" => base.with_duration_seconds(n(v)),
                    "Tags.Key" => base.with_tag(v, "v"),
                    "Tags.Value" => base.with_tag("k", v),
                    "TransitiveTagKeys.member" => base.with_transitive_tag_key(v),
                    "ExternalId" => base.with_external_id(v),
                    "SerialNumber" => base.with_mfa(v, "123456"),
                    "TokenCode" => base.with_mfa(MFA, v),
                    "SourceIdentity" => base.with_source_identity(v),
                    "ProvidedContexts.ProviderArn" => base.with_provided_context(v, "asrt"),
                    "ProvidedContexts.ContextAssertion" => {
                        base.with_provided_context(POLICY_ARN, v)
                    }
                    "MinimumSessionTokenSize" => base.with_minimum_session_token_size(n(v)),
                    other => panic!("AssumeRole has no setter for {other}"),
                };
                op.validate(false)
            },
            parser: "assume_role",
        },
        Op {
            action: AssumeRoleWithSaml::ACTION,
            signed: AssumeRoleWithSaml::SIGNED,
            full: AssumeRoleWithSaml::new(ROLE, POLICY_ARN, secret("PHNhbWw+"))
                .with_policy_arn(POLICY_ARN)
                .with_policy("{}")
                .with_duration_seconds(900)
                .with_minimum_session_token_size(1)
                .form_body(),
            set: |m, v| {
                let base = AssumeRoleWithSaml::new(ROLE, POLICY_ARN, secret("PHNhbWw+"));
                let op = match m {
                    "RoleArn" => AssumeRoleWithSaml::new(v, POLICY_ARN, secret("PHNh")),
                    "PrincipalArn" => AssumeRoleWithSaml::new(ROLE, v, secret("PHNh")),
                    "SAMLAssertion" => AssumeRoleWithSaml::new(ROLE, POLICY_ARN, secret(v)),
                    "PolicyArns.arn" => base.with_policy_arn(v),
                    "Policy" => base.with_policy(v),
                    "DurationSeconds" => base.with_duration_seconds(n(v)),
                    "MinimumSessionTokenSize" => base.with_minimum_session_token_size(n(v)),
                    other => panic!("AssumeRoleWithSAML has no setter for {other}"),
                };
                op.validate(false)
            },
            parser: "assume_role_with_saml",
        },
        Op {
            action: AssumeRoleWithWebIdentity::ACTION,
            signed: AssumeRoleWithWebIdentity::SIGNED,
            full: AssumeRoleWithWebIdentity::new(ROLE, "s1", secret(JWT))
                .with_provider_id("www.amazon.com")
                .with_policy_arn(POLICY_ARN)
                .with_policy("{}")
                .with_duration_seconds(900)
                .with_minimum_session_token_size(1)
                .form_body(),
            set: |m, v| {
                let base = AssumeRoleWithWebIdentity::new(ROLE, "s1", secret(JWT));
                let op = match m {
                    "RoleArn" => AssumeRoleWithWebIdentity::new(v, "s1", secret(JWT)),
                    "RoleSessionName" => AssumeRoleWithWebIdentity::new(ROLE, v, secret(JWT)),
                    "WebIdentityToken" => AssumeRoleWithWebIdentity::new(ROLE, "s1", secret(v)),
                    "ProviderId" => base.with_provider_id(v),
                    "PolicyArns.arn" => base.with_policy_arn(v),
                    "Policy" => base.with_policy(v),
                    "DurationSeconds" => base.with_duration_seconds(n(v)),
                    "MinimumSessionTokenSize" => base.with_minimum_session_token_size(n(v)),
                    other => panic!("AssumeRoleWithWebIdentity has no setter for {other}"),
                };
                op.validate(false)
            },
            parser: "assume_role_with_web_identity",
        },
        Op {
            action: AssumeRoot::ACTION,
            signed: AssumeRoot::SIGNED,
            full: AssumeRoot::new("111122223333", POLICY_ARN)
                .with_duration_seconds(900)
                .with_minimum_session_token_size(1)
                .form_body(),
            set: |m, v| {
                let base = AssumeRoot::new("111122223333", POLICY_ARN);
                let op = match m {
                    "TargetPrincipal" => AssumeRoot::new(v, POLICY_ARN),
                    "TaskPolicyArn.arn" => AssumeRoot::new("111122223333", v),
                    "DurationSeconds" => base.with_duration_seconds(n(v)),
                    "MinimumSessionTokenSize" => base.with_minimum_session_token_size(n(v)),
                    other => panic!("AssumeRoot has no setter for {other}"),
                };
                op.validate(false)
            },
            parser: "assume_root",
        },
        Op {
            action: DecodeAuthorizationMessage::ACTION,
            signed: DecodeAuthorizationMessage::SIGNED,
            full: DecodeAuthorizationMessage::new("msg").form_body(),
            set: |m, v| match m {
                "EncodedMessage" => DecodeAuthorizationMessage::new(v).validate(false),
                other => panic!("no setter for {other}"),
            },
            parser: "decode_authorization_message",
        },
        Op {
            action: GetAccessKeyInfo::ACTION,
            signed: GetAccessKeyInfo::SIGNED,
            full: GetAccessKeyInfo::new("AKIAIOSFODNN7EXAMPLE").form_body(),
            set: |m, v| match m {
                "AccessKeyId" => GetAccessKeyInfo::new(v).validate(false),
                other => panic!("no setter for {other}"),
            },
            parser: "get_access_key_info",
        },
        Op {
            action: GetCallerIdentity::ACTION,
            signed: GetCallerIdentity::SIGNED,
            full: GetCallerIdentity.form_body(),
            set: |m, _| panic!("GetCallerIdentity has no member {m}"),
            parser: "get_caller_identity",
        },
        Op {
            action: GetDelegatedAccessToken::ACTION,
            signed: GetDelegatedAccessToken::SIGNED,
            full: GetDelegatedAccessToken::new(secret("tok")).form_body(),
            set: |m, v| match m {
                "TradeInToken" => GetDelegatedAccessToken::new(secret(v)).validate(false),
                other => panic!("no setter for {other}"),
            },
            parser: "get_delegated_access_token",
        },
        Op {
            action: GetFederationToken::ACTION,
            signed: GetFederationToken::SIGNED,
            full: GetFederationToken::new("bob")
                .with_policy("{}")
                .with_policy_arn(POLICY_ARN)
                .with_duration_seconds(900)
                .with_tag("k", "v")
                .with_minimum_session_token_size(1)
                .form_body(),
            set: |m, v| {
                let base = GetFederationToken::new("bob");
                let op = match m {
                    "Name" => GetFederationToken::new(v),
                    "Policy" => base.with_policy(v),
                    "PolicyArns.arn" => base.with_policy_arn(v),
                    "DurationSeconds" => base.with_duration_seconds(n(v)),
                    "Tags.Key" => base.with_tag(v, "v"),
                    "Tags.Value" => base.with_tag("k", v),
                    "MinimumSessionTokenSize" => base.with_minimum_session_token_size(n(v)),
                    other => panic!("GetFederationToken has no setter for {other}"),
                };
                op.validate(false)
            },
            parser: "get_federation_token",
        },
        Op {
            action: GetScopedCredentials::ACTION,
            signed: GetScopedCredentials::SIGNED,
            full: GetScopedCredentials::new()
                .with_policy("{}")
                .with_duration_seconds(60)
                .with_minimum_session_token_size(1)
                .with_scoped_session_description("job")
                .form_body(),
            set: |m, v| {
                let base = GetScopedCredentials::new();
                let op = match m {
                    "Policy" => base.with_policy(v),
                    "DurationSeconds" => base.with_duration_seconds(n(v)),
                    "MinimumSessionTokenSize" => base.with_minimum_session_token_size(n(v)),
                    "ScopedSessionDescription" => base.with_scoped_session_description(v),
                    other => panic!("GetScopedCredentials has no setter for {other}"),
                };
                // Temporary credentials only.
                op.validate(true)
            },
            parser: "get_scoped_credentials",
        },
        Op {
            action: GetSessionToken::ACTION,
            signed: GetSessionToken::SIGNED,
            full: GetSessionToken::new()
                .with_duration_seconds(900)
                .with_mfa(MFA, "123456")
                .with_minimum_session_token_size(1)
                .form_body(),
            set: |m, v| {
                let base = GetSessionToken::new();
                let op = match m {
                    "DurationSeconds" => base.with_duration_seconds(n(v)),
                    "SerialNumber" => base.with_mfa(v, "123456"),
                    "TokenCode" => base.with_mfa(MFA, v),
                    "MinimumSessionTokenSize" => base.with_minimum_session_token_size(n(v)),
                    other => panic!("GetSessionToken has no setter for {other}"),
                };
                op.validate(false)
            },
            parser: "get_session_token",
        },
        Op {
            action: GetWebIdentityToken::ACTION,
            signed: GetWebIdentityToken::SIGNED,
            full: GetWebIdentityToken::new("aud", "RS256")
                .with_duration_seconds(60)
                .with_scope("openid")
                .with_subject_mode(SubjectMode::OriginIdentity)
                .with_tag("k", "v")
                .form_body(),
            set: |m, v| {
                let base = GetWebIdentityToken::new("aud", "RS256");
                let op = match m {
                    "Audience.member" => GetWebIdentityToken::new(v, "RS256"),
                    "SigningAlgorithm" => GetWebIdentityToken::new("aud", v),
                    "DurationSeconds" => base.with_duration_seconds(n(v)),
                    // Scope goes with SubjectMode OriginIdentity and one audience.
                    "Scope" => base
                        .with_subject_mode(SubjectMode::OriginIdentity)
                        .with_scope(v),
                    "SubjectMode" => match v {
                        "AWSIdentity" => base.with_subject_mode(SubjectMode::AwsIdentity),
                        "OriginIdentity" => base.with_subject_mode(SubjectMode::OriginIdentity),
                        // The enum type cannot hold anything else.
                        _ => {
                            return Err(InputError::Invalid {
                                field: "SubjectMode",
                                rule: "enum",
                            });
                        }
                    },
                    "Tags.Key" => base.with_tag(v, "v"),
                    "Tags.Value" => base.with_tag("k", v),
                    other => panic!("GetWebIdentityToken has no setter for {other}"),
                };
                op.validate(false)
            },
            parser: "get_web_identity_token",
        },
    ]
}

/// Where stskit is deliberately stricter than the model (it refuses values the model
/// allows, never the other way round), and why.
const STRICTER: &[(&str, &str, &str)] = &[
    (
        "*",
        "RoleArn",
        "must have the shape arn:PARTITION:iam::ACCOUNT:role/NAME",
    ),
    (
        "GetDelegatedAccessToken",
        "TradeInToken",
        "a required token must not be empty",
    ),
    (
        "GetWebIdentityToken",
        "SigningAlgorithm",
        "letters and digits only (RS256, ES384)",
    ),
];

fn stricter(op: &str, member: &str) -> bool {
    STRICTER
        .iter()
        .any(|(o, m, _)| (*o == "*" || *o == op) && *m == member)
}

#[test]
fn every_operation_exists_and_unsigned_ones_are_the_models() {
    let m = model();
    let mine: BTreeSet<&str> = ops().iter().map(|o| o.action).collect();
    let theirs: BTreeSet<&str> = m["operations"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(mine, theirs);
    for op in ops() {
        let spec = &m["operations"][op.action];
        let no_auth = spec["authtype"] == "none";
        assert_eq!(op.signed, !no_auth, "{}", op.action);
    }
}

/// The member paths of a shape's constraints: `Name`, `List.member`, `List.Field`,
/// `Struct.Field`, each with its leaf shape and the list shape around it.
fn leaves(m: &Value, shape: &str) -> Vec<(String, Value, Option<Value>)> {
    let shapes = &m["shapes"];
    let mut out = Vec::new();
    for (name, member) in shapes[shape]["members"].as_object().unwrap() {
        let s = &shapes[member["shape"].as_str().unwrap()];
        match s["type"].as_str().unwrap() {
            "list" => {
                let item = &shapes[s["member"]["shape"].as_str().unwrap()];
                if item["type"] == "structure" {
                    for (f, fm) in item["members"].as_object().unwrap() {
                        let leaf = shapes[fm["shape"].as_str().unwrap()].clone();
                        out.push((format!("{name}.{f}"), leaf, Some(s.clone())));
                    }
                } else {
                    out.push((format!("{name}.member"), item.clone(), Some(s.clone())));
                }
            }
            "structure" => {
                for (f, fm) in s["members"].as_object().unwrap() {
                    let leaf = shapes[fm["shape"].as_str().unwrap()].clone();
                    out.push((format!("{name}.{f}"), leaf, None));
                }
            }
            _ => out.push((name.clone(), s.clone(), None)),
        }
    }
    out
}

#[test]
fn every_input_member_is_settable_and_written() {
    let m = model();
    for op in ops() {
        let input = m["operations"][op.action]["input"]["shape"].as_str();
        let want: BTreeSet<String> = input
            .map(|s| {
                m["shapes"][s]["members"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let body = String::from_utf8(op.full.clone()).unwrap();
        let got: BTreeSet<String> = form_urlencoded::parse(body.as_bytes())
            .map(|(k, _)| k.split('.').next().unwrap().to_owned())
            .filter(|k| k != "Action" && k != "Version")
            .collect();
        assert_eq!(got, want, "{}", op.action);
    }
}

/// A model pattern as a Rust regex: `\uXXXX` becomes `\x{XXXX}`, and `\w`/`\d` keep
/// their ASCII meaning (as in the Java-style patterns of the model).
fn model_regex(pattern: &str) -> Regex {
    let unicode = Regex::new(r"\\u([0-9A-Fa-f]{4,6})").unwrap();
    let p = unicode.replace_all(pattern, r"\x{$1}");
    let p = p.replace(r"\w", "[A-Za-z0-9_]").replace(r"\d", "[0-9]");
    Regex::new(&format!("^(?:{p})$")).unwrap()
}

fn model_accepts(shape: &Value, v: &str) -> bool {
    let min = shape["min"].as_i64();
    let max = shape["max"].as_i64();
    match shape["type"].as_str().unwrap() {
        "integer" => {
            let x: i64 = v.parse().unwrap();
            min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m)
        }
        _ => {
            let len = v.chars().count() as i64;
            let enum_ok = shape["enum"]
                .as_array()
                .is_none_or(|e| e.iter().any(|x| x == v));
            let pattern_ok = shape["pattern"]
                .as_str()
                .is_none_or(|p| model_regex(p).is_match(v));
            min.is_none_or(|m| len >= m) && max.is_none_or(|m| len <= m) && enum_ok && pattern_ok
        }
    }
}

/// A valid value for a member, from which the samples are made.
fn base(member: &str, shape: &Value) -> String {
    let leaf = member.rsplit('.').next().unwrap();
    match (member, leaf) {
        ("RoleArn", _) => ROLE.into(),
        (_, "arn" | "PrincipalArn" | "ProviderArn") => POLICY_ARN.into(),
        ("SerialNumber", _) => MFA.into(),
        ("TokenCode", _) => "123456".into(),
        ("AccessKeyId", _) => "AKIAIOSFODNN7EXAMPLE".into(),
        ("TargetPrincipal", _) => "111122223333".into(),
        ("SigningAlgorithm", _) => "RS256".into(),
        ("Scope", _) => "openid".into(),
        ("SubjectMode", _) => "AWSIdentity".into(),
        _ => "a".repeat(shape["min"].as_u64().unwrap_or(1).max(1) as usize),
    }
}

/// Characters probed at the end of each value: each class the patterns tell apart.
const PROBES: &[char] = &[
    'a',
    'Z',
    '7',
    '_',
    '-',
    '.',
    '=',
    '+',
    ',',
    '@',
    ':',
    '/',
    '*',
    ' ',
    '\t',
    '\n',
    '\r',
    '"',
    '\\',
    '!',
    '#',
    '~',
    '\u{7f}',
    '\u{85}',
    '\u{a0}',
    '\u{a1}',
    '\u{e9}',
    '\u{ff}',
    '\u{100}',
    '\u{663}',
    '\u{2028}',
    '\u{3000}',
    '\u{e000}',
    '\u{fffd}',
    '\u{1f600}',
    '\u{1}',
];

fn samples(member: &str, shape: &Value) -> Vec<String> {
    if shape["type"] == "integer" {
        let min = shape["min"].as_i64().unwrap_or(0);
        let max = shape["max"].as_i64().unwrap_or(200_000);
        return [
            min - 1,
            min,
            min + 1,
            (min + max) / 2,
            max - 1,
            max,
            max + 1,
        ]
        .into_iter()
        .filter(|x| *x >= 0)
        .map(|x| x.to_string())
        .collect();
    }
    if let Some(values) = shape["enum"].as_array() {
        let mut out: Vec<String> = values.iter().map(|v| v.as_str().unwrap().into()).collect();
        out.push("Other".into());
        return out;
    }
    let b = base(member, shape);
    let pad = b.chars().last().unwrap();
    let min = shape["min"].as_u64().unwrap_or(0) as usize;
    let max = shape["max"].as_u64().map(|m| m as usize);
    let mut lengths = vec![min.saturating_sub(1), min, min + 1, b.chars().count()];
    if let Some(max) = max {
        lengths.extend([max - 1, max, max + 1]);
    }
    let mut out = Vec::new();
    for len in lengths {
        let mut s: String = b.chars().take(len).collect();
        while s.chars().count() < len {
            s.push(pad);
        }
        out.push(s);
    }
    for &c in PROBES {
        let mut s: String = b.chars().collect();
        s.pop();
        s.push(c);
        out.push(s);
    }
    out
}

#[test]
fn every_constraint_agrees_with_the_model() {
    let m = model();
    let mut checked = 0;
    for op in ops() {
        let Some(input) = m["operations"][op.action]["input"]["shape"].as_str() else {
            continue;
        };
        for (member, shape, _list) in leaves(&m, input) {
            let top = member.split('.').next().unwrap();
            for v in samples(&member, &shape) {
                let model_ok = model_accepts(&shape, &v);
                let mine = (op.set)(&member, &v);
                let ok = mine.is_ok();
                if model_ok && !ok && stricter(op.action, top) {
                    continue;
                }
                assert_eq!(
                    ok,
                    model_ok,
                    "{} {member} = {v:?} (len {}): model {model_ok}, stskit {mine:?}",
                    op.action,
                    v.chars().count()
                );
                if let Err(InputError::Invalid { field, .. }) = mine {
                    assert_eq!(
                        field, top,
                        "{} {member}: the error names the field",
                        op.action
                    );
                }
                checked += 1;
            }
        }
    }
    eprintln!("{checked} samples checked");
    assert!(checked > 1500, "{checked} samples");
}

/// The list sizes the model gives (`min`/`max` on list shapes) agree with stskit.
#[test]
fn list_sizes_agree_with_the_model() {
    let tags = |n: usize| -> Vec<(String, String)> {
        (0..n).map(|i| (format!("k{i}"), "v".to_owned())).collect()
    };
    for n in [49, 50, 51] {
        let want = n <= 50;
        let ar = tags(n)
            .into_iter()
            .fold(AssumeRole::new(ROLE, "s1"), |o, (k, v)| o.with_tag(k, v));
        assert_eq!(ar.validate(false).is_ok(), want);
        let keys = (0..n).fold(AssumeRole::new(ROLE, "s1"), |o, i| {
            o.with_transitive_tag_key(format!("k{i}"))
        });
        assert_eq!(keys.validate(false).is_ok(), want);
        let gf = tags(n)
            .into_iter()
            .fold(GetFederationToken::new("bob"), |o, (k, v)| o.with_tag(k, v));
        assert_eq!(gf.validate(false).is_ok(), want);
        let wt = tags(n)
            .into_iter()
            .fold(GetWebIdentityToken::new("a", "RS256"), |o, (k, v)| {
                o.with_tag(k, v)
            });
        assert_eq!(wt.validate(false).is_ok(), want);
    }
    for n in 1..=6 {
        let pc = (0..n).fold(AssumeRole::new(ROLE, "s1"), |o, _| {
            o.with_provided_context(POLICY_ARN, "asrt")
        });
        assert_eq!(pc.validate(false).is_ok(), n <= 5, "{n} contexts");
    }
    for n in 1..=11 {
        let aud = (1..n).fold(GetWebIdentityToken::new("a0", "RS256"), |o, i| {
            o.with_audience(format!("a{i}"))
        });
        assert_eq!(aud.validate(false).is_ok(), n <= 10, "{n} audiences");
    }
}

/// A body for the output shape with a distinct value in every member, to check that
/// the parser keeps each one.
fn generate(m: &Value, shape: &str, next: &mut u32, leaves: &mut Vec<String>) -> String {
    let s = &m["shapes"][shape];
    *next += 1;
    let n = *next;
    match s["type"].as_str().unwrap() {
        "structure" => s["members"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, member)| {
                let inner = generate(m, member["shape"].as_str().unwrap(), next, leaves);
                format!("<{name}>{inner}</{name}>")
            })
            .collect(),
        "map" => {
            let (k, v) = (format!("key{n}"), format!("value{n}"));
            leaves.push(k.clone());
            leaves.push(v.clone());
            format!("<entry><key>{k}</key><value>{v}</value></entry>")
        }
        "integer" => {
            let v = 40_000 + n;
            leaves.push(v.to_string());
            v.to_string()
        }
        "timestamp" => {
            let text = format!("2031-01-01T00:{:02}:{:02}Z", n / 60 % 60, n % 60);
            let t =
                time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
                    .unwrap();
            leaves.push(dump::rfc3339(t));
            text
        }
        "string" => {
            let v = format!("text{n}");
            leaves.push(v.clone());
            v
        }
        other => panic!("output shape type {other}"),
    }
}

fn collect(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Number(x) => {
            out.insert(x.to_string());
        }
        Value::Object(o) => {
            for (k, v) in o {
                out.insert(k.clone());
                collect(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

#[test]
fn every_output_member_is_parsed() {
    let m = model();
    let by_action: HashMap<&str, &str> = ops().iter().map(|o| (o.action, o.parser)).collect();
    for (action, spec) in m["operations"].as_object().unwrap() {
        let output = spec["output"]["shape"].as_str().unwrap();
        let result = spec["output"]["resultWrapper"].as_str().unwrap();
        let (mut next, mut leaves) = (0, Vec::new());
        let inner = generate(&m, output, &mut next, &mut leaves);
        let body = format!(
            "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{result}>{inner}</{result}>\
             <ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata></{action}Response>"
        );
        let got = dump::dump(by_action[action.as_str()], 200, body.as_bytes())
            .unwrap_or_else(|e| panic!("{action}: {e}"));
        let mut seen = BTreeSet::new();
        collect(&got, &mut seen);
        for leaf in &leaves {
            assert!(
                seen.contains(leaf),
                "{action}: member value {leaf} not parsed: {got}"
            );
        }
        assert!(seen.contains("rid-1"), "{action}: request id");
    }
}
