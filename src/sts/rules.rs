//! Field checks shared by the operations: each names the STS field and the rule, never
//! the value.

use crate::error::InputError;

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
            "SourceIdentity" => "must be 2 to 64 characters of [\\w+=,.@-]",
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
