//! `stskit eks-token` as a kubeconfig exec plugin and `stskit identity-proof` as Vault
//! login data, each checked by a verifier that does what aws-iam-authenticator and
//! Vault do (decode, host, action, signed headers, time window) and then asks the
//! double, which checks the signature: static, session, profile-role and `--role-arn`
//! credentials; a wrong cluster or server id, and a stale token, fail.

#![cfg(feature = "test-util")]

use std::path::PathBuf;
use std::process::Output;

use serde_json::Value;
use stskit::test_util::{ProofVerifier, StsDouble};

use crate::binary::{command, output, stderr};
use crate::double::{KEY, ROLE, SECRET, double};

const V1: &str = "client.authentication.k8s.io/v1";
const V1BETA1: &str = "client.authentication.k8s.io/v1beta1";

/// A private directory for files and a cache, removed at the end.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        Dir(crate::common::temp_dir(&format!("proofs-{tag}")))
    }
    fn file(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }
    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn run(args: &[&str], d: &StsDouble, env: &[(&str, &str)]) -> Output {
    output(stskit(args, d, env)).await
}

/// `stskit args` against `d` with the source keys in the environment and `env`.
fn stskit(args: &[&str], d: &StsDouble, env: &[(&str, &str)]) -> std::process::Command {
    let url = d.endpoint_url();
    let mut all: Vec<(&str, &str)> =
        vec![("AWS_ENDPOINT_URL_STS", &url), ("AWS_REGION", "us-east-1")];
    all.extend_from_slice(env);
    command(args, &all)
}

/// The ExecCredential printed, checked for the AWS CLI's shape; its token.
fn exec_credential(o: &Output, api_version: &str) -> String {
    assert!(o.status.success(), "{}", stderr(o));
    let text = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(
        text.ends_with("}}\n") && text.lines().count() == 1,
        "{text}"
    );
    assert!(
        text.starts_with(&format!(
            "{{\"kind\": \"ExecCredential\", \"apiVersion\": \"{api_version}\", \"spec\": {{}}, \"status\": {{\"expirationTimestamp\": \""
        )),
        "{text}"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    let stamp = v["status"]["expirationTimestamp"].as_str().unwrap();
    let at = time::PrimitiveDateTime::parse(
        stamp,
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"),
    )
    .unwrap()
    .assume_utc();
    let ahead = at - time::OffsetDateTime::now_utc();
    assert!(
        ahead > time::Duration::minutes(13) && ahead <= time::Duration::minutes(14),
        "{stamp}"
    );
    let token = v["status"]["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("k8s-aws-v1.") && token.len() <= 4096);
    assert!(!text.contains(SECRET));
    token
}

#[tokio::test]
async fn eks_token_with_static_keys_verifies_for_its_cluster_only() {
    let d = double().await;
    let info = format!(
        r#"{{"kind":"ExecCredential","apiVersion":"{V1}","spec":{{"interactive":false}}}}"#
    );
    let o = run(
        &["eks-token", "--cluster-name", "demo"],
        &d,
        &[("KUBERNETES_EXEC_INFO", &info)],
    )
    .await;
    let token = exec_credential(&o, V1);
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
    let verifier = ProofVerifier::new(&d);
    let caller = verifier.verify_eks_token(&token, "demo").await.unwrap();
    assert_eq!(caller.arn, "arn:aws:iam::123456789012:user/stskit-double");
    let wrong = verifier
        .verify_eks_token(&token, "other")
        .await
        .unwrap_err();
    assert!(wrong.reason.contains("SignatureDoesNotMatch"), "{wrong}");
    // The same token with a byte changed is not a token.
    let mut broken = token.clone();
    broken.push('!');
    assert!(verifier.verify_eks_token(&broken, "demo").await.is_err());
    // --cluster-id is the same header.
    let o = run(&["eks-token", "--cluster-id", "0a1b2c3d-uuid"], &d, &[]).await;
    let token = exec_credential(&o, V1BETA1);
    verifier
        .verify_eks_token(&token, "0a1b2c3d-uuid")
        .await
        .unwrap();
}

#[tokio::test]
async fn eks_token_with_session_credentials_carries_the_token() {
    let d = double().await;
    d.add_temporary_key("ASIASESSIONKEY", "session/secret", "SESSIONTOKEN+/=");
    let o = run(
        &["eks-token", "--cluster-name", "demo"],
        &d,
        &[
            ("AWS_ACCESS_KEY_ID", "ASIASESSIONKEY"),
            ("AWS_SECRET_ACCESS_KEY", "session/secret"),
            ("AWS_SESSION_TOKEN", "SESSIONTOKEN+/="),
        ],
    )
    .await;
    let token = exec_credential(&o, V1BETA1);
    ProofVerifier::new(&d)
        .verify_eks_token(&token, "demo")
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&o.stdout).contains("session/secret"));
    // Without its session token the signature is refused.
    let o = run(
        &["eks-token", "--cluster-name", "demo"],
        &d,
        &[
            ("AWS_ACCESS_KEY_ID", "ASIASESSIONKEY"),
            ("AWS_SECRET_ACCESS_KEY", "session/secret"),
        ],
    )
    .await;
    let token = exec_credential(&o, V1BETA1);
    assert!(
        ProofVerifier::new(&d)
            .verify_eks_token(&token, "demo")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn eks_token_from_a_profile_role_and_from_role_arn_with_the_cache() {
    let d = double().await;
    let dir = Dir::new("roles");
    let config = dir.file(
        "config",
        &format!("[profile eks]\nrole_arn = {ROLE}\nsource_profile = base\nregion = us-east-1\n"),
    );
    let credentials = dir.file(
        "credentials",
        &format!("[base]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"),
    );
    let files = [
        ("AWS_CONFIG_FILE", config.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.as_str()),
    ];
    let mut env = files.to_vec();
    env.push(("AWS_PROFILE", "eks"));
    // The profile's keys, not the environment's.
    let mut cmd = stskit(&["eks-token", "--cluster-name", "demo"], &d, &env);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    let o = output(cmd).await;
    let token = exec_credential(&o, V1BETA1);
    let caller = ProofVerifier::new(&d)
        .verify_eks_token(&token, "demo")
        .await
        .unwrap();
    assert!(caller.arn.contains(":assumed-role/demo/"), "{}", caller.arn);

    // --role-arn: assumed with session name EKSGetTokenAuth, cached with --cache-dir.
    let cache = dir.path("cache");
    let args = [
        "eks-token",
        "--cluster-name",
        "demo",
        "--role-arn",
        "arn:aws:iam::123456789012:role/eks-admin",
        "--cache-dir",
        &cache,
    ];
    let before = d.request_count();
    let o = run(&args, &d, &[]).await;
    let token = exec_credential(&o, V1BETA1);
    let assume: Vec<_> = d.requests()[before..]
        .iter()
        .filter(|r| r.param("Action").as_deref() == Some("AssumeRole"))
        .cloned()
        .collect();
    assert_eq!(assume.len(), 1);
    assert_eq!(
        assume[0].param("RoleSessionName").as_deref(),
        Some("EKSGetTokenAuth")
    );
    let caller = ProofVerifier::new(&d)
        .verify_eks_token(&token, "demo")
        .await
        .unwrap();
    assert!(
        caller
            .arn
            .contains(":assumed-role/eks-admin/EKSGetTokenAuth"),
        "{}",
        caller.arn
    );
    let count = d.request_count();
    let o = run(&args, &d, &[]).await;
    let again = exec_credential(&o, V1BETA1);
    assert_eq!(d.request_count(), count, "the cached session is reused");
    ProofVerifier::new(&d)
        .verify_eks_token(&again, "demo")
        .await
        .unwrap();
    // A session name of our own.
    let o = run(
        &[
            "eks-token",
            "--cluster-name",
            "demo",
            "--role-arn",
            ROLE,
            "--role-session-name",
            "kubectl-me",
        ],
        &d,
        &[],
    )
    .await;
    exec_credential(&o, V1BETA1);
    let last = d.requests().last().cloned().unwrap();
    assert_eq!(last.param("RoleSessionName").as_deref(), Some("kubectl-me"));
}

#[tokio::test]
async fn a_stale_token_fails_at_the_verifier_and_at_sts() {
    // The verifier's clock 16 minutes after signing: refused before STS is asked.
    let late = StsDouble::builder()
        .with_key(KEY, SECRET)
        .with_clock_offset(time::Duration::minutes(16))
        .start()
        .await
        .unwrap();
    let o = run(&["eks-token", "--cluster-name", "demo"], &late, &[]).await;
    let token = exec_credential(&o, V1BETA1);
    let e = ProofVerifier::new(&late)
        .verify_eks_token(&token, "demo")
        .await
        .unwrap_err();
    assert!(e.reason.contains("15 minutes"), "{e}");
    assert_eq!(late.request_count(), 0);
    // STS's own window: a double 16 minutes behind sees a request from its future.
    let early = StsDouble::builder()
        .with_key(KEY, SECRET)
        .with_clock_offset(time::Duration::minutes(-16))
        .start()
        .await
        .unwrap();
    let o = run(&["eks-token", "--cluster-name", "demo"], &early, &[]).await;
    let token = exec_credential(&o, V1BETA1);
    let e = ProofVerifier::new(&early)
        .verify_eks_token(&token, "demo")
        .await
        .unwrap_err();
    assert!(e.reason.contains("Signature expired"), "{e}");
}

#[tokio::test]
async fn eks_token_usage_errors_and_api_version_rules() {
    let d = double().await;
    let usage = [
        vec!["eks-token"],
        vec!["eks-token", "--cluster-name", "a", "--cluster-id", "b"],
        vec!["eks-token", "--cluster-name", ""],
        vec![
            "eks-token",
            "--cluster-name",
            "a",
            "--role-session-name",
            "s",
        ],
        vec![
            "eks-token",
            "--cluster-name",
            "a",
            "--role-arn",
            "not-an-arn",
        ],
    ];
    for args in usage {
        let o = run(&args, &d, &[]).await;
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    // kubectl's variable: malformed or unknown means v1beta1 and a line on stderr.
    for info in [
        "{",
        r#"{"apiVersion":"client.authentication.k8s.io/v9"}"#,
        "[]",
    ] {
        let o = run(
            &["eks-token", "--cluster-name", "demo"],
            &d,
            &[("KUBERNETES_EXEC_INFO", info)],
        )
        .await;
        exec_credential(&o, V1BETA1);
        assert!(
            stderr(&o).contains("KUBERNETES_EXEC_INFO"),
            "{info}: {}",
            stderr(&o)
        );
    }
    let alpha = r#"{"apiVersion":"client.authentication.k8s.io/v1alpha1"}"#;
    let o = run(
        &["eks-token", "--cluster-name", "demo"],
        &d,
        &[("KUBERNETES_EXEC_INFO", alpha)],
    )
    .await;
    exec_credential(&o, "client.authentication.k8s.io/v1alpha1");
    assert!(stderr(&o).contains("deprecated"));
    // STS refusing --role-arn: exit 3, nothing on stdout, no secret on stderr.
    d.push(stskit::test_util::Reply::sts_error(
        403,
        "AccessDenied",
        "not allowed",
    ));
    let o = run(
        &["eks-token", "--cluster-name", "demo", "--role-arn", ROLE],
        &d,
        &[],
    )
    .await;
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("AccessDenied") && !stderr(&o).contains(SECRET));
}

#[tokio::test]
async fn identity_proof_is_vault_login_data_for_its_server_id_only() {
    let d = double().await;
    let o = run(
        &[
            "identity-proof",
            "--header",
            "X-Vault-AWS-IAM-Server-ID: vault.example.com",
        ],
        &d,
        &[],
    )
    .await;
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(
        text.starts_with("{\"iam_http_request_method\": \"POST\", \"iam_request_url\": \""),
        "{text}"
    );
    assert!(!text.contains(SECRET));
    let verifier = ProofVerifier::new(&d);
    let caller = verifier
        .verify_vault_login(&text, Some("vault.example.com"))
        .await
        .unwrap();
    assert_eq!(caller.account, "123456789012");
    let e = verifier
        .verify_vault_login(&text, Some("other.example.com"))
        .await
        .unwrap_err();
    assert!(e.reason.contains("Server-ID"), "{e}");
    // Without the header, a Vault that requires one refuses; one that does not accepts.
    let o = run(&["identity-proof"], &d, &[]).await;
    let plain = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(
        verifier
            .verify_vault_login(&plain, Some("vault.example.com"))
            .await
            .is_err()
    );
    verifier.verify_vault_login(&plain, None).await.unwrap();
    // Session credentials sign with their token.
    d.add_temporary_key("ASIAVAULTKEY", "vault/secret", "VAULTTOKEN");
    let o = run(
        &["identity-proof"],
        &d,
        &[
            ("AWS_ACCESS_KEY_ID", "ASIAVAULTKEY"),
            ("AWS_SECRET_ACCESS_KEY", "vault/secret"),
            ("AWS_SESSION_TOKEN", "VAULTTOKEN"),
        ],
    )
    .await;
    let session = String::from_utf8(o.stdout.clone()).unwrap();
    verifier.verify_vault_login(&session, None).await.unwrap();
    // Headers the signer writes, and text that is not NAME:VALUE, are refused first.
    for bad in [
        "Host:evil.example",
        "Authorization:x",
        "X-Amz-Date:1",
        "no-colon",
        ":v",
    ] {
        let o = run(&["identity-proof", "--header", bad], &d, &[]).await;
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
}

/// The text of base64 in either alphabet (a token, a login field).
fn decode(b64: &str) -> String {
    let (mut bits, mut n, mut out) = (0u32, 0, Vec::new());
    for c in b64.bytes().filter(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => panic!("not base64: {c}"),
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn without_an_endpoint_eks_signs_for_the_global_or_regional_endpoint_and_vault_for_the_global_one()
 {
    let run_plain = |args: &'static [&'static str], env: Vec<(&'static str, &'static str)>| async move {
        output(command(args, &env)).await
    };
    // eks-token, no region: the global endpoint, us-east-1.
    let o = run_plain(&["eks-token", "--cluster-name", "demo"], vec![]).await;
    let token = exec_credential(&o, V1BETA1);
    let url = decode(token.strip_prefix("k8s-aws-v1.").unwrap());
    assert!(
        url.starts_with("https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&"),
        "{url}"
    );
    assert!(url.contains("%2Fus-east-1%2Fsts%2Faws4_request"), "{url}");
    // eks-token, a region: that region's endpoint.
    let o = run_plain(
        &["eks-token", "--cluster-name", "demo"],
        vec![("AWS_REGION", "eu-west-1")],
    )
    .await;
    let url = decode(
        exec_credential(&o, V1BETA1)
            .strip_prefix("k8s-aws-v1.")
            .unwrap(),
    );
    assert!(
        url.starts_with("https://sts.eu-west-1.amazonaws.com/?"),
        "{url}"
    );
    // identity-proof, a region: the global URL, signed for the region (Vault's CLI, hvac).
    let o = run_plain(&["identity-proof"], vec![("AWS_REGION", "eu-west-1")]).await;
    assert!(o.status.success(), "{}", stderr(&o));
    let fields: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        decode(fields["iam_request_url"].as_str().unwrap()),
        "https://sts.amazonaws.com/"
    );
    let headers: Value =
        serde_json::from_str(&decode(fields["iam_request_headers"].as_str().unwrap())).unwrap();
    assert_eq!(headers["Host"][0], "sts.amazonaws.com");
    assert!(
        headers["Authorization"][0]
            .as_str()
            .unwrap()
            .contains("/eu-west-1/sts/aws4_request")
    );
}
