//! The chain's scenarios as data, in-process: each folder of `tests/data/chain/` holds
//! the environment (`env.json`), the files (`fs/`, by absolute path), the traffic
//! (`http-traffic.json`: each request the chain must send, in order, and the answer
//! it gets) and the expected outcome (`test-case.json`). The chain runs over a fake
//! [`Os`] of exactly those variables and files, a transport that replays the traffic,
//! and a clock fixed at the case's time: nothing touches the process's environment,
//! the disk or the network.

#![cfg(feature = "client")]

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use secrecy::ExposeSecret;
use serde_json::Value;
use stskit::Config;
use stskit::error::TransportError;
use stskit::http::{Request, Response};
use stskit::provider::{Os, Step};
use time::OffsetDateTime;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/chain")
}

/// The case folders' names, in order.
fn folders() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(data())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `fs/`, by the absolute path it stands for.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap();
                out.push((Path::new("/").join(rel), std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    let fs = dir.join("fs");
    if fs.is_dir() {
        walk(&fs, &fs, &mut out);
    }
    out
}

/// A transport that checks each request against the next recorded one and answers
/// with its recorded answer; what did not match is kept for the case to report.
#[derive(Clone, Default)]
struct Replay {
    traffic: Arc<Mutex<VecDeque<Value>>>,
    mismatches: Arc<Mutex<Vec<String>>>,
}

impl Replay {
    fn answer(&self, req: &Request) -> Option<Response> {
        let Some(event) = self.traffic.lock().unwrap().pop_front() else {
            self.mismatch(format!("unexpected request {} {}", req.method(), req.url()));
            return None;
        };
        let want = &event["request"];
        let mut problems = Vec::new();
        if want["method"] != req.method() || want["url"] != req.url() {
            problems.push(format!(
                "sent {} {}, expected {} {}",
                req.method(),
                req.url(),
                want["method"],
                want["url"]
            ));
        }
        if let Some(form) = want["form"].as_object() {
            let sent: BTreeMap<String, String> = form_urlencoded::parse(req.body())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let expected: BTreeMap<String, String> = form
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            if sent != expected {
                problems.push(format!("form {sent:?}, expected {expected:?}"));
            }
        }
        if let Some(headers) = want["headers"].as_object() {
            for (name, value) in headers {
                if req.header(name) != value.as_str() {
                    problems.push(format!("header {name} differs"));
                }
            }
        }
        match &want["signed_by"] {
            Value::String(scope) => {
                let auth = req.header("authorization").unwrap_or_default();
                if !auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={scope}, ")) {
                    problems.push(format!("signed as {auth:.80}, expected the scope {scope}"));
                }
                let token = req.header("x-amz-security-token").is_some();
                if token != want["session_token"].as_bool().unwrap_or(false) {
                    problems.push(format!("session token header present: {token}"));
                }
            }
            Value::Null
                if want.get("signed_by").is_some() && req.header("authorization").is_some() =>
            {
                problems.push("signed, expected unsigned".into());
            }
            _ => {}
        }
        if !problems.is_empty() {
            self.mismatch(problems.join("; "));
        }
        let r = &event["response"];
        let headers = r["headers"]
            .as_object()
            .map(|h| {
                h.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let body = r["body"].as_str().unwrap_or_default().as_bytes().to_vec();
        Some(Response::new(
            r["status"].as_u64().unwrap() as u16,
            headers,
            body,
        ))
    }

    fn mismatch(&self, what: String) {
        self.mismatches.lock().unwrap().push(what);
    }
}

/// What the chain gave, as the case writes it.
fn outcome(result: Result<stskit::provider::Session, stskit::Error>) -> Value {
    match result {
        Ok(s) => {
            let c = &s.provided.credentials;
            serde_json::json!({"Ok": {
                "access_key_id": c.access_key_id(),
                "secret_access_key": c.secret_access_key().expose_secret(),
                "session_token": c.session_token().map(|t| t.expose_secret().to_owned()),
                "expiration": s.provided.expiration.map(stskit::date::format_rfc3339),
                "source": s.provided.source,
            }})
        }
        Err(e) => {
            let kind = match &e {
                stskit::Error::Call(_) => "Call",
                stskit::Error::Credentials(_) => "Credentials",
                stskit::Error::NoCredentials => "NoCredentials",
                _ => "other",
            };
            serde_json::json!({"Err": {"kind": kind, "message": e.to_string()}})
        }
    }
}

/// Whether `got` is what the case expects: every field the case gives (a `source` only
/// when given), and for an error its kind and a part of its message.
fn matches(want: &Value, got: &Value) -> bool {
    if let Some(w) = want.get("Ok") {
        let Some(g) = got.get("Ok") else { return false };
        return w
            .as_object()
            .unwrap()
            .iter()
            .all(|(k, v)| g.get(k) == Some(v));
    }
    let w = &want["Err"];
    let Some(g) = got.get("Err") else {
        return false;
    };
    g["kind"] == w["kind"]
        && g["message"]
            .as_str()
            .unwrap()
            .contains(w["contains"].as_str().unwrap())
}

/// The secret values the cases hold (keys, secrets, tokens, external ids).
const SECRETS: &[&str] = &[
    "wJalrXUtnFEMI",
    "env-secret",
    "cfg-secret",
    "config-secret",
    "-secret",
    "hop-1-token",
    "hop-2-token",
    "env-token",
    "cfg-token",
    "proc-token",
    "container-token",
    "instance-token",
    "sso-token",
    "sso-access-token",
    "AKIDHALFSECRETVALUE",
    "ext-id-value",
    "eyJhbGciOiJSUzI1NiJ9",
    "c2Vzc2lvbi10b2tlbg",
];

async fn run_case(dir: &Path) -> Result<(), String> {
    let case = json(&dir.join("test-case.json"));
    let env: Vec<(String, String)> = json(&dir.join("env.json"))
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let os = Os::fake(env, files(dir));
    let mut builder = Config::builder().os(os);
    if let Some(p) = case["profile"].as_str() {
        builder = builder.profile(p);
    }
    if let Some(r) = case["region"].as_str() {
        builder = builder.region(r);
    }
    if let Some(code) = case["mfa"].as_str() {
        let code = code.to_owned();
        builder = builder.mfa(move |_| Some(code.clone().into()));
    }
    let config = match (builder.load(), case["load_error"].as_str()) {
        (Err(e), Some(want)) if e.to_string().contains(want) => return Ok(()),
        (Err(e), _) => return Err(format!("loading failed: {e}")),
        (Ok(_), Some(want)) => return Err(format!("loaded, expected an error with {want:?}")),
        (Ok(c), None) => c,
    };
    let traffic = json(&dir.join("http-traffic.json"));
    let replay = Replay::default();
    replay
        .traffic
        .lock()
        .unwrap()
        .extend(traffic.as_array().unwrap().iter().cloned());
    let time = stskit::date::parse_rfc3339(case["time"].as_str().unwrap()).unwrap();
    let transport = {
        let replay = replay.clone();
        move |req: Request| {
            let answer = replay.answer(&req);
            async move {
                answer
                    .ok_or_else(|| TransportError::new(stskit::error::TransportErrorKind::Refused))
            }
        }
    };
    let chain = config.chain_with(transport, move || -> OffsetDateTime { time });
    let decided = match chain.decide() {
        Ok(Step::Answer(_)) => "answer".to_owned(),
        Ok(Step::Call(call)) => {
            let key = call.cache_key().map(|k| k.digest());
            if let Some(want) = case["cache_key"].as_str()
                && key.as_deref() != Some(want)
            {
                return Err(format!("cache key {key:?}, expected {want}"));
            }
            call.source().to_owned()
        }
        Ok(other) => format!("{other:?}"),
        Err(_) => "error".to_owned(),
    };
    if case["decide"] != decided.as_str() {
        return Err(format!("decided {decided}, expected {}", case["decide"]));
    }
    let got = outcome(chain.resolve().await.map_err(stskit::Error::from));
    if !matches(&case["result"], &got) {
        return Err(format!("got {got}, expected {}", case["result"]));
    }
    let mismatches = replay.mismatches.lock().unwrap().clone();
    if !mismatches.is_empty() {
        return Err(format!("traffic: {}", mismatches.join(" | ")));
    }
    let left = replay.traffic.lock().unwrap().len();
    if left > 0 {
        return Err(format!("{left} recorded request(s) never sent"));
    }
    // No value of the files or the traffic shows in what the chain's errors say.
    if let Some(message) = got["Err"]["message"].as_str()
        && SECRETS.iter().any(|s| message.contains(s))
    {
        return Err(format!("the error shows a secret: {message}"));
    }
    Ok(())
}

/// One test per folder.
macro_rules! cases {
    ($($test:ident => $dir:literal,)*) => {
        $(
            #[tokio::test]
            async fn $test() {
                let dir = data().join($dir);
                if let Err(why) = run_case(&dir).await {
                    panic!("{}: {why}", $dir);
                }
            }
        )*

        /// Every folder has its test, and every test its folder.
        #[test]
        fn every_folder_is_a_case() {
            let listed: Vec<&str> = vec![$($dir),*];
            let found: Vec<String> = folders();
            assert_eq!(listed, found, "tests/data/chain and the list here differ");
        }
    };
}

cases! {
    aws_default_profile => "aws-default-profile",
    aws_profile_missing => "aws-profile-missing",
    aws_profile_wins_over_default_profile => "aws-profile-wins-over-default-profile",
    container_full_uri => "container-full-uri",
    credential_process => "credential-process",
    credential_process_as_role_source => "credential-process-as-role-source",
    credential_process_fails => "credential-process-fails",
    credential_source_container => "credential-source-container",
    credential_source_environment => "credential-source-environment",
    credential_source_environment_empty => "credential-source-environment-empty",
    credential_source_imds_disabled => "credential-source-imds-disabled",
    credential_source_instance_metadata => "credential-source-instance-metadata",
    credentials_file_wins_over_config_keys => "credentials-file-wins-over-config-keys",
    default_profile_static_keys => "default-profile-static-keys",
    empty_default_profile_falls_through => "empty-default-profile-falls-through",
    env_key_without_secret => "env-key-without-secret",
    env_keys => "env-keys",
    env_keys_token_expiration => "env-keys-token-expiration",
    env_keys_win_over_aws_profile => "env-keys-win-over-aws-profile",
    explicit_empty_profile_does_not_fall_through => "explicit-empty-profile-does-not-fall-through",
    explicit_profile_ignores_env_keys => "explicit-profile-ignores-env-keys",
    explicit_profile_missing => "explicit-profile-missing",
    half_static_keys => "half-static-keys",
    instance_metadata => "instance-metadata",
    invalid_boolean_setting => "invalid-boolean-setting",
    invalid_profile_setting => "invalid-profile-setting",
    missing_config_file_named => "missing-config-file-named",
    nothing_configured => "nothing-configured",
    region_of_builder_wins => "region-of-builder-wins",
    role_access_denied => "role-access-denied",
    role_endpoint_from_environment => "role-endpoint-from-environment",
    role_endpoint_services_section => "role-endpoint-services-section",
    role_endpoint_url_of_profile => "role-endpoint-url-of-profile",
    role_fips_from_profile => "role-fips-from-profile",
    role_generated_session_name => "role-generated-session-name",
    role_mfa => "role-mfa",
    role_mfa_without_code => "role-mfa-without-code",
    role_one_hop => "role-one-hop",
    role_two_hops => "role-two-hops",
    role_without_region => "role-without-region",
    role_without_source => "role-without-source",
    services_section_missing => "services-section-missing",
    source_profile_loop => "source-profile-loop",
    source_profile_missing => "source-profile-missing",
    sso_session => "sso-session",
    sso_without_cached_token => "sso-without-cached-token",
    static_keys_in_config => "static-keys-in-config",
    unparsable_config => "unparsable-config",
    web_identity_environment => "web-identity-environment",
    web_identity_environment_without_role => "web-identity-environment-without-role",
    web_identity_profile => "web-identity-profile",
    web_identity_token_file_missing => "web-identity-token-file-missing",
}
