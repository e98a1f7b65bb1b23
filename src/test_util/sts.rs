//! The STS behaviour: the signature and unsigned-call checks, error documents, and the
//! dispatch to each operation's answer (in `ops`).

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

/// The calls STS serves without a signature.
const UNSIGNED: [&str; 2] = ["AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"];

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
    // A presigned GET carries its parameters in the query.
    let params = match (
        req.method.as_str(),
        crate::http::UrlParts::of(&req.target).query,
    ) {
        ("GET", Some(query)) => form::decode(query.as_bytes()),
        _ => form::decode(&req.body),
    };
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let action = get("Action").unwrap_or_default();
    if UNSIGNED.contains(&action) {
        // The double holds unsigned calls to what the model says: nothing that signs.
        if check != SignatureCheck::Missing
            || find_header(&req.headers, "authorization").is_some()
            || find_header(&req.headers, "x-amz-security-token").is_some()
        {
            return err(
                400,
                "StsDoubleUnexpectedSignature",
                "this call is unsigned: it must carry no Authorization and no X-Amz-Security-Token",
            );
        }
    } else {
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
    }
    if get("Version") != Some("2011-06-15") {
        return err(
            400,
            "InvalidAction",
            "Could not find operation for the given version",
        );
    }
    let call = super::ops::Call {
        get: &get,
        key_id: key_id.unwrap_or_default(),
        now,
        rid: &rid,
    };
    match super::ops::respond(action, &call, st) {
        Ok(body) => (200, body.into_bytes()),
        Err((status, code, message)) => err(status, code, &message),
    }
}
