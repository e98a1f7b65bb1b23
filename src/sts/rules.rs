//! Field checks shared by the operations: each names the STS field and the rule, never
//! the value.

use crate::sts::input::InputError;

pub(crate) fn invalid(field: &'static str, rule: &'static str) -> InputError {
    InputError::Invalid { field, rule }
}

pub(crate) fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `[\w+=,.@-]` plus `extra`, `min..=max` characters.
pub(crate) fn check_name_like(
    field: &'static str,
    s: &str,
    min: usize,
    max: usize,
    extra: &str,
) -> Result<(), InputError> {
    let n = s.chars().count();
    let ok_chars = s
        .chars()
        .all(|c| is_word(c) || "+=,.@-".contains(c) || extra.contains(c));
    if n < min || n > max || !ok_chars {
        let rule = match field {
            "RoleSessionName" => "must be 2 to 64 characters of [\\w+=,.@-]",
            "SourceIdentity" => "must be 2 to 256 characters of [\\w+=,.@-]",
            "Name" => "must be 2 to 32 characters of [\\w+=,.@-]",
            "SerialNumber" => "must be 9 to 256 characters of [\\w+=/:,.@-]",
            _ => "has a wrong length or character",
        };
        return Err(invalid(field, rule));
    }
    Ok(())
}

pub(crate) fn check_external_id(s: &str) -> Result<(), InputError> {
    let n = s.chars().count();
    if !(2..=1224).contains(&n) || !s.chars().all(|c| is_word(c) || "+=,.@:/-".contains(c)) {
        return Err(invalid(
            "ExternalId",
            "must be 2 to 1224 characters of [\\w+=,.@:/-]",
        ));
    }
    Ok(())
}

pub(crate) fn arn_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

pub(crate) fn check_arn_text(field: &'static str, s: &str) -> Result<(), InputError> {
    let n = s.chars().count();
    if !(20..=2048).contains(&n) || !s.chars().all(arn_char) {
        return Err(invalid(field, "ARN must be 20 to 2048 characters"));
    }
    Ok(())
}

/// `arn:PARTITION:iam::ACCOUNT:role/NAME`, 20-2048 characters.
pub(crate) fn check_role_arn(field: &'static str, s: &str) -> Result<(), InputError> {
    check_arn_text(field, s)?;
    let shape = "must look like arn:PARTITION:iam::ACCOUNT:role/NAME";
    let mut parts = s.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(invalid(field, shape));
    };
    let partition_ok = !partition.is_empty()
        && partition
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    let name_ok = resource
        .strip_prefix("role/")
        .is_some_and(|rest| !rest.is_empty() && !rest.ends_with('/'));
    if !partition_ok || !account_ok || !name_ok {
        return Err(invalid(field, shape));
    }
    Ok(())
}

/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, `min..=max` characters.
pub(crate) fn check_tag_text(
    field: &'static str,
    s: &str,
    min: usize,
    max: usize,
) -> Result<(), InputError> {
    let n = s.chars().count();
    let ok = s.chars().all(|c| {
        c.is_alphanumeric()
            || c == ' '
            || c.is_whitespace() && !c.is_control()
            || "_.:/=+-@".contains(c)
    });
    if n < min || n > max || !ok {
        return Err(invalid(
            field,
            if min == 0 {
                "tag value must be 0 to 256 letters, digits, spaces or _.:/=+-@"
            } else {
                "tag key must be 1 to 128 letters, digits, spaces or _.:/=+-@"
            },
        ));
    }
    Ok(())
}

/// `min..=max` characters (Unicode scalar values, as the model counts).
pub(crate) fn check_len(
    field: &'static str,
    s: &str,
    min: usize,
    max: usize,
    rule: &'static str,
) -> Result<(), InputError> {
    let n = s.chars().count();
    if n < min || n > max {
        return Err(invalid(field, rule));
    }
    Ok(())
}

/// A session policy: at least one character, at most `max` when the model caps it,
/// tab, line breaks and U+0020 to U+00FF only.
pub(crate) fn check_policy(policy: Option<&str>, max: Option<usize>) -> Result<(), InputError> {
    let Some(p) = policy else { return Ok(()) };
    let n = p.chars().count();
    if n == 0 || max.is_some_and(|m| n > m) {
        return Err(invalid(
            "Policy",
            if max.is_some() {
                "must be 1 to 2048 characters"
            } else {
                "must not be empty"
            },
        ));
    }
    if !p
        .chars()
        .all(|c| matches!(c, '\t' | '\n' | '\r' | ' '..='\u{ff}'))
    {
        return Err(invalid(
            "Policy",
            "must hold only tab, line breaks and U+0020 to U+00FF",
        ));
    }
    Ok(())
}

/// Managed session policies: at most 10 ARNs (the documented limit).
pub(crate) fn check_policy_arns(arns: &[String]) -> Result<(), InputError> {
    if arns.len() > 10 {
        return Err(invalid("PolicyArns", "at most 10"));
    }
    for arn in arns {
        check_arn_text("PolicyArns", arn)?;
    }
    Ok(())
}

/// Session tags: at most 50, keys unique ignoring case.
pub(crate) fn check_tags(tags: &[(String, String)]) -> Result<(), InputError> {
    if tags.len() > 50 {
        return Err(invalid("Tags", "at most 50"));
    }
    for (i, (k, v)) in tags.iter().enumerate() {
        check_tag_text("Tags", k, 1, 128)?;
        check_tag_text("Tags", v, 0, 256)?;
        if tags[..i]
            .iter()
            .any(|(other, _)| other.to_lowercase() == k.to_lowercase())
        {
            return Err(invalid("Tags", "keys must be unique, ignoring case"));
        }
    }
    Ok(())
}

/// `DurationSeconds` within `min..=max`.
pub(crate) fn check_duration(
    seconds: Option<u32>,
    min: u32,
    max: u32,
    rule: &'static str,
) -> Result<(), InputError> {
    match seconds {
        Some(s) if s < min || s > max => Err(invalid("DurationSeconds", rule)),
        _ => Ok(()),
    }
}

/// `MinimumSessionTokenSize`: 0 to 4096.
pub(crate) fn check_min_token_size(size: Option<u32>) -> Result<(), InputError> {
    match size {
        Some(s) if s > 4096 => Err(invalid("MinimumSessionTokenSize", "must be 0 to 4096")),
        _ => Ok(()),
    }
}

/// An MFA device and code: both or neither; the serial 9-256 characters of
/// `[\w+=/:,.@-]`, the code six digits.
pub(crate) fn check_mfa(serial: Option<&str>, code: Option<&str>) -> Result<(), InputError> {
    match (serial, code) {
        (Some(serial), Some(code)) => {
            check_name_like("SerialNumber", serial, 9, 256, "/:")?;
            if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid("TokenCode", "must be 6 digits"));
            }
            Ok(())
        }
        (None, None) => Ok(()),
        _ => Err(invalid(
            "TokenCode",
            "SerialNumber and TokenCode go together",
        )),
    }
}

/// `PolicyArns.member.N.arn`.
pub(crate) fn write_policy_arns(w: &mut crate::sts::form::FormWriter, arns: &[String]) {
    for (i, arn) in arns.iter().enumerate() {
        w.param(&format!("PolicyArns.member.{}.arn", i + 1), arn);
    }
}

/// `Tags.member.N.Key` and `.Value`.
pub(crate) fn write_tags(w: &mut crate::sts::form::FormWriter, tags: &[(String, String)]) {
    for (i, (k, v)) in tags.iter().enumerate() {
        w.param(&format!("Tags.member.{}.Key", i + 1), k);
        w.param(&format!("Tags.member.{}.Value", i + 1), v);
    }
}

/// An optional number.
pub(crate) fn write_number(w: &mut crate::sts::form::FormWriter, key: &str, n: Option<u32>) {
    if let Some(n) = n {
        w.param(key, &n.to_string());
    }
}
