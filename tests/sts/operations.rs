//! Every STS operation end to end through the client against the loopback double:
//! signed calls verified by the double, unsigned calls arriving unsigned, each typed
//! output filled, and the rules checked before any IO (who may call what, partitions,
//! regional-only calls).
#![cfg(feature = "test-util")]

use crate::double;

use double::{KEY, ROLE, SECRET, double};
use secrecy::{ExposeSecret, SecretString};
use stskit::Credentials;
use stskit::client::StsClient;
use stskit::error::CallError as Error;
use stskit::error::InputError;
use stskit::sts::*;

fn client(d: &stskit::test_util::StsDouble) -> StsClient {
    StsClient::new(Endpoint::resolve(Some(&d.endpoint_url()), Some("us-east-1")).unwrap())
}

fn source() -> Credentials {
    Credentials::new(KEY, SECRET, None)
}

const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2lnbmF0dXJl";

fn invalid_field(e: Error) -> &'static str {
    match e {
        Error::InvalidInput(InputError::Invalid { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn unsigned_calls_need_no_source_and_arrive_unsigned() {
    let d = double().await;
    let c = client(&d);
    let op = AssumeRoleWithWebIdentity::new(ROLE, "pod", SecretString::from(JWT))
        .with_duration_seconds(900);
    // Source credentials given anyway are not used for an unsigned call.
    let out = c.send(Some(&source()), &op).await.unwrap();
    assert!(out.credentials.access_key_id().starts_with("ASIA"));
    assert!(out.subject_from_web_identity_token.is_some());
    assert_eq!(out.provider.as_deref(), Some("oidc.double.localhost"));
    assert_eq!(out.audience.as_deref(), Some("sts.amazonaws.com"));
    assert!(out.assumed_role_user.unwrap().arn.ends_with("/demo/pod"));
    let out = c
        .send(
            None,
            &AssumeRoleWithSaml::new(
                ROLE,
                "arn:aws:iam::123456789012:saml-provider/idp",
                SecretString::from("PHNhbWw+c2FtcGxlPC9zYW1sPg=="),
            ),
        )
        .await
        .unwrap();
    assert_eq!(out.subject_type.as_deref(), Some("persistent"));
    assert!(out.name_qualifier.is_some() && out.issuer.is_some() && out.subject.is_some());
    for r in d.requests() {
        assert!(r.header("authorization").is_none());
        assert!(r.header("x-amz-security-token").is_none());
        assert!(r.header("x-amz-date").is_none());
    }
    // The token went only in the body.
    let first = &d.requests()[0];
    assert_eq!(first.param("WebIdentityToken").as_deref(), Some(JWT));
    assert_eq!(
        first.param("Action").as_deref(),
        Some("AssumeRoleWithWebIdentity")
    );
    // The double refuses a bad token as STS does, and the error is not retried.
    let e = c
        .send(
            None,
            &AssumeRoleWithWebIdentity::new(ROLE, "pod", SecretString::from("not-a-jwt")),
        )
        .await
        .unwrap_err();
    assert_eq!(e.service_error().unwrap().code(), "InvalidIdentityToken");
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn session_and_federation_tokens_then_calls_with_them() {
    let d = double().await;
    let c = client(&d);
    let st = c
        .send(
            Some(&source()),
            &GetSessionToken::new()
                .with_duration_seconds(3600)
                .with_mfa("arn:aws:iam::123456789012:mfa/me", "123456"),
        )
        .await
        .unwrap();
    let req = d.requests().pop().unwrap();
    assert_eq!(req.param("TokenCode").as_deref(), Some("123456"));
    assert_eq!(req.param("DurationSeconds").as_deref(), Some("3600"));
    // Temporary credentials sign GetCallerIdentity.
    let session = st.credentials.to_credentials();
    c.get_caller_identity(&session).await.unwrap();
    // ...but cannot get another session token or a federation token: refused before IO.
    let before = d.request_count();
    let e = c
        .send(Some(&session), &GetSessionToken::new())
        .await
        .unwrap_err();
    assert_eq!(invalid_field(e), "credentials");
    let e = c
        .send(Some(&session), &GetFederationToken::new("bob"))
        .await
        .unwrap_err();
    assert_eq!(invalid_field(e), "credentials");
    assert_eq!(d.request_count(), before);

    let fed = c
        .send(
            Some(&source()),
            &GetFederationToken::new("bob")
                .with_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
                .with_tag("team", "a"),
        )
        .await
        .unwrap();
    let user = fed.federated_user.unwrap();
    assert_eq!(user.arn, "arn:aws:sts::123456789012:federated-user/bob");
    assert_eq!(user.federated_user_id, "123456789012:bob");
    let who = c
        .get_caller_identity(&fed.credentials.to_credentials())
        .await
        .unwrap();
    assert_eq!(who.arn, user.arn);

    // GetScopedCredentials needs temporary credentials, and works with them.
    let e = c
        .send(Some(&source()), &GetScopedCredentials::new())
        .await
        .unwrap_err();
    assert_eq!(invalid_field(e), "credentials");
    let scoped = c
        .send(
            Some(&session),
            &GetScopedCredentials::new().with_scoped_session_description("ci job"),
        )
        .await
        .unwrap();
    assert!(scoped.session_info.is_some());
    assert_eq!(scoped.scoped_policies_count, Some(1));
}

#[tokio::test]
async fn lookups_tokens_and_root() {
    let d = double().await;
    let c = client(&d);
    let s = source();
    let info = c
        .send(Some(&s), &GetAccessKeyInfo::new("AKIAIOSFODNN7EXAMPLE"))
        .await
        .unwrap();
    assert_eq!(info.account, "123456789012");
    let decoded = c
        .send(
            Some(&s),
            &DecodeAuthorizationMessage::new("encoded-message"),
        )
        .await
        .unwrap();
    assert!(decoded.decoded_message.starts_with("{\"allowed\":false"));
    let token = c
        .send(
            Some(&s),
            &GetWebIdentityToken::new("https://api.example.com", "RS256").with_duration_seconds(60),
        )
        .await
        .unwrap();
    assert!(token.web_identity_token.expose_secret().starts_with("eyJ"));
    assert!(token.expiration.is_some());
    assert!(!format!("{token:?}").contains("eyJ"));
    let req = d.requests().pop().unwrap();
    assert_eq!(
        req.param("Audience.member.1").as_deref(),
        Some("https://api.example.com")
    );
    let delegated = c
        .send(
            Some(&s),
            &GetDelegatedAccessToken::new(SecretString::from("trade-in-token")),
        )
        .await
        .unwrap();
    assert!(
        delegated
            .assumed_principal
            .unwrap()
            .contains(":assumed-role/")
    );
    let root = c
        .send(
            Some(&s),
            &AssumeRoot::new(
                "111122223333",
                "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
            )
            .with_duration_seconds(900),
        )
        .await
        .unwrap();
    let who = c
        .get_caller_identity(&root.credentials.to_credentials())
        .await
        .unwrap();
    assert_eq!(who.arn, "arn:aws:iam::111122223333:root");
}

#[tokio::test]
async fn rules_before_any_io() {
    let d = double().await;
    let s = source();
    // AssumeRoot is regional only: the global endpoint is refused (checked on the
    // request builder, so a failure here could never reach the real endpoint).
    let global = Endpoint::resolve(None, Some("aws-global")).unwrap();
    let root = AssumeRoot::new("111122223333", "arn:aws:iam::aws:policy/root-task/X");
    match root.to_request(&global, false) {
        Err(InputError::Invalid { field, .. }) => assert_eq!(field, "endpoint"),
        other => panic!("{other:?}"),
    }
    let regional = Endpoint::resolve(None, Some("us-east-1")).unwrap();
    assert!(root.to_request(&regional, false).is_ok());
    // A role ARN in another partition than the region's.
    let cn =
        StsClient::new(Endpoint::resolve(Some(&d.endpoint_url()), Some("cn-north-1")).unwrap());
    for op_err in [
        cn.send(Some(&s), &AssumeRole::new(ROLE, "x1"))
            .await
            .unwrap_err(),
        cn.send(
            None,
            &AssumeRoleWithWebIdentity::new(ROLE, "x1", SecretString::from(JWT)),
        )
        .await
        .unwrap_err(),
    ] {
        assert_eq!(invalid_field(op_err), "RoleArn");
    }
    let ok = cn
        .send(
            Some(&s),
            &AssumeRole::new("arn:aws-cn:iam::123456789012:role/demo", "x1"),
        )
        .await;
    assert!(ok.is_ok(), "{ok:?}");
    // Durations per operation.
    let c = client(&d);
    for (e, field) in [
        (
            c.send(
                Some(&s),
                &GetSessionToken::new().with_duration_seconds(129_601),
            )
            .await
            .unwrap_err(),
            "DurationSeconds",
        ),
        (
            c.send(
                Some(&s),
                &GetFederationToken::new("bob").with_duration_seconds(899),
            )
            .await
            .unwrap_err(),
            "DurationSeconds",
        ),
        (
            c.send(
                None,
                &AssumeRoleWithWebIdentity::new(ROLE, "p1", SecretString::from(JWT))
                    .with_duration_seconds(43_201),
            )
            .await
            .unwrap_err(),
            "DurationSeconds",
        ),
        (
            c.send(Some(&s), &GetFederationToken::new("b"))
                .await
                .unwrap_err(),
            "Name",
        ),
        (
            c.send(
                None,
                &AssumeRoleWithWebIdentity::new(ROLE, "p1", SecretString::from("abc")),
            )
            .await
            .unwrap_err(),
            "WebIdentityToken",
        ),
        (
            c.send(
                Some(&s),
                &GetWebIdentityToken::new("aud", "RS256").with_scope("openid"),
            )
            .await
            .unwrap_err(),
            "Scope",
        ),
    ] {
        assert_eq!(invalid_field(e), field);
    }
    assert_eq!(d.request_count(), 1, "only the aws-cn AssumeRole was sent");
}

/// The double holds unsigned calls to being unsigned: a client that signed one would
/// be told so.
#[tokio::test]
async fn the_double_refuses_a_signed_unsigned_call() {
    let d = double().await;
    let c = client(&d);
    let op = AssumeRoleWithWebIdentity::new(ROLE, "pod", SecretString::from(JWT));
    let unsigned = op.to_request(c.endpoint(), false).unwrap();
    let e = c
        .call(&source(), unsigned, AssumeRoleWithWebIdentity::parse)
        .await
        .unwrap_err();
    assert_eq!(
        e.service_error().unwrap().code(),
        "StsDoubleUnexpectedSignature"
    );
}

/// As botocore does, `IDPCommunicationError` (HTTP 400) is retried; the identity
/// provider's verdicts (`InvalidIdentityToken`, `IDPRejectedClaim`) are not.
#[tokio::test]
async fn web_identity_retries_only_the_providers_outage() {
    use std::time::Duration;
    use stskit::client::ClientConfig;
    use stskit::test_util::Reply;
    let d = double().await;
    let c = client(&d).with_config(
        ClientConfig::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
    );
    let op = AssumeRoleWithWebIdentity::new(ROLE, "pod", SecretString::from(JWT));
    d.push(Reply::sts_error(
        400,
        "IDPCommunicationError",
        "the provider did not answer",
    ));
    let out = c.send(None, &op).await.unwrap();
    assert!(out.credentials.access_key_id().starts_with("ASIA"));
    assert_eq!(
        d.request_count(),
        2,
        "one retry after IDPCommunicationError"
    );
    for code in [
        "IDPRejectedClaim",
        "InvalidIdentityToken",
        "ExpiredTokenException",
    ] {
        let before = d.request_count();
        d.push(Reply::sts_error(400, code, "refused"));
        let e = c.send(None, &op).await.unwrap_err();
        assert_eq!(e.service_error().unwrap().code(), code);
        assert!(!e.is_retryable(), "{code}");
        assert_eq!(d.request_count(), before + 1, "{code} is not retried");
    }
}

/// The role and the SAML provider must both be in the region's partition.
#[test]
fn saml_provider_partition_is_checked_too() {
    let cn = Endpoint::resolve(None, Some("cn-north-1")).unwrap();
    let op = AssumeRoleWithSaml::new(
        "arn:aws-cn:iam::123456789012:role/r",
        "arn:aws:iam::123456789012:saml-provider/idp",
        SecretString::from("PHNhbWw+"),
    );
    match op.to_request(&cn, false) {
        Err(InputError::Invalid { field, .. }) => assert_eq!(field, "PrincipalArn"),
        other => panic!("{other:?}"),
    }
    let ok = AssumeRoleWithSaml::new(
        "arn:aws-cn:iam::123456789012:role/r",
        "arn:aws-cn:iam::123456789012:saml-provider/idp",
        SecretString::from("PHNhbWw+"),
    );
    assert!(ok.to_request(&cn, false).is_ok());
}

/// A server that echoes a secret of the request back in its error text (the token,
/// the external id, the MFA code, the source's secret key or session token) does not
/// get it printed: the client removes it, as sent and form-encoded.
#[tokio::test]
async fn echoed_secrets_are_removed_from_error_text() {
    use stskit::test_util::Reply;
    let d = double().await;
    let c = client(&d);
    d.push(Reply::sts_error(
        400,
        "InvalidIdentityToken",
        &format!("token {JWT} is bad"),
    ));
    let e = c
        .send(
            None,
            &AssumeRoleWithWebIdentity::new(ROLE, "pod", SecretString::from(JWT)),
        )
        .await
        .unwrap_err();
    let shown = format!("{e} {e:?} {:?}", e.service_error().unwrap().message());
    assert!(!shown.contains("eyJzdWIi"), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");

    let external = "ext+id/with=chars";
    d.add_temporary_key("ASIAECHO", SECRET, "source-session-token-value");
    let source = Credentials::new(
        "ASIAECHO",
        SECRET,
        Some("source-session-token-value".into()),
    );
    d.push(Reply::sts_error(
        403,
        "AccessDenied",
        &format!("ext {external} / ext%2Bid%2Fwith%3Dchars / code 654321 / key {SECRET} / token source-session-token-value"),
    ));
    let e = c
        .send(
            Some(&source),
            &AssumeRole::new(ROLE, "s1")
                .with_external_id(external)
                .with_mfa("arn:aws:iam::123456789012:mfa/me", "654321"),
        )
        .await
        .unwrap_err();
    let shown = format!("{e} {e:?}");
    for secret in [
        external,
        "ext%2Bid",
        "654321",
        SECRET,
        "source-session-token-value",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert_eq!(e.service_error().unwrap().code(), "AccessDenied");
}
