//! IAM Identity Center against the loopback metadata double (portal and OIDC): the
//! token `aws sso login` caches, its refresh, the cases that need a new login, and
//! botocore's SSO provider as a peer. Endpoints come from `AWS_ENDPOINT_URL_SSO` and
//! `AWS_ENDPOINT_URL_SSO_OIDC`.
#![cfg(feature = "test-util")]

use crate::sources;

use sources::{Home, botocore, credentials_json, run, stderr, stskit};
use stskit::test_util::MetadataDouble;
use time::OffsetDateTime;

const CONFIG: &str = "\
[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer
region = eu-west-1

[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile legacy]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Developer
";

fn z(t: OffsetDateTime) -> String {
    stskit::date::format_rfc3339(t)
}

/// A token file as `aws sso login` writes it.
fn token_json(access: &str, expires: OffsetDateTime, refresh: Option<&str>) -> String {
    let now = OffsetDateTime::now_utc();
    let mut s = format!(
        "{{\"startUrl\": \"https://d-1234567890.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\": \"{access}\", \"expiresAt\": \"{}\", \"clientId\": \"client-id-1\", \"clientSecret\": \"client-secret-1\", \"registrationExpiresAt\": \"{}\"",
        z(expires),
        z(now + time::Duration::days(80))
    );
    if let Some(r) = refresh {
        s.push_str(&format!(", \"refreshToken\": \"{r}\""));
    }
    s.push('}');
    s
}

struct Setup {
    home: Home,
    config: String,
    url: String,
}

impl Setup {
    fn new(d: &MetadataDouble, tag: &str) -> Setup {
        let home = Home::new(tag);
        let config = home.write("config", CONFIG);
        Setup {
            home,
            config,
            url: d.url(),
        }
    }

    fn token_path(&self, key: &str) -> String {
        self.home
            .path(&format!(".aws/sso/cache/{}", token_file_name(key)))
    }

    fn write_token(&self, key: &str, json: &str) -> String {
        self.home
            .write(&format!(".aws/sso/cache/{}", token_file_name(key)), json)
    }

    async fn credentials(&self, profile: &str) -> std::process::Output {
        run(stskit(
            &self.home,
            &["credentials", "--profile", profile],
            &[
                ("AWS_CONFIG_FILE", self.config.as_str()),
                ("AWS_ENDPOINT_URL_SSO", self.url.as_str()),
                ("AWS_ENDPOINT_URL_SSO_OIDC", self.url.as_str()),
            ],
        ))
        .await
        .0
    }
}

#[tokio::test]
async fn a_valid_token_gives_the_roles_credentials_and_its_file_is_untouched() {
    let d = MetadataDouble::start().await.unwrap();
    let s = Setup::new(&d, "sso-valid");
    let expires = OffsetDateTime::now_utc() + time::Duration::hours(8);
    let json = token_json("sso-access-token", expires, Some("sso-refresh-token"));
    let path = s.write_token("corp", &json);
    let o = s.credentials("dev").await;
    let v = credentials_json(&o);
    let (id, secret, token) = d.credentials();
    assert_eq!(v["AccessKeyId"], id);
    assert_eq!(v["SecretAccessKey"], secret);
    assert_eq!(v["SessionToken"], token);
    // The answer's milliseconds, truncated to the second.
    assert_eq!(v["Expiration"], z(d.expiration()));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), json);
    let r = d.requests().pop().unwrap();
    assert_eq!(
        r.target,
        "/federation/credentials?role_name=Developer&account_id=111122223333"
    );
    assert_eq!(r.header("x-amz-sso_bearer_token"), Some("sso-access-token"));
    // botocore's SSO provider, on the same files and double, gets the same.
    let theirs = botocore(
        &["sso", "dev"],
        &[
            ("AWS_CONFIG_FILE", s.config.as_str()),
            ("HOME", s.home.dir.to_str().unwrap()),
            ("AWS_ENDPOINT_URL_SSO", s.url.as_str()),
            ("AWS_ENDPOINT_URL_SSO_OIDC", s.url.as_str()),
        ],
    )
    .await;
    for k in [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ] {
        assert_eq!(v[k], theirs[k], "{k}");
    }
    assert_eq!(theirs["Method"], "sso");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), json);
}

#[tokio::test]
async fn an_expired_session_token_is_refreshed_and_rewritten_as_the_cli_writes_it() {
    let d = MetadataDouble::start().await.unwrap();
    let s = Setup::new(&d, "sso-refresh");
    let expired = OffsetDateTime::now_utc() - time::Duration::hours(1);
    s.write_token(
        "corp",
        &token_json("old-access-token", expired, Some("sso-refresh-token")),
    );
    let before = OffsetDateTime::now_utc();
    let o = s.credentials("dev").await;
    assert_eq!(credentials_json(&o)["AccessKeyId"], d.credentials().0);
    let reqs = d.requests();
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].target, "/token");
    let sent: serde_json::Value = serde_json::from_slice(&reqs[0].body).unwrap();
    assert_eq!(sent["grantType"], "refresh_token");
    assert_eq!(sent["clientId"], "client-id-1");
    assert_eq!(
        reqs[1].header("x-amz-sso_bearer_token"),
        Some("sso-access-token-2")
    );
    let path = s.token_path("corp");
    let text = std::fs::read_to_string(&path).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut want = vec![
        "startUrl",
        "region",
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    ];
    want.sort_unstable();
    assert_eq!(keys, want, "{text}");
    assert!(text.starts_with("{\"startUrl\": \"https://d-1234567890.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\": \"sso-access-token-2\", \"expiresAt\": \""), "{text}");
    assert_eq!(v["refreshToken"], "sso-refresh-token-2");
    let expires = stskit::date::parse_expiration(v["expiresAt"].as_str().unwrap()).unwrap();
    assert!(expires >= before + time::Duration::seconds(28_790));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test]
async fn every_case_that_needs_a_login_says_so() {
    let d = MetadataDouble::start().await.unwrap();
    let s = Setup::new(&d, "sso-login");
    let expired = OffsetDateTime::now_utc() - time::Duration::hours(1);
    let login = |o: &std::process::Output| {
        let code = o.status.code();
        assert!(
            code == Some(2) || code == Some(3),
            "{code:?}: {}",
            stderr(o)
        );
        assert!(stderr(o).contains("aws sso login"), "{}", stderr(o));
        assert!(!stderr(o).contains("client-secret-1"), "{}", stderr(o));
    };
    // No cache file at all.
    login(&s.credentials("dev").await);
    // Expired, without a refresh token.
    s.write_token("corp", &token_json("old", expired, None));
    login(&s.credentials("dev").await);
    assert_eq!(d.request_count(), 0);
    // Expired, and the refresh is refused.
    s.write_token("corp", &token_json("old", expired, Some("revoked-refresh")));
    login(&s.credentials("dev").await);
    assert_eq!(d.request_count(), 1, "one CreateToken");
    // The legacy form is never refreshed, even with a refresh token.
    let legacy = s.write_token(
        "https://d-1234567890.awsapps.com/start",
        &token_json("old", expired, Some("sso-refresh-token")),
    );
    let before = std::fs::read_to_string(&legacy).unwrap();
    login(&s.credentials("legacy").await);
    assert_eq!(d.request_count(), 1);
    assert_eq!(std::fs::read_to_string(&legacy).unwrap(), before);
    // A token the portal no longer accepts.
    let later = OffsetDateTime::now_utc() + time::Duration::hours(8);
    s.write_token("corp", &token_json("unknown-token", later, None));
    login(&s.credentials("dev").await);
}

#[tokio::test]
async fn the_legacy_form_works_with_a_valid_token() {
    let d = MetadataDouble::start().await.unwrap();
    let s = Setup::new(&d, "sso-legacy");
    let later = OffsetDateTime::now_utc() + time::Duration::hours(8);
    s.write_token(
        "https://d-1234567890.awsapps.com/start",
        &token_json("sso-access-token", later, None),
    );
    let o = s.credentials("legacy").await;
    assert_eq!(credentials_json(&o)["AccessKeyId"], d.credentials().0);
}

/// The token cache's file name for a session name (or start URL): its SHA-1, as the
/// AWS CLI names it.
fn token_file_name(key: &str) -> String {
    use sha1::Digest;
    let digest = sha1::Sha1::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}.json")
}
