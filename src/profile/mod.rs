//! The AWS shared config and credentials files, and the profile chain: a pure parser
//! ([`parse`]), the two files merged as the AWS tools merge them ([`ProfileSet`]), and
//! the plan of a profile's credentials ([`plan`]), all without IO. Reading the files
//! and running a plan are the provider layer's.

mod index;
mod parser;
mod plan;
mod properties;

pub use parser::{FileKind, ParseError, ProfileFile, Properties, parse, sub_properties};
pub use plan::{BaseCredentials, ChainError, Plan, RoleHop, plan};

use std::collections::BTreeMap;

/// Both files, merged by profile name: for a key in both, the credentials file wins.
/// Static keys are the exception (see [`ProfileSet::static_keys`]).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProfileSet {
    config: Source,
    credentials: Source,
}

/// One file: parsed already, or checked and indexed (each section parsed when asked
/// for, so a large file costs one pass and no allocation a line).
#[derive(Clone, PartialEq, Eq)]
enum Source {
    Parsed(ProfileFile),
    Indexed(index::Index),
}

impl Default for Source {
    fn default() -> Self {
        Source::Parsed(ProfileFile::default())
    }
}

impl Source {
    fn profile(&self, name: &str) -> Option<std::borrow::Cow<'_, Properties>> {
        use std::borrow::Cow;
        match self {
            Source::Parsed(f) => f.profiles.get(name).map(Cow::Borrowed),
            Source::Indexed(i) => i.profile(name).map(Cow::Borrowed),
        }
    }
    fn is_empty(&self) -> bool {
        match self {
            Source::Parsed(f) => f.profiles.is_empty(),
            Source::Indexed(i) => i.has_no_profile(),
        }
    }
    fn names(&self) -> Vec<&str> {
        match self {
            Source::Parsed(f) => f.profiles.keys().map(String::as_str).collect(),
            Source::Indexed(i) => i.profile_names(),
        }
    }
    fn section(&self, sso: bool, name: &str) -> Option<Properties> {
        match self {
            Source::Parsed(f) => if sso { &f.sso_sessions } else { &f.services }
                .get(name)
                .cloned(),
            Source::Indexed(i) => i.section(sso, name),
        }
    }
    fn sections(&self, sso: bool) -> BTreeMap<String, Properties> {
        match self {
            Source::Parsed(f) => if sso { &f.sso_sessions } else { &f.services }.clone(),
            Source::Indexed(i) => i.sections(sso),
        }
    }
}

impl std::fmt::Debug for ProfileSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileSet")
            .field("profiles", &self.names().collect::<Vec<_>>())
            .field(
                "sso_sessions",
                &self.sso_sessions().keys().collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// A profile's static keys, from one file.
#[derive(Clone, PartialEq, Eq)]
pub struct StaticKeys {
    /// `aws_access_key_id` (may be absent: then the keys are partial).
    pub access_key_id: Option<String>,
    /// `aws_secret_access_key`.
    pub secret_access_key: Option<String>,
    /// `aws_session_token` (or the legacy `aws_security_token`).
    pub session_token: Option<String>,
    /// `aws_account_id`.
    pub account_id: Option<String>,
}

impl std::fmt::Debug for StaticKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticKeys")
            .field("access_key_id", &self.access_key_id)
            .field("has_secret", &self.secret_access_key.is_some())
            .field("has_token", &self.session_token.is_some())
            .finish_non_exhaustive()
    }
}

impl ProfileSet {
    /// Both files. The merge is done per profile when one is asked for: the
    /// credentials file's value wins for a key in both.
    pub fn new(config: ProfileFile, credentials: ProfileFile) -> Self {
        ProfileSet {
            config: Source::Parsed(config),
            credentials: Source::Parsed(credentials),
        }
    }

    /// A set from one map of profiles, as if all came from the credentials file (for
    /// tests and for callers that build profiles in code).
    pub fn from_profiles(profiles: BTreeMap<String, Properties>) -> Self {
        ProfileSet::new(
            ProfileFile::default(),
            ProfileFile {
                profiles,
                ..ProfileFile::default()
            },
        )
    }

    /// Checks both texts against the format and indexes their sections; each profile
    /// is parsed when it is asked for.
    ///
    /// # Errors
    /// The [`ParseError`] of either file, with which one.
    pub fn parse(config: &str, credentials: &str) -> Result<Self, (FileKind, ParseError)> {
        let c = index::Index::new(config, FileKind::Config).map_err(|e| (FileKind::Config, e))?;
        let k = index::Index::new(credentials, FileKind::Credentials)
            .map_err(|e| (FileKind::Credentials, e))?;
        Ok(ProfileSet {
            config: Source::Indexed(c),
            credentials: Source::Indexed(k),
        })
    }

    /// The names of every profile in either file, sorted, each once.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let mut names = self.config.names();
        names.extend(self.credentials.names());
        names.sort_unstable();
        names.dedup();
        names.into_iter()
    }
    /// Every profile, merged.
    pub fn profiles(&self) -> BTreeMap<String, Properties> {
        self.names()
            .filter_map(|n| self.profile(n).map(|p| (n.to_owned(), p.into_owned())))
            .collect()
    }
    /// One profile, merged (borrowed when only one file has it).
    pub fn profile(&self, name: &str) -> Option<std::borrow::Cow<'_, Properties>> {
        use std::borrow::Cow;
        match (self.config.profile(name), self.credentials.profile(name)) {
            (None, None) => None,
            (Some(p), None) | (None, Some(p)) => Some(p),
            (Some(c), Some(k)) => {
                let mut merged = c.into_owned();
                merged.extend(k.into_owned());
                Some(Cow::Owned(merged))
            }
        }
    }
    /// The `[sso-session x]` sections of the config file.
    pub fn sso_sessions(&self) -> BTreeMap<String, Properties> {
        self.config.sections(true)
    }
    /// The `[services x]` sections of the config file.
    pub fn services(&self) -> BTreeMap<String, Properties> {
        self.config.sections(false)
    }
    /// The `[sso-session name]` section of the config file (only that one is read).
    pub fn sso_session(&self, name: &str) -> Option<Properties> {
        self.config.section(true, name)
    }
    /// The `[services name]` section of the config file (only that one is read).
    pub fn services_section(&self, name: &str) -> Option<Properties> {
        self.config.section(false, name)
    }
    /// Whether either file defines any profile.
    pub fn is_empty(&self) -> bool {
        self.config.is_empty() && self.credentials.is_empty()
    }

    /// The static keys of `profile` as the AWS CLI finds them: the credentials file's
    /// when it has `aws_access_key_id` for the profile, else the config file's own
    /// pair (never a key id from one file with a secret from the other), else whatever
    /// partial keys either file has (for the error that names what is missing).
    pub fn static_keys(&self, profile: &str) -> Option<StaticKeys> {
        let cred = self.credentials.profile(profile).and_then(|p| keys_in(&p));
        let conf = self.config.profile(profile).and_then(|p| keys_in(&p));
        let complete =
            |k: &Option<StaticKeys>| k.as_ref().is_some_and(|k| k.access_key_id.is_some());
        if complete(&cred) {
            return cred;
        }
        if complete(&conf) {
            return conf;
        }
        cred.or(conf)
    }

    /// The STS endpoint URL a profile configures: its `services` section's
    /// `sts = ... endpoint_url = ...`, else its `endpoint_url`.
    ///
    /// # Errors
    /// [`ChainError::Config`] when `services` names a section that does not exist.
    pub fn sts_endpoint_url(&self, profile: &str) -> Result<Option<String>, ChainError> {
        self.endpoint_url(profile, "sts")
    }

    /// The endpoint URL `profile` configures for `service` (`sts`, `sso`, `sso_oidc`):
    /// the `services` section's `<service>` block `endpoint_url`, else the profile's
    /// `endpoint_url`.
    ///
    /// # Errors
    /// [`ChainError::Config`] when `services` names a section that does not exist.
    pub fn endpoint_url(&self, profile: &str, service: &str) -> Result<Option<String>, ChainError> {
        let Some(p) = self.profile(profile) else {
            return Ok(None);
        };
        if let Some(services) = p.get("services") {
            let Some(section) = self.services_section(services) else {
                return Err(ChainError::Config {
                    profile: profile.to_owned(),
                    rule: "names a services section that does not exist",
                });
            };
            if let Some(block) = section.get(service)
                && let Some((_, url)) = sub_properties(block)
                    .into_iter()
                    .find(|(k, _)| k == "endpoint_url")
            {
                return Ok(Some(url));
            }
        }
        Ok(p.get("endpoint_url")
            .filter(|v| !v.is_empty())
            .map(str::to_owned))
    }
}

/// The static keys a profile has in one file.
fn keys_in(p: &Properties) -> Option<StaticKeys> {
    let get = |k: &str| p.get(k).filter(|v| !v.is_empty()).map(str::to_owned);
    let keys = StaticKeys {
        access_key_id: get("aws_access_key_id"),
        secret_access_key: get("aws_secret_access_key"),
        session_token: get("aws_session_token").or_else(|| get("aws_security_token")),
        account_id: get("aws_account_id"),
    };
    (keys.access_key_id.is_some()
        || keys.secret_access_key.is_some()
        || keys.session_token.is_some())
    .then_some(keys)
}
