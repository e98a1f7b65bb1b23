//! The plan of a profile's credentials: which base credentials, then which roles to
//! assume in turn. A pure function of the parsed files, checked completely before any
//! IO: unknown profiles, cycles, missing or conflicting keys are errors that name the
//! profile and the key, never a value.

use std::collections::BTreeMap;
use std::fmt;

use secrecy::SecretString;

use super::{ProfileSet, Properties};

/// Where the chain's first credentials come from.
#[derive(Clone)]
#[non_exhaustive]
pub enum BaseCredentials {
    /// Static keys of a profile.
    StaticKeys {
        /// The profile that holds them.
        profile: String,
        /// `aws_access_key_id`.
        access_key_id: String,
        /// `aws_secret_access_key`.
        secret_access_key: SecretString,
        /// `aws_session_token`.
        session_token: Option<SecretString>,
        /// `aws_account_id`.
        account_id: Option<String>,
    },
    /// `credential_source`: `Environment`, `Ec2InstanceMetadata` or `EcsContainer`.
    NamedSource {
        /// The profile that names it.
        profile: String,
        /// The value, as written (case-sensitive).
        source: &'static str,
    },
    /// `role_arn` with `web_identity_token_file`: an unsigned
    /// `AssumeRoleWithWebIdentity`.
    WebIdentity {
        /// The profile.
        profile: String,
        /// `role_arn`.
        role_arn: String,
        /// `web_identity_token_file`.
        token_file: String,
        /// `role_session_name`.
        session_name: Option<String>,
    },
    /// IAM Identity Center (`sso_*` keys or an `sso_session`), with the settings that
    /// apply (the session's merged in).
    Sso {
        /// The profile.
        profile: String,
        /// The `sso_*` settings.
        settings: BTreeMap<String, String>,
    },
    /// `credential_process`.
    Process {
        /// The profile.
        profile: String,
        /// The command line, as written.
        command: String,
    },
}

impl fmt::Debug for BaseCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaseCredentials::StaticKeys {
                profile,
                access_key_id,
                ..
            } => f
                .debug_struct("StaticKeys")
                .field("profile", profile)
                .field("access_key_id", access_key_id)
                .finish_non_exhaustive(),
            BaseCredentials::NamedSource { profile, source } => f
                .debug_struct("NamedSource")
                .field("profile", profile)
                .field("source", source)
                .finish(),
            BaseCredentials::WebIdentity {
                profile, role_arn, ..
            } => f
                .debug_struct("WebIdentity")
                .field("profile", profile)
                .field("role_arn", role_arn)
                .finish_non_exhaustive(),
            BaseCredentials::Sso { profile, .. } => f
                .debug_struct("Sso")
                .field("profile", profile)
                .finish_non_exhaustive(),
            BaseCredentials::Process { profile, .. } => f
                .debug_struct("Process")
                .field("profile", profile)
                .finish_non_exhaustive(),
        }
    }
}

/// One `AssumeRole` of the chain.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleHop {
    /// The profile that names the role.
    pub profile: String,
    /// `role_arn`.
    pub role_arn: String,
    /// `role_session_name`.
    pub session_name: Option<String>,
    /// `external_id` (a secret: not in `Debug`).
    pub external_id: Option<String>,
    /// `mfa_serial`.
    pub mfa_serial: Option<String>,
    /// `duration_seconds`.
    pub duration_seconds: Option<u32>,
}

impl fmt::Debug for RoleHop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoleHop")
            .field("profile", &self.profile)
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field(
                "external_id",
                &self.external_id.as_ref().map(|_| "[redacted]"),
            )
            .field("mfa_serial", &self.mfa_serial)
            .field("duration_seconds", &self.duration_seconds)
            .finish()
    }
}

/// The base credentials, then the roles to assume in order (each signed with the
/// credentials before it).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Plan {
    /// Where the first credentials come from.
    pub base: BaseCredentials,
    /// The roles, innermost first: the last is the selected profile's.
    pub hops: Vec<RoleHop>,
}

/// Why a profile has no plan. Messages name profiles and keys, never values.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainError {
    /// Neither file defines any profile.
    NoProfiles,
    /// The selected profile does not exist.
    ProfileNotFound {
        /// Its name.
        profile: String,
    },
    /// A `source_profile` names a profile that does not exist.
    SourceNotFound {
        /// The profile with the `source_profile`.
        profile: String,
        /// The missing name.
        source_profile: String,
    },
    /// `source_profile` references come back to a profile already visited.
    Loop {
        /// The profiles visited, ending with the one reached again.
        chain: Vec<String>,
    },
    /// A profile has no credentials of any kind.
    NoCredentials {
        /// Its name.
        profile: String,
    },
    /// A profile's keys break a rule.
    Config {
        /// The profile at fault.
        profile: String,
        /// The rule.
        rule: &'static str,
    },
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::NoProfiles => {
                f.write_str("no profiles are defined in the config or credentials file")
            }
            ChainError::ProfileNotFound { profile } => {
                write!(f, "the profile {profile:?} could not be found")
            }
            ChainError::SourceNotFound {
                profile,
                source_profile,
            } => write!(
                f,
                "the source_profile {source_profile:?} of profile {profile:?} does not exist"
            ),
            ChainError::Loop { chain } if chain.len() > 9 => write!(
                f,
                "the profiles form a loop of {} hops: {} -> ... -> {}",
                chain.len() - 1,
                chain[..4].join(" -> "),
                chain[chain.len() - 4..].join(" -> ")
            ),
            ChainError::Loop { chain } => {
                write!(f, "the profiles form a loop: {}", chain.join(" -> "))
            }
            ChainError::NoCredentials { profile } => {
                write!(
                    f,
                    "profile {profile:?} holds no credentials (no keys, role, web identity, credential_process or SSO)"
                )
            }
            ChainError::Config { profile, rule } => write!(f, "profile {profile:?}: {rule}"),
        }
    }
}

impl std::error::Error for ChainError {}

fn get<'a>(p: &'a Properties, key: &str) -> Option<&'a str> {
    p.get(key).filter(|v| !v.is_empty())
}

const SOURCES: [&str; 3] = ["Environment", "Ec2InstanceMetadata", "EcsContainer"];

fn config(profile: &str, rule: &'static str) -> ChainError {
    ChainError::Config {
        profile: profile.to_owned(),
        rule,
    }
}

/// Plans the credentials of `selected`.
///
/// # Errors
/// [`ChainError`]: the profile or a source profile missing, a loop, no credentials, or
/// a key breaking a rule (a role without a source, both sources, an unknown
/// `credential_source`, partial static keys, web identity without `role_arn`,
/// incomplete SSO settings, a `duration_seconds` that is not a number).
pub fn plan(set: &ProfileSet, selected: &str) -> Result<Plan, ChainError> {
    if set.is_empty() {
        return Err(ChainError::NoProfiles);
    }
    let mut visited = vec![selected.to_owned()];
    // The same names as a set, so finding a loop is linear in the chain's length.
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    seen.insert(selected.to_owned());
    let mut hops: Vec<RoleHop> = Vec::new();
    let mut name = selected.to_owned();
    let base = loop {
        let Some(p_owned) = set.profile(&name) else {
            return Err(match hops.last() {
                None => ChainError::ProfileNotFound { profile: name },
                Some(hop) => ChainError::SourceNotFound {
                    profile: hop.profile.clone(),
                    source_profile: name,
                },
            });
        };
        let p: &Properties = &p_owned;
        let first = hops.is_empty() && name == selected;
        let role_arn = get(p, "role_arn");
        let has_static = has_static_keys(p);
        if role_arn.is_none()
            || get(p, "web_identity_token_file").is_some()
            || (!first && has_static)
        {
            break leaf(set, &name, p)?;
        }
        let role_arn = role_arn.unwrap_or_default();
        let source_profile = get(p, "source_profile");
        let credential_source = get(p, "credential_source");
        if source_profile.is_some() && credential_source.is_some() {
            return Err(config(
                &name,
                "has both source_profile and credential_source",
            ));
        }
        let duration_seconds = match get(p, "duration_seconds") {
            None => None,
            Some(d) => Some(d.parse::<u32>().map_err(|_| {
                config(&name, "duration_seconds must be a whole number of seconds")
            })?),
        };
        hops.push(RoleHop {
            profile: name.clone(),
            role_arn: role_arn.to_owned(),
            session_name: get(p, "role_session_name").map(str::to_owned),
            external_id: get(p, "external_id").map(str::to_owned),
            mfa_serial: get(p, "mfa_serial").map(str::to_owned),
            duration_seconds,
        });
        if let Some(source) = credential_source {
            let Some(source) = SOURCES.iter().find(|s| **s == source) else {
                return Err(config(
                    &name,
                    "credential_source must be Environment, Ec2InstanceMetadata or EcsContainer",
                ));
            };
            break BaseCredentials::NamedSource {
                profile: name.clone(),
                source,
            };
        }
        let Some(source) = source_profile else {
            return Err(config(
                &name,
                "has role_arn but neither source_profile nor credential_source",
            ));
        };
        if source == name {
            // A profile may name itself only to assume its role with its own keys.
            if has_static {
                break static_keys(set, &name)?;
            }
            visited.push(name.clone());
            return Err(ChainError::Loop { chain: visited });
        }
        if seen.contains(source) {
            visited.push(source.to_owned());
            return Err(ChainError::Loop { chain: visited });
        }
        seen.insert(source.to_owned());
        visited.push(source.to_owned());
        name = source.to_owned();
    };
    hops.reverse();
    Ok(Plan { base, hops })
}

fn has_static_keys(p: &Properties) -> bool {
    get(p, "aws_access_key_id").is_some() || get(p, "aws_secret_access_key").is_some()
}

fn static_keys(set: &ProfileSet, name: &str) -> Result<BaseCredentials, ChainError> {
    let keys = set.static_keys(name);
    let Some(keys) = keys else {
        return Err(ChainError::NoCredentials {
            profile: name.to_owned(),
        });
    };
    let Some(id) = keys.access_key_id.as_deref() else {
        return Err(config(
            name,
            "has aws_secret_access_key but no aws_access_key_id",
        ));
    };
    let Some(secret) = keys.secret_access_key.as_deref() else {
        return Err(config(
            name,
            "has aws_access_key_id but no aws_secret_access_key",
        ));
    };
    Ok(BaseCredentials::StaticKeys {
        profile: name.to_owned(),
        access_key_id: id.to_owned(),
        secret_access_key: SecretString::from(secret),
        session_token: keys.session_token.as_deref().map(SecretString::from),
        account_id: keys.account_id.clone(),
    })
}

/// A profile that ends the chain, read in the AWS CLI's order: web identity, SSO,
/// static keys, `credential_process`.
fn leaf(set: &ProfileSet, name: &str, p: &Properties) -> Result<BaseCredentials, ChainError> {
    if let Some(file) = get(p, "web_identity_token_file") {
        let Some(role_arn) = get(p, "role_arn") else {
            return Err(config(name, "has web_identity_token_file but no role_arn"));
        };
        return Ok(BaseCredentials::WebIdentity {
            profile: name.to_owned(),
            role_arn: role_arn.to_owned(),
            token_file: file.to_owned(),
            session_name: get(p, "role_session_name").map(str::to_owned),
        });
    }
    if let Some(sso) = sso(set, name, p)? {
        return Ok(sso);
    }
    if has_static_keys(p) {
        return static_keys(set, name);
    }
    if let Some(command) = get(p, "credential_process") {
        return Ok(BaseCredentials::Process {
            profile: name.to_owned(),
            command: command.to_owned(),
        });
    }
    Err(ChainError::NoCredentials {
        profile: name.to_owned(),
    })
}

fn sso(
    set: &ProfileSet,
    name: &str,
    p: &Properties,
) -> Result<Option<BaseCredentials>, ChainError> {
    let account = get(p, "sso_account_id");
    let role = get(p, "sso_role_name");
    let session = get(p, "sso_session");
    if account.is_none() && role.is_none() && session.is_none() && get(p, "sso_start_url").is_none()
    {
        return Ok(None);
    }
    match (account, role) {
        (None, Some(_)) => {
            return Err(config(
                name,
                "if sso_role_name is set, sso_account_id must be set too",
            ));
        }
        (Some(_), None) => {
            return Err(config(
                name,
                "if sso_account_id is set, sso_role_name must be set too",
            ));
        }
        _ => {}
    }
    let mut settings: BTreeMap<String, String> = p
        .iter()
        .filter(|(k, v)| k.starts_with("sso_") && !v.is_empty())
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    if let Some(session) = session {
        let Some(section) = &set.sso_session(session) else {
            return Err(config(name, "names an sso_session that does not exist"));
        };
        for key in ["sso_region", "sso_start_url"] {
            if let Some(mine) = get(p, key)
                && get(section, key) != Some(mine)
            {
                return Err(config(
                    name,
                    "sso_region and sso_start_url belong in the [sso-session] section when sso_session is set",
                ));
            }
        }
        for (k, v) in section.iter() {
            if k.starts_with("sso_") && !v.is_empty() {
                settings.insert(k.to_owned(), v.to_owned());
            }
        }
    }
    Ok(Some(BaseCredentials::Sso {
        profile: name.to_owned(),
        settings,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_loop_is_found_and_named_in_one_short_line() {
        let n = 20_000;
        let config: String = (0..n)
            .map(|i| {
                format!(
                    "[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = p{}\n",
                    (i + 1) % n
                )
            })
            .collect();
        let set = ProfileSet::parse(&config, "").unwrap();
        let err = plan(&set, "p0").unwrap_err();
        assert!(matches!(&err, ChainError::Loop { chain } if chain.len() == n + 1));
        assert_eq!(
            err.to_string(),
            "the profiles form a loop of 20000 hops: p0 -> p1 -> p2 -> p3 -> ... -> \
             p19997 -> p19998 -> p19999 -> p0"
        );
        let short = ProfileSet::parse(
            "[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = b\n\
             [profile b]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = a\n",
            "",
        )
        .unwrap();
        assert_eq!(
            plan(&short, "a").unwrap_err().to_string(),
            "the profiles form a loop: a -> b -> a"
        );
    }
}
