//! Property test: with thousands of random secret keys, session tokens, external ids
//! and MFA codes, no `Debug` or `Display` output of any public value or error holds
//! any 8-byte piece of them.

use crate::windows;

use std::time::Duration;
use windows::windows;

use proptest::prelude::*;
use secrecy::SecretString;
use stskit::error::{InputError, ParseError};
use stskit::http::{Request, Response};
use stskit::sigv4::{self, SigningParams, derive_signing_key};
use stskit::sts::{AssumeRole, Endpoint, Operation, parse_assume_role, parse_error};
use stskit::{Credentials, StsCredentials};
use time::macros::datetime;

fn assert_clean(shown: &[String], secrets: &[&str]) {
    for s in shown {
        for secret in secrets {
            for w in windows(secret) {
                assert!(!s.contains(w), "{w:?} of a secret appears in {s:?}");
            }
        }
    }
}

fn success_body(secret: &str, token: &str) -> String {
    format!(
        "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAPROPTEST</AccessKeyId>\
         <SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken>\
         <Expiration>2031-05-06T07:08:09Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>"
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn no_output_holds_a_secret(
        secret in "[A-Za-z0-9/+]{40}",
        token in "[A-Za-z0-9/+=]{64,200}",
        external_id in "[A-Za-z0-9_+=,.@:/-]{16,64}",
        code in "[0-9]{6}",
    ) {
        let mut shown: Vec<String> = Vec::new();
        let creds = Credentials::new("AKIDPROPTEST", secret.clone(), Some(token.clone()));
        shown.push(format!("{creds:?}"));
        shown.push(format!("{:?} {:?}", creds.secret_access_key(), creds.session_token()));

        // Signing, header and query.
        let mut req = Request::new("POST", "https://sts.amazonaws.com/").with_body(format!("ExternalId={external_id}&TokenCode={code}"));
        let params = SigningParams::new("us-east-1", "sts", datetime!(2026-11-22 12:00:00 UTC));
        let out = sigv4::sign(&mut req, &creds, &params).unwrap();
        let sig = out.signature().expose().to_owned();
        shown.push(format!("{req:?} {out:?} {} {} {}", out.canonical_request(), out.string_to_sign(), out.signature()));
        let mut pre = Request::new("GET", "https://sts.amazonaws.com/?Action=GetCallerIdentity");
        let pout = sigv4::presign(&mut pre, &creds, &params, Duration::from_secs(60)).unwrap();
        let psig = pout.signature().expose().to_owned();
        shown.push(format!("{pre:?} {pout:?} {}", pout.canonical_request()));
        shown.push(format!("{:?}", derive_signing_key(&secret, "20261122", "us-east-1", "sts")));

        // Requests with secret parameters, valid and not.
        let endpoint = Endpoint::resolve(None, Some("aws-global")).unwrap();
        let ar = AssumeRole::new("arn:aws:iam::123456789012:role/demo", "prop")
            .with_external_id(external_id.clone())
            .with_mfa("arn:aws:iam::123456789012:mfa/u", code.clone());
        let unsigned = ar.to_request(&endpoint, true).unwrap();
        shown.push(format!("{ar:?} {unsigned:?}"));
        let bad = AssumeRole::new("arn:aws:iam::123456789012:role/demo", "prop")
            .with_external_id(format!("{external_id} !"))
            .with_mfa("arn:aws:iam::123456789012:mfa/u", format!("{code}x"));
        let e: InputError = bad.validate(false).unwrap_err();
        shown.push(format!("{e} {e:?}"));

        // Responses: success, truncated, and errors around it.
        let body = success_body(&secret, &token);
        let parsed = parse_assume_role(200, &[], body.as_bytes()).unwrap();
        shown.push(format!("{parsed:?} {:?}", parsed.credentials));
        let sts = StsCredentials::new("ASIAX", SecretString::from(secret.clone()), SecretString::from(token.clone()), datetime!(2031-05-06 07:08:09 UTC));
        shown.push(format!("{sts:?} {:?}", sts.to_credentials()));
        for cut in [body.len() / 3, body.len() / 2, body.len() - 30] {
            let e = parse_assume_role(200, &[], &body.as_bytes()[..cut]).unwrap_err();
            shown.push(format!("{e} {e:?}"));
            if let stskit::error::AnswerError::Parse(p) = &e {
                let p: &ParseError = p;
                shown.push(format!("{p}"));
            }
        }
        let bad_exp = body.replace("2031-05-06T07:08:09Z", &secret);
        let e = parse_assume_role(200, &[], bad_exp.as_bytes()).unwrap_err();
        shown.push(format!("{e} {e:?}"));
        let e = parse_error(500, &[], body.as_bytes());
        shown.push(format!("{e} {e:?}"));
        let resp = Response::new(200, vec![("x-amzn-RequestId".into(), "r".into())], body.into_bytes());
        shown.push(format!("{resp:?}"));

        assert_clean(&shown, &[&secret, &token, &external_id, &sig, &psig]);
        // The six-digit code is shorter than a window: check it whole.
        let needle = format!("TokenCode={code}");
        for s in &shown {
            assert!(!s.contains(&needle), "the MFA code appears in {s:?}");
        }
    }
}

/// An answer of `action` carrying the secret fields the model marks sensitive.
fn answer_with_secrets(action: &str, secret: &str, token: &str, jwt: &str) -> String {
    let creds = format!(
        "<Credentials><AccessKeyId>ASIAPROPTEST</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
         <SessionToken>{token}</SessionToken><Expiration>2031-05-06T07:08:09Z</Expiration></Credentials>"
    );
    let inner = match action {
        "GetWebIdentityToken" => {
            format!(
                "<WebIdentityToken>{jwt}</WebIdentityToken><Expiration>2031-05-06T07:08:09Z</Expiration>"
            )
        }
        "AssumeRoleWithWebIdentity" | "AssumeRoleWithSAML" => format!(
            "{creds}<TrustedIdentityPropagationContext><OriginIdentity><Subject>{jwt}</Subject>\
             <SubjectType>{jwt}</SubjectType><Issuer>{jwt}</Issuer></OriginIdentity></TrustedIdentityPropagationContext>"
        ),
        _ => creds,
    };
    format!("<{action}Response><{action}Result>{inner}</{action}Result></{action}Response>")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// The secrets of every other operation: the web identity token, the SAML
    /// assertion, the MFA code of GetSessionToken, the trade-in token as inputs; the
    /// keys, the outbound web identity token and the origin identity as answers.
    #[test]
    fn no_output_of_any_operation_holds_a_secret(
        secret in "[A-Za-z0-9/+]{40}",
        token in "[A-Za-z0-9/+=]{64,200}",
        jwt in "[A-Za-z0-9_-]{20,80}\\.[A-Za-z0-9_-]{20,80}\\.[A-Za-z0-9_-]{20,60}",
        assertion in "[A-Za-z0-9/+]{40,400}",
        trade_in in "[A-Za-z0-9/+=]{20,100}",
        code in "[0-9]{6}",
    ) {
        use stskit::sts::*;
        let mut shown: Vec<String> = Vec::new();
        let endpoint = Endpoint::resolve(None, Some("eu-west-1")).unwrap();
        let role = "arn:aws:iam::123456789012:role/demo";
        let web = AssumeRoleWithWebIdentity::new(role, "prop", SecretString::from(jwt.clone()));
        let saml = AssumeRoleWithSaml::new(role, "arn:aws:iam::123456789012:saml-provider/idp", SecretString::from(assertion.clone()));
        let session = GetSessionToken::new().with_mfa("arn:aws:iam::123456789012:mfa/u", code.clone());
        let delegated = GetDelegatedAccessToken::new(SecretString::from(trade_in.clone()));
        shown.push(format!("{web:?} {:?}", web.to_request(&endpoint, false).unwrap()));
        shown.push(format!("{saml:?} {:?}", saml.to_request(&endpoint, false).unwrap()));
        shown.push(format!("{session:?} {:?}", session.to_request(&endpoint, false).unwrap()));
        shown.push(format!("{delegated:?} {:?}", delegated.to_request(&endpoint, false).unwrap()));
        // Invalid inputs: the errors name the field only.
        let long = AssumeRoleWithWebIdentity::new(role, "prop", SecretString::from(jwt.repeat(400)));
        let e = long.validate(false).unwrap_err();
        shown.push(format!("{e} {e:?}"));
        let bad_code = GetSessionToken::new().with_mfa("arn:aws:iam::123456789012:mfa/u", format!("{code}{code}"));
        let e = bad_code.validate(false).unwrap_err();
        shown.push(format!("{e} {e:?}"));
        let e = web.to_request(&Endpoint::resolve(None, Some("cn-north-1")).unwrap(), false).unwrap_err();
        shown.push(format!("{e} {e:?}"));

        for action in [
            "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML", "AssumeRoot", "GetSessionToken",
            "GetFederationToken", "GetScopedCredentials", "GetDelegatedAccessToken", "GetWebIdentityToken",
        ] {
            let body = answer_with_secrets(action, &secret, &token, &jwt);
            let b = body.as_bytes();
            let out = match action {
                "AssumeRoleWithWebIdentity" => format!("{:?}", AssumeRoleWithWebIdentity::parse(200, &[], b).unwrap()),
                "AssumeRoleWithSAML" => format!("{:?}", AssumeRoleWithSaml::parse(200, &[], b).unwrap()),
                "AssumeRoot" => format!("{:?}", AssumeRoot::parse(200, &[], b).unwrap()),
                "GetSessionToken" => format!("{:?}", GetSessionToken::parse(200, &[], b).unwrap()),
                "GetFederationToken" => format!("{:?}", GetFederationToken::parse(200, &[], b).unwrap()),
                "GetScopedCredentials" => format!("{:?}", GetScopedCredentials::parse(200, &[], b).unwrap()),
                "GetDelegatedAccessToken" => format!("{:?}", GetDelegatedAccessToken::parse(200, &[], b).unwrap()),
                _ => format!("{:?}", GetWebIdentityToken::parse(200, &[], b).unwrap()),
            };
            shown.push(out);
            for cut in [b.len() / 3, b.len() / 2, b.len() - 20] {
                let e = GetWebIdentityToken::parse(200, &[], &b[..cut]).unwrap_err();
                shown.push(format!("{e} {e:?}"));
                let e = AssumeRoleWithWebIdentity::parse(200, &[], &b[..cut]).unwrap_err();
                shown.push(format!("{e} {e:?}"));
            }
            let e = parse_error(400, &[], b);
            shown.push(format!("{e} {e:?}"));
        }
        assert_clean(&shown, &[&secret, &token, &jwt, &assertion, &trade_in]);
        let needle = format!("TokenCode={code}");
        for s in &shown {
            assert!(!s.contains(&needle), "the MFA code appears in {s:?}");
        }
    }
}
