use time::macros::datetime;

use super::*;
use crate::credentials::Credentials;
use crate::sigv4::{self, SigningParams};
use crate::sts::{CONTENT_TYPE, Endpoint, GetCallerIdentity};

fn full() -> AssumeRole {
    AssumeRole::new("arn:aws:iam::123456789012:role/demo", "stskit-test")
        .with_duration_seconds(900)
        .with_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .with_policy("{\"Version\": \"2012-10-17\", \"Statement\": []}")
        .with_tag("team", "a b")
        .with_tag("cost/center", "x+y=z")
        .with_transitive_tag_key("team")
        .with_external_id("ext_id+=@/x")
        .with_mfa("arn:aws:iam::123456789012:mfa/user", "123456")
        .with_source_identity("dev@example.com")
        .with_provided_context(
            "arn:aws:iam::aws:contextProvider/IdentityCenter",
            "assertion-data",
        )
}

/// The body botocore's Query serializer writes for the same parameters (generated
/// once with botocore 1.44, parameters given in the API model's order).
const BOTOCORE_BODY: &str = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=stskit-test&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess&Policy=%7B%22Version%22%3A+%222012-10-17%22%2C+%22Statement%22%3A+%5B%5D%7D&DurationSeconds=900&Tags.member.1.Key=team&Tags.member.1.Value=a+b&Tags.member.2.Key=cost%2Fcenter&Tags.member.2.Value=x%2By%3Dz&TransitiveTagKeys.member.1=team&ExternalId=ext_id%2B%3D%40%2Fx&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fuser&TokenCode=123456&SourceIdentity=dev%40example.com&ProvidedContexts.member.1.ProviderArn=arn%3Aaws%3Aiam%3A%3Aaws%3AcontextProvider%2FIdentityCenter&ProvidedContexts.member.1.ContextAssertion=assertion-data";

#[test]
fn body_matches_botocore_byte_for_byte() {
    assert_eq!(
        String::from_utf8(full().form_body()).unwrap(),
        BOTOCORE_BODY
    );
}

/// Fixed clock and fixed source credentials give an exact body and `Authorization`
/// (expected values computed by botocore's SigV4Auth for the same request).
#[test]
fn deterministic_signed_request() {
    let endpoint = Endpoint::resolve(None, Some("aws-global")).unwrap();
    let time = datetime!(2026-11-22 12:00:00 UTC);
    for (token, want) in [
        (
            None,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=d6a701b8b9779e412d78cdba2a1fa60f4054d1c521184ab28fa4aa0da1f94831",
        ),
        (
            Some("FwoGZXIvYXdzEXAMPLE//token+="),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=caad713133f101af06da17435a485c5e70234eac202de72d944ab39d556a2639",
        ),
    ] {
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_owned),
        );
        let mut req = full().to_request(&endpoint, false).unwrap();
        assert_eq!(req.method(), "POST");
        assert_eq!(req.url(), "https://sts.amazonaws.com/");
        assert_eq!(req.header("content-type"), Some(CONTENT_TYPE));
        assert_eq!(req.body(), BOTOCORE_BODY.as_bytes());
        sigv4::sign(
            &mut req,
            &creds,
            &SigningParams::new("us-east-1", "sts", time),
        )
        .unwrap();
        assert_eq!(req.header("authorization"), Some(want));
        assert_eq!(req.header("x-amz-security-token"), token);
        assert_eq!(
            req.body(),
            BOTOCORE_BODY.as_bytes(),
            "signing never touches the body"
        );
    }
}

#[test]
fn minimal_body_and_get_caller_identity() {
    let b = AssumeRole::new("arn:aws:iam::123456789012:role/demo", "s1").form_body();
    assert_eq!(
        String::from_utf8(b).unwrap(),
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=s1"
    );
    assert_eq!(
        GetCallerIdentity.form_body(),
        b"Action=GetCallerIdentity&Version=2011-06-15"
    );
}

fn field_of(r: AssumeRole, chained: bool) -> &'static str {
    match r.validate(chained) {
        Err(InputError::Invalid { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn validation_names_the_field() {
    let ok = || AssumeRole::new("arn:aws:iam::123456789012:role/demo", "session");
    assert!(ok().validate(false).is_ok());
    assert!(full().validate(false).is_ok());
    let cases: Vec<(AssumeRole, &str)> = vec![
        (
            AssumeRole::new("arn:aws:iam::123456789012:role/demo", "s"),
            "RoleSessionName",
        ),
        (
            AssumeRole::new("arn:aws:iam::123456789012:role/demo", "a".repeat(65)),
            "RoleSessionName",
        ),
        (
            AssumeRole::new("arn:aws:iam::123456789012:role/demo", "bad name"),
            "RoleSessionName",
        ),
        (
            AssumeRole::new("arn:aws:iam::123456789012:role/demo", "bad/name"),
            "RoleSessionName",
        ),
        (
            AssumeRole::new("arn:aws:iam::123456789012:user/demo", "session"),
            "RoleArn",
        ),
        (
            AssumeRole::new("arn:aws:iam::12345678901:role/demo", "session"),
            "RoleArn",
        ),
        (
            AssumeRole::new("arn:aws:s3:::123456789012:role/demo", "session"),
            "RoleArn",
        ),
        (
            AssumeRole::new("arn:aws:iam::123456789012:role/", "session"),
            "RoleArn",
        ),
        (
            AssumeRole::new("arn:aws:iam::1:role/x", "session"),
            "RoleArn",
        ),
        (ok().with_duration_seconds(899), "DurationSeconds"),
        (ok().with_duration_seconds(43201), "DurationSeconds"),
        (ok().with_external_id("x"), "ExternalId"),
        (ok().with_external_id("a b"), "ExternalId"),
        (ok().with_external_id("a".repeat(1225)), "ExternalId"),
        (ok().with_policy(""), "Policy"),
        (ok().with_source_identity("x".repeat(257)), "SourceIdentity"),
        (ok().with_policy("\u{1F600}"), "Policy"),
        (ok().with_source_identity("x"), "SourceIdentity"),
        (
            ok().with_mfa("arn:aws:iam::123456789012:mfa/u", "12345"),
            "TokenCode",
        ),
        (
            ok().with_mfa("arn:aws:iam::123456789012:mfa/u", "12345a"),
            "TokenCode",
        ),
        (ok().with_mfa("short", "123456"), "SerialNumber"),
        (ok().with_tag("", "v"), "Tags"),
        (ok().with_tag("k", "v").with_tag("K", "w"), "Tags"),
        (ok().with_tag("k", "bad\u{0}value"), "Tags"),
        (ok().with_transitive_tag_key("k!"), "TransitiveTagKeys"),
        (
            ok().with_provided_context("arn:aws:iam::aws:contextProvider/x", "abc"),
            "ProvidedContexts",
        ),
        (
            ok().with_minimum_session_token_size(4097),
            "MinimumSessionTokenSize",
        ),
    ];
    for (r, want) in cases {
        let dbg = format!("{r:?}");
        assert_eq!(field_of(r, false), want, "{dbg}");
    }
    let mut many = ok();
    for i in 0..11 {
        many = many.with_policy_arn(format!("arn:aws:iam::aws:policy/P{i:02}xxxxxx"));
    }
    assert_eq!(field_of(many, false), "PolicyArns");
    let mut tags = ok();
    for i in 0..51 {
        tags = tags.with_tag(format!("k{i}"), "v");
    }
    assert_eq!(field_of(tags, false), "Tags");
    let mut ctx = ok();
    for _ in 0..6 {
        ctx = ctx.with_provided_context(
            "arn:aws:iam::aws:contextProvider/IdentityCenter",
            "assertion",
        );
    }
    assert_eq!(field_of(ctx, false), "ProvidedContexts");
}

#[test]
fn boundaries_are_accepted() {
    let base = || AssumeRole::new("arn:aws:iam::123456789012:role/demo", "ab");
    assert!(base().with_duration_seconds(900).validate(false).is_ok());
    assert!(base().with_duration_seconds(43200).validate(false).is_ok());
    assert!(
        base()
            .with_external_id("a".repeat(1224))
            .validate(false)
            .is_ok()
    );
    assert!(
        base()
            .with_external_id("ab:/=,.@+-_")
            .validate(false)
            .is_ok()
    );
    assert!(
        AssumeRole::new(
            "arn:aws-us-gov:iam::123456789012:role/path/to/r",
            "a".repeat(64)
        )
        .validate(false)
        .is_ok()
    );
    assert!(
        base()
            .with_tag("Ünïcode key", "välue 1")
            .validate(false)
            .is_ok()
    );
    assert!(base().with_tag("k", "").validate(false).is_ok());
}

/// STS caps a chained role session (temporary source credentials) at one hour: stskit
/// refuses a longer one before sending, with a message that says why.
#[test]
fn role_chaining_is_capped_at_one_hour() {
    let r = AssumeRole::new("arn:aws:iam::123456789012:role/demo", "chained")
        .with_duration_seconds(7200);
    assert!(r.validate(false).is_ok());
    let err = r.validate(true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid DurationSeconds: role chaining (temporary source credentials) allows at most 3600"
    );
    let endpoint = Endpoint::resolve(None, Some("aws-global")).unwrap();
    assert!(r.to_request(&endpoint, true).is_err());
    assert!(r.clone().with_duration_seconds(3600).validate(true).is_ok());
}

#[test]
fn validation_errors_and_debug_never_show_secret_values() {
    let r = AssumeRole::new("arn:aws:iam::123456789012:role/demo", "session")
        .with_external_id("super secret external id")
        .with_mfa("arn:aws:iam::123456789012:mfa/u", "98765x");
    let err = r.validate(false).unwrap_err();
    let shown = format!("{err} {err:?} {r:?}");
    assert!(!shown.contains("super secret"), "{shown}");
    assert!(!shown.contains("98765"), "{shown}");
}
