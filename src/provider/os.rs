//! [`Os`]: the one seam to the operating system's environment variables and files.
//! Every provider reads (and the caches write) through it, so the whole chain runs on
//! a stand-in ([`Os::fake`]) in tests, with no process environment or disk touched.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{Error, ErrorKind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::sts::input::InputError;

/// The environment and the files stskit reads: the real ones ([`Os::real`], the
/// default), or a map of variables and a map of files ([`Os::fake`]), as aws-config's
/// `ProviderConfig` holds its `Env` and `Fs`. Cloning shares it.
#[derive(Clone, Default)]
pub struct Os {
    fake: Option<Arc<Fake>>,
}

struct Fake {
    env: BTreeMap<String, OsString>,
    files: Mutex<BTreeMap<PathBuf, Vec<u8>>>,
}

impl std::fmt::Debug for Os {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: values and file contents can be secrets.
        match &self.fake {
            None => f.write_str("Os::real"),
            Some(fake) => f
                .debug_struct("Os::fake")
                .field("variables", &fake.env.keys().collect::<Vec<_>>())
                .field("files", &fake.files().keys().cloned().collect::<Vec<_>>())
                .finish(),
        }
    }
}

impl Fake {
    fn files(&self) -> std::sync::MutexGuard<'_, BTreeMap<PathBuf, Vec<u8>>> {
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Os {
    /// The process's environment and the real file system.
    pub fn real() -> Os {
        Os::default()
    }

    /// A stand-in: exactly these variables (nothing of the process's environment) and
    /// these regular files, by absolute path. Writes (the AWS CLI's caches) go to the
    /// map, where [`Os::file`] reads them back.
    ///
    /// ```
    /// use stskit::provider::Os;
    ///
    /// let os = Os::fake([("AWS_PROFILE", "dev"), ("HOME", "/home/me")], [("/home/me/.aws/config", "[profile dev]\n")]);
    /// assert_eq!(os.env_var("AWS_PROFILE")?.as_deref(), Some("dev"));
    /// assert_eq!(os.env_var("AWS_REGION")?, None);
    /// assert!(os.read_regular_file("/home/me/.aws/config".as_ref(), 1024).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fake<K, V, P, B>(
        env: impl IntoIterator<Item = (K, V)>,
        files: impl IntoIterator<Item = (P, B)>,
    ) -> Os
    where
        K: Into<String>,
        V: Into<OsString>,
        P: Into<PathBuf>,
        B: Into<Vec<u8>>,
    {
        Os {
            fake: Some(Arc::new(Fake {
                env: env.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
                files: Mutex::new(
                    files
                        .into_iter()
                        .map(|(p, b)| (p.into(), b.into()))
                        .collect(),
                ),
            })),
        }
    }

    /// Whether this is a stand-in ([`Os::fake`]).
    pub fn is_fake(&self) -> bool {
        self.fake.is_some()
    }

    #[cfg(feature = "cli")]
    /// Every variable, as a child process would inherit them (names and values as the
    /// system holds them, not necessarily UTF-8).
    pub(crate) fn vars(&self) -> Vec<(OsString, OsString)> {
        match &self.fake {
            None => std::env::vars_os().collect(),
            Some(fake) => fake
                .env
                .iter()
                .map(|(k, v)| (OsString::from(k), v.clone()))
                .collect(),
        }
    }

    /// A variable's raw value (unset is `None`).
    pub(crate) fn var_os(&self, name: &str) -> Option<OsString> {
        match &self.fake {
            None => std::env::var_os(name),
            Some(fake) => fake.env.get(name).cloned(),
        }
    }

    /// Reads an environment variable. Unset and empty are `None`; a value that is set
    /// but is not valid UTF-8 is an error naming the variable, never "unset" (a token
    /// that silently disappears would sign without it, an endpoint would fall back to
    /// AWS).
    ///
    /// # Errors
    /// [`InputError::Invalid`] naming the variable when its value is not valid UTF-8.
    pub fn env_var(&self, name: &'static str) -> Result<Option<String>, InputError> {
        match self.var_os(name) {
            None => Ok(None),
            Some(v) if v.is_empty() => Ok(None),
            Some(v) => v.into_string().map(Some).map_err(|_| InputError::Invalid {
                field: name,
                rule: "is set but is not valid UTF-8",
            }),
        }
    }

    /// Expands a leading `~/` with `HOME` (unset `HOME` leaves the path as it is).
    ///
    /// # Errors
    /// [`InputError::Invalid`] when `HOME` is needed but is set and not UTF-8.
    pub fn expand_home(&self, path: &str) -> Result<String, InputError> {
        match path.strip_prefix("~/") {
            Some(rest) => match self.env_var("HOME")? {
                Some(home) => Ok(format!("{}/{rest}", home.trim_end_matches('/'))),
                None => Ok(path.to_owned()),
            },
            None => Ok(path.to_owned()),
        }
    }

    /// Reads a whole small file that must be a regular file: a FIFO, a device, a socket
    /// or a directory is refused before it is read, so nothing can block the process
    /// waiting for a writer or stream forever. At most `max` bytes.
    ///
    /// # Errors
    /// The `io::Error` of opening or reading; [`ErrorKind::InvalidInput`] for a file that
    /// is not a regular file, [`ErrorKind::FileTooLarge`] for one larger than `max`.
    pub fn read_regular_file(&self, path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
        let Some(fake) = &self.fake else {
            return read_real_regular_file(path, max);
        };
        let files = fake.files();
        match files.get(path) {
            Some(bytes) if bytes.len() as u64 > max => {
                Err(Error::new(ErrorKind::FileTooLarge, "file too large"))
            }
            Some(bytes) => Ok(bytes.clone()),
            // A directory of the map: a path that others are under.
            None if files.keys().any(|k| k.starts_with(path)) => {
                Err(Error::new(ErrorKind::InvalidInput, "not a regular file"))
            }
            None => Err(Error::from(ErrorKind::NotFound)),
        }
    }

    /// Reads a whole small file that is a regular file or a pipe (`/dev/stdin`, a shell's
    /// `<(...)`, a named FIFO), at most `max` bytes, waiting at most `wait` for a pipe's
    /// writer to finish: what a command-line flag that names a file reads. A directory,
    /// a device or a socket is refused before it is opened.
    ///
    /// # Errors
    /// As [`Os::read_regular_file`]; [`ErrorKind::TimedOut`] when a pipe is not closed
    /// by its writer within `wait` (nothing is left waiting on it).
    #[cfg(feature = "cli")]
    pub(crate) fn read_file_or_pipe(
        &self,
        path: &Path,
        max: u64,
        wait: std::time::Duration,
    ) -> std::io::Result<Vec<u8>> {
        if self.fake.is_some() {
            return self.read_regular_file(path, max);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if std::fs::metadata(path)?.file_type().is_fifo() {
                return read_pipe(path.to_owned(), max, wait);
            }
        }
        let _ = wait;
        read_real_regular_file(path, max).map_err(|e| {
            if e.kind() == ErrorKind::InvalidInput {
                Error::new(ErrorKind::InvalidInput, "not a regular file or a pipe")
            } else {
                e
            }
        })
    }

    /// A file of the stand-in, as written or given (`None` for the real system, or a
    /// path that holds nothing).
    pub fn file(&self, path: impl AsRef<Path>) -> Option<Vec<u8>> {
        self.fake
            .as_ref()
            .and_then(|fake| fake.files().get(path.as_ref()).cloned())
    }

    /// Writes `bytes` to `dir/name` so that no reader ever sees a partial file and no
    /// other user can read it: `dir` is created (mode 0700) when missing, the bytes go
    /// to a new temporary file `tmp<random>.tmp` in `dir` (mode 0600, created
    /// exclusively, so an existing file or link there is never followed), are synced,
    /// and the file is renamed over `name`. The temporary file is removed on failure.
    ///
    /// # Errors
    /// The `io::Error` of creating, writing, syncing or renaming.
    pub(crate) fn write_private_file(
        &self,
        dir: &Path,
        name: &str,
        bytes: &[u8],
        random: u64,
    ) -> std::io::Result<()> {
        match &self.fake {
            None => write_real_private_file(dir, name, bytes, random),
            Some(fake) => {
                fake.files().insert(dir.join(name), bytes.to_vec());
                Ok(())
            }
        }
    }
}

fn read_real_regular_file(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
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

/// Reads a pipe on a thread of its own, so that neither opening it (a named FIFO
/// blocks until a writer comes) nor reading it (until the writer closes it) can hold
/// the caller longer than `wait`; past `max` bytes it stops.
#[cfg(all(unix, feature = "cli"))]
fn read_pipe(path: PathBuf, max: u64, wait: std::time::Duration) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let read = std::fs::File::open(&path).and_then(|f| {
            let mut data = Vec::new();
            f.take(max.saturating_add(1)).read_to_end(&mut data)?;
            Ok(data)
        });
        let _ = tx.send(read);
    });
    match rx.recv_timeout(wait) {
        Ok(Ok(data)) if data.len() as u64 > max => {
            Err(Error::new(ErrorKind::FileTooLarge, "file too large"))
        }
        Ok(read) => read,
        Err(_) => Err(Error::new(
            ErrorKind::TimedOut,
            "the pipe was not closed by its writer in time",
        )),
    }
}

fn write_real_private_file(
    dir: &Path,
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
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fake_holds_exactly_its_variables_and_files() {
        #[cfg(unix)]
        let bad = {
            use std::os::unix::ffi::OsStringExt;
            OsString::from_vec(vec![0xff, 0xfe])
        };
        #[cfg(not(unix))]
        let bad = OsString::from("x");
        let os = Os::fake(
            [
                ("HOME", OsString::from("/home/me/")),
                ("EMPTY", OsString::new()),
                ("BAD", bad),
            ],
            [("/home/me/.aws/config", "[default]\n"), ("/d/f", "x")],
        );
        assert_eq!(os.env_var("EMPTY").unwrap(), None);
        assert_eq!(
            os.env_var("PATH").unwrap(),
            None,
            "nothing of the real environment"
        );
        #[cfg(unix)]
        assert!(os.env_var("BAD").is_err());
        assert_eq!(os.expand_home("~/.aws/x").unwrap(), "/home/me/.aws/x");
        assert_eq!(os.expand_home("/abs").unwrap(), "/abs");
        let read = |p: &str, max| os.read_regular_file(Path::new(p), max);
        assert_eq!(read("/home/me/.aws/config", 100).unwrap(), b"[default]\n");
        assert_eq!(
            read("/home/me/.aws/config", 3).unwrap_err().kind(),
            ErrorKind::FileTooLarge
        );
        assert_eq!(read("/d", 100).unwrap_err().kind(), ErrorKind::InvalidInput);
        assert_eq!(read("/nope", 100).unwrap_err().kind(), ErrorKind::NotFound);
        os.write_private_file(Path::new("/c"), "k.json", b"{}", 1)
            .unwrap();
        assert_eq!(os.file("/c/k.json").unwrap(), b"{}");
        assert!(!format!("{os:?}").contains("[default]"));
    }
}
