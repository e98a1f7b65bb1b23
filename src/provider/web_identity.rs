//! Secrets read from files: the web identity token (Kubernetes and CI write and rotate
//! it), and for the command line the SAML assertion and the trade-in token. Read afresh
//! at each call and never kept: the bytes read are wiped once the secret is made.

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::os::Os;
use crate::sts::input::InputError;

/// The largest web identity token file read (the token is at most 20000 characters).
pub(crate) const MAX_WEB_IDENTITY_TOKEN_FILE: u64 = 128 * 1024;
/// The largest SAML assertion file read (the assertion is at most 100000 characters).
#[cfg(feature = "cli")]
pub(crate) const MAX_SAML_ASSERTION_FILE: u64 = 512 * 1024;

/// Reads a secret from the regular file at `path`: UTF-8, at most `max` bytes, white
/// space at either end removed (a trailing newline is common). `field` names the
/// setting in errors; the error never holds any of the file's content.
///
/// # Errors
/// [`InputError::Invalid`] naming `field` when the file is missing, not a regular
/// file, unreadable, too large, not UTF-8 or empty.
pub(crate) fn read_secret_file(
    os: &Os,
    field: &'static str,
    path: &std::path::Path,
    max: u64,
) -> Result<SecretString, InputError> {
    secret(field, os.read_regular_file(path, max))
}

/// As [`read_secret_file`], for a file a command-line flag names: a regular file or a
/// pipe (`/dev/stdin`, `<(...)`), whose writer has `wait` to finish.
///
/// # Errors
/// As [`read_secret_file`]; also when a pipe is not closed in time.
#[cfg(feature = "cli")]
pub(crate) fn read_secret_flag_file(
    os: &Os,
    field: &'static str,
    path: &std::path::Path,
    max: u64,
    wait: std::time::Duration,
) -> Result<SecretString, InputError> {
    secret(field, os.read_file_or_pipe(path, max, wait))
}

/// The secret a read gave, or the rule its failure breaks.
fn secret(field: &'static str, read: std::io::Result<Vec<u8>>) -> Result<SecretString, InputError> {
    let invalid = |rule| InputError::Invalid { field, rule };
    let bytes = Zeroizing::new(read.map_err(|e| {
        invalid(match e.kind() {
            std::io::ErrorKind::NotFound => "the file does not exist",
            std::io::ErrorKind::PermissionDenied => "the file cannot be read (permission denied)",
            std::io::ErrorKind::FileTooLarge => "the file is larger than allowed",
            std::io::ErrorKind::InvalidInput => "must name a regular file (or, for a flag, a pipe)",
            std::io::ErrorKind::TimedOut => {
                "the pipe was not closed by its writer within the command's time"
            }
            _ => "the file cannot be read",
        })
    })?);
    let text = std::str::from_utf8(&bytes).map_err(|_| invalid("the file is not UTF-8"))?;
    let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if trimmed.is_empty() {
        return Err(invalid("the file is empty"));
    }
    Ok(SecretString::from(trimmed))
}

/// Reads a web identity token file (see [`read_secret_file`]), as the SDKs do for
/// `AWS_WEB_IDENTITY_TOKEN_FILE`: call it for each `AssumeRoleWithWebIdentity`, since
/// the file is rotated.
///
/// # Errors
/// As [`read_secret_file`], naming `field`.
pub(crate) fn read_web_identity_token(
    os: &Os,
    field: &'static str,
    path: &std::path::Path,
) -> Result<SecretString, InputError> {
    read_secret_file(os, field, path, MAX_WEB_IDENTITY_TOKEN_FILE)
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn reads_trims_and_refuses_without_showing_content() {
        let dir = std::env::temp_dir().join(format!("stskit-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token");
        std::fs::write(&path, "eyJhbGciOi.tok-en_value\n").unwrap();
        let got = read_web_identity_token(&Os::real(), "token file", &path).unwrap();
        assert_eq!(got.expose_secret(), "eyJhbGciOi.tok-en_value");
        std::fs::write(&path, b"\xffsecret-bytes").unwrap();
        let err = read_web_identity_token(&Os::real(), "token file", &path).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("secret-bytes"));
        std::fs::write(&path, " \n").unwrap();
        assert!(read_web_identity_token(&Os::real(), "token file", &path).is_err());
        assert!(read_web_identity_token(&Os::real(), "token file", &dir.join("absent")).is_err());
        assert!(read_web_identity_token(&Os::real(), "token file", &dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
