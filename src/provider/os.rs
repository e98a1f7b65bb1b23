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

/// Writes `bytes` to `dir/name` so that no reader ever sees a partial file and no
/// other user can read it: `dir` is created (mode 0700) when missing, the bytes go
/// to a new temporary file `tmp<random>.tmp` in `dir` (mode 0600, created
/// exclusively, so an existing file or link there is never followed), are synced,
/// and the file is renamed over `name`. The temporary file is removed on failure.
///
/// # Errors
/// The `io::Error` of creating, writing, syncing or renaming.
pub fn write_private_file(
    dir: &std::path::Path,
    name: &str,
    bytes: &[u8],
    random: u64,
) -> std::io::Result<()> {
    use std::io::Write;
    create_private_dir(dir)?;
    let tmp = dir.join(format!("tmp{random:016x}.tmp"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, dir.join(name))
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Creates `dir` and any missing parents with mode 0700 (an existing directory is
/// left as it is).
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}
