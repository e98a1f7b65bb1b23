//! The AWS shared config and credentials files, and the profile chain: a pure parser
//! ([`parse`]), the two files merged as the AWS tools merge them ([`ProfileSet`]), and
//! the plan of a profile's credentials ([`plan`]), all without IO. Reading the files
//! and running a plan are the provider layer's.

mod chain;
mod parser;
mod properties;

pub use chain::{BaseCredentials, ChainError, Plan, RoleHop, plan};
pub use parser::{FileKind, ParseError, ProfileFile, Properties, parse, sub_properties};

use std::collections::BTreeMap;

/// Both files, merged by profile name: for a key in both, the credentials file wins.
/// Static keys are the exception (see [`ProfileSet::static_keys`]).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProfileSet {
    config: ProfileFile,
    credentials: ProfileFile,
}

impl std::fmt::Debug for ProfileSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileSet")
            .field("profiles", &self.names().collect::<Vec<_>>())
            .field(
                "sso_sessions",
                &self.config.sso_sessions.keys().collect::<Vec<_>>(),
            )
            .field("services", &self.config.services.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// A profile's static keys, and which file they came from.
#[derive(Clone, PartialEq, Eq)]
pub struct StaticKeys<'a> {
    /// `aws_access_key_id` (may be absent: then the keys are partial).
    pub access_key_id: Option<&'a str>,
    /// `aws_secret_access_key`.
    pub secret_access_key: Option<&'a str>,
    /// `aws_session_token` (or the legacy `aws_security_token`).
    pub session_token: Option<&'a str>,
    /// `aws_account_id`.
    pub account_id: Option<&'a str>,
}

impl std::fmt::Debug for StaticKeys<'_> {
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
            config,
            credentials,
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

    /// Parses both texts and merges them.
    ///
    /// # Errors
    /// The [`ParseError`] of either file, with which one.
    pub fn parse(config: &str, credentials: &str) -> Result<Self, (FileKind, ParseError)> {
        let c = parse(config, FileKind::Config).map_err(|e| (FileKind::Config, e))?;
        let k =
            parse(credentials, FileKind::Credentials).map_err(|e| (FileKind::Credentials, e))?;
        Ok(ProfileSet::new(c, k))
    }

    /// The names of every profile in either file, sorted, each once.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let mut names: Vec<&str> = self
            .config
            .profiles
            .keys()
            .chain(self.credentials.profiles.keys())
            .map(String::as_str)
            .collect();
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
        match (
            self.config.profiles.get(name),
            self.credentials.profiles.get(name),
        ) {
            (None, None) => None,
            (Some(p), None) | (None, Some(p)) => Some(Cow::Borrowed(p)),
            (Some(c), Some(k)) => {
                let mut merged = c.clone();
                merged.extend(k.clone());
                Some(Cow::Owned(merged))
            }
        }
    }
    /// The `[sso-session x]` sections of the config file.
    pub fn sso_sessions(&self) -> &BTreeMap<String, Properties> {
        &self.config.sso_sessions
    }
    /// The `[services x]` sections of the config file.
    pub fn services(&self) -> &BTreeMap<String, Properties> {
        &self.config.services
    }
    /// Whether either file defines any profile.
    pub fn is_empty(&self) -> bool {
        self.config.profiles.is_empty() && self.credentials.profiles.is_empty()
    }

    /// The static keys of `profile` as the AWS CLI finds them: the credentials file's
    /// when it has `aws_access_key_id` for the profile, else the config file's own
    /// pair (never a key id from one file with a secret from the other), else whatever
    /// partial keys either file has (for the error that names what is missing).
    pub fn static_keys<'a>(&'a self, profile: &str) -> Option<StaticKeys<'a>> {
        let of = |file: &'a ProfileFile| keys_in(file, profile);
        let (cred, conf) = (of(&self.credentials), of(&self.config));
        let complete =
            |k: &Option<StaticKeys<'_>>| k.as_ref().is_some_and(|k| k.access_key_id.is_some());
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
        let Some(p) = self.profile(profile) else {
            return Ok(None);
        };
        if let Some(services) = p.get("services") {
            let Some(section) = self.services().get(services) else {
                return Err(ChainError::Config {
                    profile: profile.to_owned(),
                    rule: "names a services section that does not exist",
                });
            };
            if let Some(sts) = section.get("sts")
                && let Some((_, url)) = sub_properties(sts)
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

/// The static keys `profile` has in one file.
fn keys_in<'a>(file: &'a ProfileFile, profile: &str) -> Option<StaticKeys<'a>> {
    let p = file.profiles.get(profile)?;
    let get = |k: &str| p.get(k).filter(|v| !v.is_empty());
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
