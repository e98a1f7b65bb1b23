//! The double's answer to each STS operation: credentials it issues (and then accepts
//! for signing), identities, and the service rules a client is most likely to break
//! (who may call what).

use super::sts::xml_escape;
use super::*;

/// One decoded call.
pub(super) struct Call<'a> {
    pub(super) get: &'a dyn Fn(&str) -> Option<&'a str>,
    pub(super) key_id: String,
    pub(super) now: OffsetDateTime,
    pub(super) rid: &'a str,
}

/// An error answer: (status, code, message).
type Fail = (u16, &'static str, String);

fn fail(status: u16, code: &'static str, message: &str) -> Fail {
    (status, code, message.to_owned())
}

/// Credentials the double issued in one answer.
struct Issued {
    access_key_id: String,
    xml: String,
}

/// Issues credentials valid for `DurationSeconds` (else `default`) and remembers them
/// as a key the double accepts, for `arn`/`user_id`.
fn issue(st: &mut State, c: &Call, default: i64, arn: &str, user_id: &str) -> Result<Issued, Fail> {
    let duration: i64 = match (c.get)("DurationSeconds") {
        None => default,
        Some(d) => d
            .parse()
            .map_err(|_| fail(400, "ValidationError", "DurationSeconds is not a number"))?,
    };
    let n = st.issued;
    let access_key_id = format!("ASIADOUBLE{n:010}");
    let secret = format!("double/secret+{n:06}+{}", "k".repeat(20));
    let token = format!("FwoGZXIvYXdzEDoubleToken{n:08}{}", "T".repeat(80));
    let expiration = st
        .fixed_expiration
        .or_else(|| c.now.checked_add(time::Duration::seconds(duration)))
        .ok_or_else(|| fail(400, "ValidationError", "DurationSeconds is out of range"))?;
    let xml = format!(
        "    <Credentials>\n      <AccessKeyId>{access_key_id}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      \
         <SessionToken>{token}</SessionToken>\n      <Expiration>{}</Expiration>\n    </Credentials>\n",
        xml_escape(&secret),
        format_rfc3339(expiration)
    );
    st.keys.insert(
        access_key_id.clone(),
        Key {
            secret,
            token: Some(token),
            arn: arn.to_owned(),
            user_id: user_id.to_owned(),
        },
    );
    Ok(Issued { access_key_id, xml })
}

fn envelope(action: &str, result: &str, rid: &str) -> String {
    format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <{action}Result>\n{result}  </{action}Result>\n  \
         <ResponseMetadata>\n    <RequestId>{rid}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n"
    )
}

fn element(name: &str, value: &str) -> String {
    format!("    <{name}>{}</{name}>\n", xml_escape(value))
}

fn required<'a>(c: &Call<'a>, name: &str) -> Result<&'a str, Fail> {
    (c.get)(name).ok_or_else(|| {
        (
            400,
            "ValidationError",
            format!("1 validation error detected: {name} is required"),
        )
    })
}

/// The caller's key (signed calls only reach here with a valid signature).
fn caller<'s>(st: &'s State, c: &Call) -> Result<&'s Key, Fail> {
    st.keys
        .get(&c.key_id)
        .ok_or_else(|| fail(403, "InvalidClientTokenId", "unknown key"))
}

/// An assumed-role session for `role_arn`: its user element and the issued keys.
fn role_session(
    st: &mut State,
    c: &Call,
    role_arn: &str,
    session: &str,
) -> Result<(String, Issued), Fail> {
    let role_name = role_arn.rsplit('/').next().unwrap_or("role");
    let arn = format!(
        "arn:aws:sts::{}:assumed-role/{role_name}/{session}",
        st.account
    );
    let role_id = format!("AROADOUBLE{:08}:{session}", st.issued);
    let issued = issue(st, c, 3600, &arn, &role_id)?;
    let user = format!(
        "    <AssumedRoleUser>\n      <AssumedRoleId>{}</AssumedRoleId>\n      <Arn>{}</Arn>\n    </AssumedRoleUser>\n",
        xml_escape(&role_id),
        xml_escape(&arn)
    );
    Ok((user, issued))
}

/// A short stable digest of a secret input, so answers can name it without showing it.
fn digest(s: &str) -> String {
    crate::text::hex(&crate::sigv4::hash::sha256(s.as_bytes())[..8])
}

/// The answer body for `action`, or an error.
pub(super) fn respond(action: &str, c: &Call, st: &mut State) -> Result<String, Fail> {
    let opt =
        |name: &str, field: &str| (c.get)(name).map(|v| element(field, v)).unwrap_or_default();
    let result = match action {
        "GetCallerIdentity" => {
            let key = caller(st, c)?;
            format!(
                "{}{}{}",
                element("Arn", &key.arn),
                element("UserId", &key.user_id),
                element("Account", &st.account)
            )
        }
        "AssumeRole" => {
            let role_arn = required(c, "RoleArn")?;
            let session = required(c, "RoleSessionName")?;
            let (user, issued) = role_session(st, c, role_arn, session)?;
            let packed = (c.get)("Policy")
                .map(|_| element("PackedPolicySize", "6"))
                .unwrap_or_default();
            format!(
                "{}{user}{}{packed}",
                opt("SourceIdentity", "SourceIdentity"),
                issued.xml
            )
        }
        "AssumeRoleWithWebIdentity" => {
            let role_arn = required(c, "RoleArn")?;
            let session = required(c, "RoleSessionName")?;
            let token = required(c, "WebIdentityToken")?;
            // A JWT is three non-empty base64url parts.
            let parts: Vec<&str> = token.split('.').collect();
            if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
                return Err(fail(
                    400,
                    "InvalidIdentityToken",
                    "The web identity token is not a JWT",
                ));
            }
            let (user, issued) = role_session(st, c, role_arn, session)?;
            format!(
                "{}{user}{}{}{}",
                element(
                    "SubjectFromWebIdentityToken",
                    &format!("double-sub-{}", digest(token))
                ),
                issued.xml,
                element("Provider", "oidc.double.localhost"),
                element("Audience", "sts.amazonaws.com"),
            )
        }
        "AssumeRoleWithSAML" => {
            let role_arn = required(c, "RoleArn")?;
            let principal = required(c, "PrincipalArn")?;
            let assertion = required(c, "SAMLAssertion")?;
            let (user, issued) = role_session(st, c, role_arn, "saml-user")?;
            format!(
                "{user}{}{}{}{}{}{}",
                issued.xml,
                element("Subject", &format!("saml-{}", digest(assertion))),
                element("SubjectType", "persistent"),
                element("Issuer", "https://idp.double.localhost/"),
                element("Audience", "https://signin.aws.amazon.com/saml"),
                element("NameQualifier", &digest(principal)),
            )
        }
        "GetSessionToken" | "GetFederationToken" => {
            let key = caller(st, c)?;
            if key.token.is_some() {
                return Err(fail(
                    403,
                    "AccessDenied",
                    &format!("Cannot call {action} with session credentials"),
                ));
            }
            let (arn, user_id) = (key.arn.clone(), key.user_id.clone());
            if action == "GetSessionToken" {
                issue(st, c, 43200, &arn, &user_id)?.xml
            } else {
                let name = required(c, "Name")?;
                let fed_arn = format!("arn:aws:sts::{}:federated-user/{name}", st.account);
                let fed_id = format!("{}:{name}", st.account);
                let issued = issue(st, c, 43200, &fed_arn, &fed_id)?;
                format!(
                    "{}    <FederatedUser>\n  {}  {}    </FederatedUser>\n{}",
                    issued.xml,
                    element("Arn", &fed_arn),
                    element("FederatedUserId", &fed_id),
                    element("PackedPolicySize", "0"),
                )
            }
        }
        "AssumeRoot" => {
            caller(st, c)?;
            let target = required(c, "TargetPrincipal")?;
            required(c, "TaskPolicyArn.arn")?;
            let account = target.rsplit(':').next().unwrap_or(target).to_owned();
            let arn = format!("arn:aws:iam::{account}:root");
            issue(st, c, 900, &arn, &account)?.xml
        }
        "GetScopedCredentials" => {
            let key = caller(st, c)?;
            if key.token.is_none() {
                return Err(fail(
                    400,
                    "InvalidSubjectCredentials",
                    "GetScopedCredentials needs temporary credentials",
                ));
            }
            let (arn, user_id) = (key.arn.clone(), key.user_id.clone());
            let issued = issue(st, c, 3600, &arn, &user_id)?;
            format!(
                "{}    <SessionInfo>\n  {}  {}    </SessionInfo>\n{}",
                issued.xml,
                element(
                    "ScopedSessionId",
                    &format!("scoped-{}", issued.access_key_id)
                ),
                element("Arn", &arn),
                element("ScopedPoliciesCount", "1"),
            )
        }
        "GetDelegatedAccessToken" => {
            caller(st, c)?;
            let token = required(c, "TradeInToken")?;
            let arn = format!(
                "arn:aws:sts::{}:assumed-role/delegate/{}",
                st.account,
                digest(token)
            );
            let issued = issue(st, c, 3600, &arn, "AROADOUBLEDELEGATE")?;
            format!("{}{}", issued.xml, element("AssumedPrincipal", &arn))
        }
        "GetWebIdentityToken" => {
            caller(st, c)?;
            required(c, "Audience.member.1")?;
            let alg = required(c, "SigningAlgorithm")?;
            let duration: i64 = (c.get)("DurationSeconds")
                .and_then(|d| d.parse().ok())
                .unwrap_or(300);
            let exp = c
                .now
                .checked_add(time::Duration::seconds(duration))
                .unwrap_or(c.now);
            format!(
                "{}{}",
                element(
                    "WebIdentityToken",
                    &format!("eyJhbGciOi{alg}.eyJkb3VibGUi{}.c2lnbmF0dXJl", st.issued)
                ),
                element("Expiration", &format_rfc3339(exp)),
            )
        }
        "GetAccessKeyInfo" => {
            caller(st, c)?;
            required(c, "AccessKeyId")?;
            element("Account", &st.account)
        }
        "DecodeAuthorizationMessage" => {
            caller(st, c)?;
            let message = required(c, "EncodedMessage")?;
            let decoded = format!(
                "{{\"allowed\":false,\"explicitDeny\":false,\"matchedStatements\":{{\"items\":[]}},\"failures\":{{\"items\":[]}},\"context\":{{\"messageDigest\":\"{}\"}}}}",
                digest(message)
            );
            element("DecodedMessage", &decoded)
        }
        _ => return Err(fail(400, "InvalidAction", "Could not find operation")),
    };
    Ok(envelope(action, &result, c.rid))
}
