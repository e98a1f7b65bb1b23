//! Every member of every typed answer as JSON with snake_case keys, so tests can
//! compare parsed answers with expected files and check that no member is dropped.

use secrecy::ExposeSecret;
use serde_json::{Value, json};
use stskit::StsCredentials;
use stskit::error::AnswerError as Error;
use stskit::sts::{
    AssumedRoleUser, TrustedIdentityPropagationContext, parse_assume_role_with_saml,
    parse_assume_role_with_web_identity, parse_assume_root, parse_decode_authorization_message,
    parse_get_access_key_info, parse_get_delegated_access_token, parse_get_federation_token,
    parse_get_scoped_credentials, parse_get_session_token, parse_get_web_identity_token,
};
use stskit::sts::{parse_assume_role, parse_caller_identity};

fn creds_json(c: &StsCredentials) -> Vec<(&'static str, Value)> {
    vec![
        ("access_key_id", json!(c.access_key_id())),
        (
            "secret_access_key",
            json!(c.secret_access_key().expose_secret()),
        ),
        ("session_token", json!(c.session_token().expose_secret())),
        ("expiration", json!(rfc3339(c.expiration()))),
    ]
}

/// The instant in nanoseconds since the epoch, fractions kept (the parser keeps them).
pub(crate) fn rfc3339(t: time::OffsetDateTime) -> String {
    t.unix_timestamp_nanos().to_string()
}

fn user_json(u: &Option<AssumedRoleUser>) -> Value {
    u.as_ref().map_or(
        Value::Null,
        |u| json!({"arn": u.arn, "assumed_role_id": u.assumed_role_id}),
    )
}

fn propagation_json(p: &Option<TrustedIdentityPropagationContext>) -> Value {
    p.as_ref().map_or(Value::Null, |p| {
        let origin = p.origin_identity.as_ref().map_or(Value::Null, |o| {
            let s = |v: &Option<secrecy::SecretString>| {
                v.as_ref().map(|v| v.expose_secret().to_owned())
            };
            json!({
                "subject": s(&o.subject),
                "subject_type": s(&o.subject_type),
                "issuer": s(&o.issuer),
                "federated_provider_arn": o.federated_provider_arn,
            })
        });
        let map: serde_json::Map<String, Value> = p
            .identity_provider
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        json!({"origin_identity": origin, "identity_provider": map})
    })
}

/// Every member of the answer `parse` names, as JSON with snake_case keys.
pub(crate) fn dump(parse: &str, status: u16, body: &[u8]) -> Result<Value, Error> {
    let mut m: Vec<(&'static str, Value)> = Vec::new();
    match parse {
        "assume_role" => {
            let o = parse_assume_role(status, &[], body)?;
            m.extend(creds_json(&o.credentials));
            m.push(("assumed_role_user", user_json(&o.assumed_role_user)));
            m.push(("packed_policy_size", json!(o.packed_policy_size)));
            m.push(("source_identity", json!(o.source_identity)));
            m.push((
                "session_token_utilization",
                json!(o.session_token_utilization),
            ));
            m.push(("session_token_size", json!(o.session_token_size)));
            m.push(("request_id", json!(o.request_id)));
        }
        "assume_role_with_saml" => {
            let o = parse_assume_role_with_saml(status, &[], body)?;
            m.extend(creds_json(&o.credentials));
            m.push(("assumed_role_user", user_json(&o.assumed_role_user)));
            m.push(("packed_policy_size", json!(o.packed_policy_size)));
            m.push(("subject", json!(o.subject)));
            m.push(("subject_type", json!(o.subject_type)));
            m.push(("issuer", json!(o.issuer)));
            m.push(("audience", json!(o.audience)));
            m.push(("name_qualifier", json!(o.name_qualifier)));
            m.push(("source_identity", json!(o.source_identity)));
            m.push((
                "session_token_utilization",
                json!(o.session_token_utilization),
            ));
            m.push(("session_token_size", json!(o.session_token_size)));
            m.push((
                "trusted_identity_propagation_context",
                propagation_json(&o.trusted_identity_propagation_context),
            ));
            m.push(("request_id", json!(o.request_id)));
        }
        "assume_role_with_web_identity" => {
            let o = parse_assume_role_with_web_identity(status, &[], body)?;
            m.extend(creds_json(&o.credentials));
            m.push((
                "subject_from_web_identity_token",
                json!(o.subject_from_web_identity_token),
            ));
            m.push(("assumed_role_user", user_json(&o.assumed_role_user)));
            m.push(("packed_policy_size", json!(o.packed_policy_size)));
            m.push(("provider", json!(o.provider)));
            m.push(("audience", json!(o.audience)));
            m.push(("source_identity", json!(o.source_identity)));
            m.push((
                "session_token_utilization",
                json!(o.session_token_utilization),
            ));
            m.push(("session_token_size", json!(o.session_token_size)));
            m.push((
                "trusted_identity_propagation_context",
                propagation_json(&o.trusted_identity_propagation_context),
            ));
            m.push(("request_id", json!(o.request_id)));
        }
        "assume_root" => {
            let o = parse_assume_root(status, &[], body)?;
            m.extend(creds_json(&o.credentials));
            m.push(("source_identity", json!(o.source_identity)));
            m.push((
                "session_token_utilization",
                json!(o.session_token_utilization),
            ));
            m.push(("session_token_size", json!(o.session_token_size)));
            m.push(("request_id", json!(o.request_id)));
        }
        "get_session_token" => {
            let o = parse_get_session_token(status, &[], body)?;
            m.extend(creds_json(&o.credentials));
            m.push((
                "session_token_utilization",
                json!(o.session_token_utilization),
            ));
            m.push(("session_token_size", json!(o.session_token_size)));
            m.push(("request_id", json!(o.request_id)));
        }
        "get_federation_token" => {
            let o = parse_get_federation_token(status, &[], body)?;
            m.extend(creds_json(&o.credentials));
            m.push((
                "federated_user",
                o.federated_user.as_ref().map_or(
                    Value::Null,
                    |u| json!({"arn": u.arn, "federated_user_id": u.federated_user_id}),
                ),
            ));
            m.push(("packed_policy_size", json!(o.packed_policy_size)));
            m.push((
                "session_token_utilization",
                json!(o.session_token_utilization),
            ));
            m.push(("session_token_size", json!(o.session_token_size)));
            m.push(("request_id", json!(o.request_id)));
        }
        "get_scoped_credentials" => {
            let o = parse_get_scoped_credentials(status, &[], body)?;
            m.extend(creds_json(&o.credentials));
            m.push((
                "session_info",
                o.session_info.as_ref().map_or(
                    Value::Null,
                    |i| json!({"scoped_session_id": i.scoped_session_id, "arn": i.arn}),
                ),
            ));
            m.push((
                "session_token_utilization",
                json!(o.session_token_utilization),
            ));
            m.push(("session_token_size", json!(o.session_token_size)));
            m.push(("scoped_policies_count", json!(o.scoped_policies_count)));
            m.push(("source_identity", json!(o.source_identity)));
            m.push(("request_id", json!(o.request_id)));
        }
        "get_delegated_access_token" => {
            let o = parse_get_delegated_access_token(status, &[], body)?;
            m.extend(creds_json(&o.credentials));
            m.push(("packed_policy_size", json!(o.packed_policy_size)));
            m.push(("assumed_principal", json!(o.assumed_principal)));
            m.push(("request_id", json!(o.request_id)));
        }
        "get_web_identity_token" => {
            let o = parse_get_web_identity_token(status, &[], body)?;
            m.push((
                "web_identity_token",
                json!(o.web_identity_token.expose_secret()),
            ));
            m.push(("expiration", json!(o.expiration.map(rfc3339))));
            m.push(("request_id", json!(o.request_id)));
        }
        "get_caller_identity" => {
            let o = parse_caller_identity(status, &[], body)?;
            m.push(("user_id", json!(o.user_id)));
            m.push(("account", json!(o.account)));
            m.push(("arn", json!(o.arn)));
            m.push(("request_id", json!(o.request_id)));
        }
        "get_access_key_info" => {
            let o = parse_get_access_key_info(status, &[], body)?;
            m.push(("account", json!(o.account)));
            m.push(("request_id", json!(o.request_id)));
        }
        "decode_authorization_message" => {
            let o = parse_decode_authorization_message(status, &[], body)?;
            m.push(("decoded_message", json!(o.decoded_message)));
            m.push(("request_id", json!(o.request_id)));
        }
        other => panic!("unknown parser {other}"),
    }
    Ok(Value::Object(
        m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    ))
}

/// The parsers by the names the expected files use.
pub(crate) const PARSERS: [&str; 12] = [
    "assume_role",
    "assume_role_with_saml",
    "assume_role_with_web_identity",
    "assume_root",
    "get_session_token",
    "get_federation_token",
    "get_scoped_credentials",
    "get_delegated_access_token",
    "get_web_identity_token",
    "get_caller_identity",
    "get_access_key_info",
    "decode_authorization_message",
];
