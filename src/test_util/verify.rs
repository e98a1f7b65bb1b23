//! SigV4 checking of a received request, the way STS checks it.

use super::server::Incoming;
use super::*;

pub(super) fn parse_authorization(
    v: &str,
) -> Option<(String, String, String, String, String, String)> {
    let rest = v.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, val) = part.trim().split_once('=')?;
        match k {
            "Credential" => credential = Some(val),
            "SignedHeaders" => signed = Some(val),
            "Signature" => signature = Some(val),
            _ => return None,
        }
    }
    let mut c = credential?.split('/');
    let (id, date, region, service, term) = (c.next()?, c.next()?, c.next()?, c.next()?, c.next()?);
    if term != "aws4_request" || c.next().is_some() {
        return None;
    }
    Some((
        id.to_owned(),
        date.to_owned(),
        region.to_owned(),
        service.to_owned(),
        signed?.to_owned(),
        signature?.to_owned(),
    ))
}

pub(super) fn parse_amz_date(s: &str) -> Option<OffsetDateTime> {
    if s.len() != 16 || s.as_bytes()[8] != b'T' || !s.ends_with('Z') {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let date = time::Date::from_calendar_date(
        n(0..4)? as i32,
        time::Month::try_from(n(4..6)? as u8).ok()?,
        n(6..8)? as u8,
    )
    .ok()?;
    let t = time::Time::from_hms(n(9..11)? as u8, n(11..13)? as u8, n(13..15)? as u8).ok()?;
    Some(date.with_time(t).assume_utc())
}

/// Verifies a request the way STS does, with our signer over the signed headers only.
pub(super) fn check_signature(
    req: &Incoming,
    st: &State,
    now: OffsetDateTime,
) -> (SignatureCheck, Option<(String, String)>, Option<String>) {
    let header = |name: &str| find_header(&req.headers, name);
    if header("authorization").is_none() && query_param(&req.target, "X-Amz-Signature").is_some() {
        return check_presigned(req, st, now);
    }
    let Some((id, date, region, service, signed, signature)) =
        header("authorization").and_then(parse_authorization)
    else {
        return (SignatureCheck::Missing, None, None);
    };
    let scope = Some((region.clone(), service.clone()));
    let Some(key) = st.keys.get(&id) else {
        return (SignatureCheck::UnknownKey, scope, None);
    };
    let sent_token = header("x-amz-security-token");
    if key.token.is_some() && key.token.as_deref() != sent_token {
        return (SignatureCheck::BadToken, scope, Some(id));
    }
    let Some(time) = header("x-amz-date").and_then(parse_amz_date) else {
        return (SignatureCheck::Mismatch, scope, Some(id));
    };
    if header("x-amz-date").and_then(|d| d.get(..8)) != Some(date.as_str()) {
        return (SignatureCheck::Mismatch, scope, Some(id));
    }
    if (time - now).abs() > time::Duration::minutes(15) {
        return (SignatureCheck::Expired, scope, Some(id));
    }
    let signed_names: Vec<&str> = signed.split(';').collect();
    let mut rebuilt =
        Request::new(req.method.clone(), req.target.clone()).with_body(req.body.clone());
    for (n, v) in &req.headers {
        let lower = n.to_ascii_lowercase();
        if signed_names.contains(&lower.as_str()) {
            rebuilt.append_header(n.clone(), v.clone());
        }
    }
    let token_signed = signed_names.contains(&"x-amz-security-token");
    let creds = Credentials::new(
        id.clone(),
        key.secret.clone(),
        sent_token.map(str::to_owned),
    );
    let settings = SigningSettings::default().with_session_token(if token_signed {
        SessionTokenMode::Signed
    } else {
        SessionTokenMode::AddAfterSigning
    });
    let params = SigningParams::new(&region, &service, time).with_settings(settings);
    let ok = match sigv4::sign(&mut rebuilt, &creds, &params) {
        Ok(out) => {
            out.signature().expose() == signature
                && out.canonical_request().signed_headers() == signed
                && out.string_to_sign().scope().starts_with(&date)
        }
        Err(_) => false,
    };
    (
        if ok {
            SignatureCheck::Valid
        } else {
            SignatureCheck::Mismatch
        },
        scope,
        Some(id),
    )
}

/// The query parameters a presigned URL adds (the signature's own).
pub(super) const QUERY_AUTH: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

/// How long after its `X-Amz-Date` STS accepts a presigned request, whatever its
/// `X-Amz-Expires` says.
const PRESIGNED_WINDOW: time::Duration = time::Duration::minutes(15);

/// The decoded value of the query parameter `name` of `target`.
pub(super) fn query_param(target: &str, name: &str) -> Option<String> {
    let query = crate::http::UrlParts::of(target).query?;
    form::decode(query.as_bytes())
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

/// Verifies a presigned (query-signed) request the way STS does: the signature over
/// the query and the signed headers, and the 15 minutes after `X-Amz-Date`.
fn check_presigned(
    req: &Incoming,
    st: &State,
    now: OffsetDateTime,
) -> (SignatureCheck, Option<(String, String)>, Option<String>) {
    let get = |name: &str| query_param(&req.target, name);
    let parts = (
        get("X-Amz-Algorithm"),
        get("X-Amz-Credential"),
        get("X-Amz-Date"),
        get("X-Amz-Expires"),
        get("X-Amz-SignedHeaders"),
        get("X-Amz-Signature"),
    );
    let (
        Some(algorithm),
        Some(credential),
        Some(date),
        Some(expires),
        Some(signed),
        Some(signature),
    ) = parts
    else {
        return (SignatureCheck::Missing, None, None);
    };
    let pieces: Vec<&str> = credential.split('/').collect();
    let [id, day, region, service, "aws4_request"] = pieces[..] else {
        return (SignatureCheck::Missing, None, None);
    };
    if algorithm != "AWS4-HMAC-SHA256" {
        return (SignatureCheck::Missing, None, None);
    }
    let scope = Some((region.to_owned(), service.to_owned()));
    let id = id.to_owned();
    let Some(key) = st.keys.get(&id) else {
        return (SignatureCheck::UnknownKey, scope, None);
    };
    let sent_token = get("X-Amz-Security-Token");
    if key.token.is_some() && key.token != sent_token {
        return (SignatureCheck::BadToken, scope, Some(id));
    }
    let mismatch = || (SignatureCheck::Mismatch, scope.clone(), Some(id.clone()));
    let (Some(time), Ok(expires)) = (parse_amz_date(&date), expires.parse::<u64>()) else {
        return mismatch();
    };
    if date.get(..8) != Some(day) {
        return mismatch();
    }
    if now - time > PRESIGNED_WINDOW || time - now > PRESIGNED_WINDOW {
        return (SignatureCheck::Expired, scope, Some(id));
    }
    let target = crate::http::UrlParts::of(&req.target);
    let (path, query) = (target.path, target.query.unwrap_or_default());
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !QUERY_AUTH.contains(&p.split('=').next().unwrap_or_default()))
        .collect();
    let target = if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    };
    let signed_names: Vec<&str> = signed.split(';').collect();
    let mut rebuilt = Request::new(req.method.clone(), target).with_body(req.body.clone());
    for (n, v) in &req.headers {
        if signed_names.contains(&n.to_ascii_lowercase().as_str()) {
            rebuilt.append_header(n.clone(), v.clone());
        }
    }
    let creds = Credentials::new(id.clone(), key.secret.clone(), sent_token);
    let params = SigningParams::new(region, service, time);
    let ok = match sigv4::presign(&mut rebuilt, &creds, &params, Duration::from_secs(expires)) {
        Ok(out) => {
            out.signature().expose() == signature
                && out.canonical_request().signed_headers() == signed
        }
        Err(_) => false,
    };
    if ok {
        (SignatureCheck::Valid, scope, Some(id))
    } else {
        mismatch()
    }
}
