//! The STS behaviour: `AssumeRole` and `GetCallerIdentity` answers and error documents.

use super::server::Incoming;
use super::*;

pub(super) fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(super) fn error_body(code: &str, message: &str, request_id: &str) -> Vec<u8> {
    let kind = if code == "InternalFailure" {
        "Receiver"
    } else {
        "Sender"
    };
    format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>{kind}</Type>\n    \
         <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
        xml_escape(code),
        xml_escape(message)
    )
    .into_bytes()
}

pub(super) fn request_id(n: u64) -> String {
    format!("5ec1d0b1-{:04x}-4000-8000-{:012x}", n & 0xffff, n)
}

/// The answer of [`Reply::Normal`]: (status, body).
pub(super) fn answer(
    req: &Incoming,
    st: &mut State,
    check: SignatureCheck,
    key_id: Option<String>,
    now: OffsetDateTime,
) -> (u16, Vec<u8>) {
    st.issued += 1;
    let rid = request_id(st.issued);
    let err = |status: u16, code: &str, msg: &str| (status, error_body(code, msg, &rid));
    match check {
        SignatureCheck::Valid => {}
        SignatureCheck::Missing => {
            return err(
                403,
                "MissingAuthenticationToken",
                "Request is missing Authentication Token",
            );
        }
        SignatureCheck::UnknownKey | SignatureCheck::BadToken => {
            return err(
                403,
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            );
        }
        SignatureCheck::Mismatch => {
            return err(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
            );
        }
        SignatureCheck::Expired => {
            return err(
                403,
                "SignatureDoesNotMatch",
                "Signature expired: the request time is too far from the server time.",
            );
        }
    }
    let params = form::decode(&req.body);
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("Version") != Some("2011-06-15") {
        return err(
            400,
            "InvalidAction",
            "Could not find operation for the given version",
        );
    }
    let key_id = key_id.unwrap_or_default();
    match get("Action") {
        Some("GetCallerIdentity") => {
            let key = &st.keys[&key_id];
            let body = format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <GetCallerIdentityResult>\n    \
                 <Arn>{}</Arn>\n    <UserId>{}</UserId>\n    <Account>{}</Account>\n  </GetCallerIdentityResult>\n  \
                 <ResponseMetadata>\n    <RequestId>{rid}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
                xml_escape(&key.arn),
                xml_escape(&key.user_id),
                st.account
            );
            (200, body.into_bytes())
        }
        Some("AssumeRole") => {
            let (Some(role_arn), Some(session)) = (get("RoleArn"), get("RoleSessionName")) else {
                return err(
                    400,
                    "ValidationError",
                    "RoleArn and RoleSessionName are required",
                );
            };
            let duration: i64 = get("DurationSeconds")
                .and_then(|d| d.parse().ok())
                .unwrap_or(3600);
            let role_name = role_arn.rsplit('/').next().unwrap_or("role").to_owned();
            let n = st.issued;
            let access_key_id = format!("ASIADOUBLE{n:010}");
            let secret = format!("double/secret+{n:06}+{}", "k".repeat(20));
            let token = format!("FwoGZXIvYXdzEDoubleToken{n:08}{}", "T".repeat(80));
            let Some(expiration) = st
                .fixed_expiration
                .or_else(|| now.checked_add(time::Duration::seconds(duration)))
            else {
                return err(400, "ValidationError", "DurationSeconds is out of range");
            };
            let arn = format!(
                "arn:aws:sts::{}:assumed-role/{role_name}/{session}",
                st.account
            );
            let role_id = format!("AROADOUBLE{n:08}:{session}");
            let exp_text = format_rfc3339(expiration);
            let source_identity = get("SourceIdentity")
                .map(|s| format!("    <SourceIdentity>{}</SourceIdentity>\n", xml_escape(s)))
                .unwrap_or_default();
            let packed = get("Policy")
                .map(|_| "    <PackedPolicySize>6</PackedPolicySize>\n")
                .unwrap_or("");
            let body = format!(
                "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <AssumeRoleResult>\n{source_identity}    \
                 <AssumedRoleUser>\n      <AssumedRoleId>{}</AssumedRoleId>\n      <Arn>{}</Arn>\n    </AssumedRoleUser>\n    \
                 <Credentials>\n      <AccessKeyId>{access_key_id}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      \
                 <SessionToken>{token}</SessionToken>\n      <Expiration>{exp_text}</Expiration>\n    </Credentials>\n{packed}  \
                 </AssumeRoleResult>\n  <ResponseMetadata>\n    <RequestId>{rid}</RequestId>\n  </ResponseMetadata>\n</AssumeRoleResponse>\n",
                xml_escape(&role_id),
                xml_escape(&arn),
                xml_escape(&secret),
            );
            st.keys.insert(
                access_key_id,
                Key {
                    secret,
                    token: Some(token),
                    arn,
                    user_id: role_id,
                },
            );
            (200, body.into_bytes())
        }
        _ => err(400, "InvalidAction", "Could not find operation"),
    }
}
