//! Properties of the pure core over generated input (proptest).

use proptest::prelude::*;
use stskit::sts::{
    AssumeRole, Operation, form, parse_assume_role, parse_caller_identity, parse_error,
};

const GOOD: &[&str] = &[
    include_str!("../../fixtures/sts/assume_role.ok.aws-docs.xml"),
    include_str!("../../fixtures/sts/assume_role.ok.smithy-rs.xml"),
    include_str!("../../fixtures/sts/get_session_token.ok.botocore.xml"),
    include_str!(
        "../../fixtures/sts/assume_role_with_web_identity.ok.smithy-rs.web_identity_token_env.xml"
    ),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// The parsers never panic, whatever the bytes and status.
    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(status in 0u16..700, body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_assume_role(status, &[], &body);
        let _ = parse_caller_identity(status, &[], &body);
        let _ = parse_error(status, &[], &body);
    }

    /// Nor on XML-shaped noise built from STS element names.
    #[test]
    fn parsers_never_panic_on_xml_shaped_noise(parts in proptest::collection::vec(prop_oneof![
        Just("<AssumeRoleResponse>"), Just("</AssumeRoleResponse>"), Just("<AssumeRoleResult>"), Just("</AssumeRoleResult>"),
        Just("<Credentials>"), Just("</Credentials>"), Just("<AccessKeyId>"), Just("</AccessKeyId>"),
        Just("<SessionToken>"), Just("</SessionToken>"), Just("<Expiration>"), Just("</Expiration>"),
        Just("2031-05-06T07:08:09Z"), Just("&amp;"), Just("&#0;"), Just("&x;"), Just("<![CDATA[x]]>"), Just("<!-- c -->"),
        Just("<?xml version=\"1.0\"?>"), Just("<!DOCTYPE x>"), Just("<a/>"), Just("text"), Just(" "), Just("<"), Just(">"),
        Just("<ErrorResponse>"), Just("<Error>"), Just("<Code>"), Just("</Code>"), Just("</Error>"),
    ], 0..40)) {
        let body = parts.concat();
        let _ = parse_assume_role(200, &[], body.as_bytes());
        let _ = parse_error(400, &[], body.as_bytes());
    }

    /// Any byte-truncated good response is an error, never credentials.
    #[test]
    fn truncated_good_responses_are_errors(which in 0..GOOD.len(), cut in 0usize..2000) {
        let body = GOOD[which].as_bytes();
        let complete = body.len() - body.iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
        let cut = cut % complete;
        prop_assert!(parse_assume_role(200, &[], &body[..cut]).is_err());
    }

    /// Form encoding decodes back to the original with a standard decoder.
    #[test]
    fn form_encoding_round_trips_through_a_standard_decoder(
        params in proptest::collection::vec(("\\PC{0,12}", "\\PC{0,40}"), 0..8)
    ) {
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let body = form::encode(&pairs);
        prop_assert!(body.iter().all(|b| b.is_ascii_alphanumeric() || b"-_.~+%&=".contains(b)));
        let decoded: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
        let want: Vec<(String, String)> = if pairs.is_empty() { vec![] } else { params.clone() };
        prop_assert_eq!(decoded, want);
        prop_assert_eq!(form::decode(&body), if pairs.is_empty() { vec![] } else { params });
    }

    /// An AssumeRole body decodes back to exactly its parameters.
    #[test]
    fn assume_role_body_decodes_to_its_parameters(ext in "\\PC{1,30}", policy in "\\PC{1,60}", tag in ("\\PC{1,10}", "\\PC{0,10}")) {
        let body = AssumeRole::new("arn:aws:iam::123456789012:role/r", "s1")
            .with_external_id(ext.clone())
            .with_policy(policy.clone())
            .with_tag(tag.0.clone(), tag.1.clone())
            .form_body();
        let decoded: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
        let get = |k: &str| decoded.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        prop_assert_eq!(get("Action"), Some("AssumeRole".to_string()));
        prop_assert_eq!(get("ExternalId"), Some(ext));
        prop_assert_eq!(get("Policy"), Some(policy));
        prop_assert_eq!(get("Tags.member.1.Key"), Some(tag.0));
        prop_assert_eq!(get("Tags.member.1.Value"), Some(tag.1));
    }
}
