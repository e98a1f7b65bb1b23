//! What goes to stdout: `credential_process` JSON, or export lines for a shell.

use crate::StsCredentials;
use crate::date::format_rfc3339;
use crate::sts::CallerIdentity;
use secrecy::ExposeSecret;

use super::failure::{EXIT_NO_ANSWER, Failure};

/// The `--output` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Env,
    Fish,
    PowerShell,
}

fn json_object(fields: &[(&str, &str)], version: bool) -> String {
    let mut out = String::with_capacity(1024);
    out.push('{');
    if version {
        out.push_str("\"Version\":1");
    }
    for (i, (k, v)) in fields.iter().enumerate() {
        if version || i > 0 {
            out.push(',');
        }
        crate::pyjson::string(&mut out, k);
        out.push(':');
        crate::pyjson::string(&mut out, v);
    }
    out.push_str("}\n");
    out
}

/// POSIX shell single quotes: `'` becomes `'\''`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// fish single quotes: only `\` and `'` are special.
fn fish_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// PowerShell single quotes: `'` (and its typographic forms) doubled.
fn ps_quote(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// The credentials in `format`. The parser accepts only visible ASCII in the key id,
/// secret and token; a shell format checks again, since a shell's quotes cannot make a
/// control character safe for the terminal.
pub(crate) fn credentials(c: &StsCredentials, format: Format) -> Result<String, Failure> {
    let expiration = format_rfc3339(c.expiration());
    render(
        &[
            ("AccessKeyId", "AWS_ACCESS_KEY_ID", c.access_key_id()),
            (
                "SecretAccessKey",
                "AWS_SECRET_ACCESS_KEY",
                c.secret_access_key().expose_secret(),
            ),
            (
                "SessionToken",
                "AWS_SESSION_TOKEN",
                c.session_token().expose_secret(),
            ),
            ("Expiration", "AWS_CREDENTIAL_EXPIRATION", &expiration),
        ],
        format,
        "STS returned",
    )
}

/// Credentials as (JSON member, variable, value) in `format`: one line of
/// `credential_process` JSON, or export lines for a shell. A shell format refuses a
/// value that is not visible ASCII (no quoting makes a control character safe for a
/// terminal); `whose` says where the value came from in that error.
fn render(vars: &[(&str, &str, &str)], format: Format, whose: &str) -> Result<String, Failure> {
    if format != Format::Json {
        for (_, name, value) in vars {
            if !value.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Failure {
                    code: EXIT_NO_ANSWER,
                    message: format!("{whose} a {name} that is not safe to print for a shell"),
                });
            }
        }
    }
    Ok(match format {
        Format::Json => {
            let fields: Vec<(&str, &str)> = vars.iter().map(|(k, _, v)| (*k, *v)).collect();
            json_object(&fields, true)
        }
        Format::Env => vars
            .iter()
            .map(|(_, k, v)| format!("export {k}={}\n", sh_quote(v)))
            .collect(),
        Format::Fish => vars
            .iter()
            .map(|(_, k, v)| format!("set -gx {k} {};\n", fish_quote(v)))
            .collect(),
        Format::PowerShell => vars
            .iter()
            .map(|(_, k, v)| format!("$Env:{k} = {}\n", ps_quote(v)))
            .collect(),
    })
}

/// Variables as (JSON member, variable, value) in `format` (`stskit serve`): export
/// lines for a shell, each value visible ASCII.
pub(crate) fn variables(vars: &[(&str, &str, &str)], format: Format) -> Result<String, Failure> {
    render(vars, format, "stskit has")
}

/// One line of JSON: an object of string members.
pub(crate) fn json_line(fields: &[(&str, &str)]) -> String {
    json_object(fields, false)
}

/// Resolved source credentials, as `aws configure export-credentials` prints them:
/// static keys without `SessionToken` and `Expiration`.
pub(crate) fn provided(p: &crate::provider::Provided, format: Format) -> Result<String, Failure> {
    let c = &p.credentials;
    let expiration = p.expiration.map(format_rfc3339);
    let mut vars: Vec<(&str, &str, &str)> = vec![
        ("AccessKeyId", "AWS_ACCESS_KEY_ID", c.access_key_id()),
        (
            "SecretAccessKey",
            "AWS_SECRET_ACCESS_KEY",
            c.secret_access_key().expose_secret(),
        ),
    ];
    if let Some(t) = c.session_token() {
        vars.push(("SessionToken", "AWS_SESSION_TOKEN", t.expose_secret()));
    }
    if let Some(e) = &expiration {
        vars.push(("Expiration", "AWS_CREDENTIAL_EXPIRATION", e));
    }
    render(&vars, format, "the source gave")
}

pub(crate) fn caller_identity(who: &CallerIdentity) -> Result<String, Failure> {
    Ok(json_object(
        &[
            ("UserId", &who.user_id),
            ("Account", &who.account),
            ("Arn", &who.arn),
        ],
        false,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_is_safe_for_each_shell() {
        assert_eq!(sh_quote("a'b$c`d\\"), "'a'\\''b$c`d\\'");
        assert_eq!(fish_quote("a'b\\c$d"), "'a\\'b\\\\c$d'");
        assert_eq!(ps_quote("a'b$c\u{2019}"), "'a''b$c\u{2019}\u{2019}'");
        let mut j = String::new();
        crate::pyjson::string(&mut j, "a\"b\\c\n\u{1}\u{7f}\u{202e}\u{1f600}é");
        assert_eq!(
            j,
            "\"a\\\"b\\\\c\\n\\u0001\\u007f\\u202e\\ud83d\\ude00\\u00e9\""
        );
        let back: String = serde_json::from_str(&j).unwrap();
        assert_eq!(back, "a\"b\\c\n\u{1}\u{7f}\u{202e}\u{1f600}é");
    }
}
