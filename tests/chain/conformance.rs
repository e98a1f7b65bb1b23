//! The cross-SDK profile test data (`fixtures/profiles/`, provenance in its README):
//! the 65 file-format cases through the pure parser, and the 28 role-chain cases
//! through the pure planner. Each case is its own check, driven from the data.

use std::collections::BTreeMap;
use std::path::Path;

use secrecy::ExposeSecret;
use serde_json::{Value, json};
use stskit::profile::{BaseCredentials, ChainError, ProfileSet, Properties, plan};

fn load(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/profiles")
        .join(name);
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn to_json(map: &BTreeMap<String, Properties>) -> Value {
    Value::Object(
        map.iter()
            .map(|(k, props)| {
                (
                    k.clone(),
                    Value::Object(
                        props
                            .iter()
                            .map(|(k, v)| (k.to_owned(), json!(v)))
                            .collect(),
                    ),
                )
            })
            .collect(),
    )
}

#[test]
fn all_65_parser_cases() {
    let data = load("profile-parser-tests.json");
    let cases = data["tests"].as_array().unwrap();
    assert_eq!(cases.len(), 65);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let input = &case["input"];
        let config = input["configFile"].as_str().unwrap_or("");
        let credentials = input["credentialsFile"].as_str().unwrap_or("");
        let got = ProfileSet::parse(config, credentials);
        let output = &case["output"];
        if let Some(text) = output["errorContaining"].as_str() {
            match got {
                Err((_, e)) => assert!(
                    e.message.contains(text),
                    "{name}: {:?} does not contain {text:?}",
                    e.message
                ),
                Ok(set) => panic!("{name}: expected an error, got {:?}", set.profiles()),
            }
            continue;
        }
        let set = got.unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let want = &output["config"];
        assert_eq!(to_json(&set.profiles()), want["profiles"], "{name}");
        if let Some(sessions) = want.get("sso_sessions") {
            assert_eq!(to_json(&set.sso_sessions()), *sessions, "{name}");
        }
    }
}

/// A plan in the data's shape: `[{AccessKey}|{NamedSource}|{WebIdentityToken}|{Sso}, {AssumeRole}...]`.
fn plan_json(p: &stskit::profile::Plan) -> Value {
    let mut out = Vec::new();
    out.push(match &p.base {
        BaseCredentials::StaticKeys {
            access_key_id,
            secret_access_key,
            account_id,
            ..
        } => {
            let mut o = json!({"access_key_id": access_key_id, "secret_access_key": secret_access_key.expose_secret()});
            if let Some(a) = account_id {
                o["account_id"] = json!(a);
            }
            json!({ "AccessKey": o })
        }
        BaseCredentials::NamedSource { source, .. } => json!({ "NamedSource": source }),
        BaseCredentials::WebIdentity {
            role_arn,
            token_file,
            session_name,
            ..
        } => {
            let mut o = json!({"role_arn": role_arn, "web_identity_token_file": token_file});
            if let Some(s) = session_name {
                o["role_session_name"] = json!(s);
            }
            json!({ "WebIdentityToken": o })
        }
        BaseCredentials::Sso { settings, .. } => json!({ "Sso": settings }),
        other => panic!("unexpected base {other:?}"),
    });
    for hop in &p.hops {
        let mut o = json!({"role_arn": hop.role_arn});
        if let Some(s) = &hop.session_name {
            o["role_session_name"] = json!(s);
        }
        if let Some(e) = &hop.external_id {
            o["external_id"] = json!(e);
        }
        out.push(json!({ "AssumeRole": o }));
    }
    Value::Array(out)
}

/// The smithy-rs error text of each case, and the typed error stskit gives for it.
fn error_matches(text: &str, e: &ChainError) -> bool {
    let rule = |needle: &str| matches!(e, ChainError::Config { rule, .. } if rule.contains(needle));
    match text {
        t if t.contains("must contain `source_profile`") => rule("neither source_profile"),
        t if t.contains("both source_profile and credential_source") => rule("both source_profile"),
        t if t.contains("missing aws_secret_access_key") => rule("no aws_secret_access_key"),
        t if t.contains("missing aws_access_key_id") => rule("no aws_access_key_id"),
        t if t.contains("did not contain credential information") => {
            let who = t.split('`').nth(1).unwrap();
            matches!(e, ChainError::NoCredentials { profile } if profile == who)
        }
        t if t.contains("could not find source profile") => {
            matches!(e, ChainError::SourceNotFound { source_profile, profile } if source_profile == "B" && profile == "A")
        }
        t if t.contains("No profiles were defined") => *e == ChainError::NoProfiles,
        t if t.contains("infinite loop") => matches!(e, ChainError::Loop { .. }),
        t if t.contains("`role_arn` was missing") => rule("no role_arn"),
        t if t.contains("then `sso_account_id` must also be set") => {
            rule("sso_account_id must be set")
        }
        t if t.contains("then `sso_role_name` must also be set") => {
            rule("sso_role_name must be set")
        }
        t if t.contains("`sso_region` can only be specified") => {
            rule("belong in the [sso-session]")
        }
        t if t.contains("sso-session named") => rule("sso_session that does not exist"),
        other => panic!("no mapping for the error text {other:?}"),
    }
}

#[test]
fn all_28_role_chain_cases() {
    let cases = load("assume-role-tests.json");
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 28);
    for case in cases {
        let doc = case["docs"].as_str().unwrap();
        let input = &case["input"];
        let props = |v: &Value| -> BTreeMap<String, Properties> {
            v.as_object()
                .map(|o| {
                    o.iter()
                        .map(|(name, p)| {
                            let props = p
                                .as_object()
                                .unwrap()
                                .iter()
                                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                                .collect();
                            (name.clone(), props)
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut config = String::new();
        for (name, session) in props(&input["sso_sessions"]) {
            config.push_str(&format!("[sso-session {name}]\n"));
            for (k, v) in session.iter() {
                config.push_str(&format!("{k} = {v}\n"));
            }
        }
        let mut file = stskit::profile::parse(&config, stskit::profile::FileKind::Config).unwrap();
        file.profiles = BTreeMap::new();
        let set = ProfileSet::new(
            file,
            stskit::profile::ProfileFile {
                profiles: props(&input["profiles"]),
                ..Default::default()
            },
        );
        let got = plan(&set, input["selected_profile"].as_str().unwrap());
        let output = &case["output"];
        if let Some(text) = output["Error"].as_str() {
            let e = got.expect_err(doc);
            assert!(error_matches(text, &e), "{doc}: {e:?} is not {text:?}");
            continue;
        }
        let got = got.unwrap_or_else(|e| panic!("{doc}: {e}"));
        assert_eq!(plan_json(&got), output["ProfileChain"], "{doc}");
    }
}
