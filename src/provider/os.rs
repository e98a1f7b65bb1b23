//! The seam to the operating system: environment variables and small files, read so
//! that nothing they hold can hang or mislead the process.

use crate::error::InputError;

/// Reads an environment variable. Unset and empty are `None`; a value that is set but
/// is not valid UTF-8 is an error naming the variable, never "unset" (a token that
/// silently disappears would sign without it, an endpoint would fall back to AWS).
///
/// # Errors
/// [`InputError::Invalid`] naming the variable when its value is not valid UTF-8.
pub fn env_var(name: &'static str) -> Result<Option<String>, InputError> {
    match std::env::var_os(name) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => v.into_string().map(Some).map_err(|_| InputError::Invalid {
            field: name,
            rule: "is set but is not valid UTF-8",
        }),
    }
}

/// Reads a whole small file that must be a regular file: a FIFO, a device, a socket or
/// a directory is refused before it is read, so nothing can block the process waiting
/// for a writer or stream forever. At most `max` bytes.
///
/// # Errors
/// The `io::Error` of opening or reading; [`std::io::ErrorKind::InvalidInput`] for a file
/// that is not a regular file, [`std::io::ErrorKind::FileTooLarge`] for one larger than
/// `max`.
pub fn read_regular_file(path: &std::path::Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    let not_regular = || Error::new(ErrorKind::InvalidInput, "not a regular file");
    // Checked before opening, because opening a FIFO blocks until a writer comes; and
    // again on the opened file, in case the path changed in between.
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_regular());
    }
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    let mut data = Vec::new();
    file.take(max.saturating_add(1)).read_to_end(&mut data)?;
    if data.len() as u64 > max {
        return Err(Error::new(ErrorKind::FileTooLarge, "file too large"));
    }
    Ok(data)
}
