//! One file per command (or per small family): its flag table, its help, and how its
//! flags become a call.

mod assume_role;
mod credentials;
mod get_caller_identity;
mod lookups;
mod saml;
mod sessions;
mod shared;
mod tokens;
mod web_identity;

use crate::error::InputError;
use crate::sts::{
    AssumeRole, AssumeRoleWithSaml, AssumeRoleWithWebIdentity, AssumeRoot,
    DecodeAuthorizationMessage, GetAccessKeyInfo, GetCallerIdentity, GetDelegatedAccessToken,
    GetFederationToken, GetScopedCredentials, GetSessionToken, GetWebIdentityToken, Operation,
};

use super::Failure;
use super::args::{Flag, Values};
use super::output::Format;

/// The commands, in the order the help lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CommandName {
    AssumeRole,
    AssumeRoleWithWebIdentity,
    AssumeRoleWithSaml,
    GetSessionToken,
    GetFederationToken,
    AssumeRoot,
    GetCallerIdentity,
    GetAccessKeyInfo,
    DecodeAuthorizationMessage,
    GetDelegatedAccessToken,
    GetWebIdentityToken,
    GetScopedCredentials,
    Credentials,
}

/// Every command's name.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    ALL.into_iter().map(CommandName::name)
}

/// Every command, in the order the help lists them.
pub(crate) fn all() -> impl Iterator<Item = CommandName> {
    ALL.into_iter()
}

const ALL: [CommandName; 13] = [
    CommandName::Credentials,
    CommandName::AssumeRole,
    CommandName::AssumeRoleWithWebIdentity,
    CommandName::AssumeRoleWithSaml,
    CommandName::GetSessionToken,
    CommandName::GetFederationToken,
    CommandName::AssumeRoot,
    CommandName::GetCallerIdentity,
    CommandName::GetAccessKeyInfo,
    CommandName::DecodeAuthorizationMessage,
    CommandName::GetDelegatedAccessToken,
    CommandName::GetWebIdentityToken,
    CommandName::GetScopedCredentials,
];

impl CommandName {
    /// The command as typed.
    pub(crate) fn name(self) -> &'static str {
        match self {
            CommandName::AssumeRole => "assume-role",
            CommandName::AssumeRoleWithWebIdentity => "assume-role-with-web-identity",
            CommandName::AssumeRoleWithSaml => "assume-role-with-saml",
            CommandName::GetSessionToken => "get-session-token",
            CommandName::GetFederationToken => "get-federation-token",
            CommandName::AssumeRoot => "assume-root",
            CommandName::GetCallerIdentity => "get-caller-identity",
            CommandName::GetAccessKeyInfo => "get-access-key-info",
            CommandName::DecodeAuthorizationMessage => "decode-authorization-message",
            CommandName::GetDelegatedAccessToken => "get-delegated-access-token",
            CommandName::GetWebIdentityToken => "get-web-identity-token",
            CommandName::GetScopedCredentials => "get-scoped-credentials",
            CommandName::Credentials => "credentials",
        }
    }

    /// The command named `name`.
    pub(crate) fn from_name(name: &str) -> Option<CommandName> {
        ALL.into_iter().find(|c| c.name() == name)
    }
}

/// A command ready to run: the operation and, for credentials, the output format.
#[derive(Debug)]
pub(crate) enum Command {
    AssumeRole(Box<AssumeRole>, Format),
    WebIdentity(Box<AssumeRoleWithWebIdentity>, Format),
    Saml(Box<AssumeRoleWithSaml>, Format),
    SessionToken(Box<GetSessionToken>, Format),
    FederationToken(Box<GetFederationToken>, Format),
    AssumeRoot(Box<AssumeRoot>, Format),
    GetCallerIdentity,
    AccessKeyInfo(GetAccessKeyInfo),
    DecodeMessage(DecodeAuthorizationMessage),
    DelegatedAccessToken(Box<GetDelegatedAccessToken>, Format),
    WebIdentityToken(Box<GetWebIdentityToken>),
    ScopedCredentials(Box<GetScopedCredentials>, Format),
    /// The resolved source credentials themselves (`--token-code`, format, the AWS
    /// CLI's file cache).
    Credentials(Option<String>, Format, Option<CacheDir>),
}

/// Where `--cache` reads and writes the AWS CLI's assumed-role cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CacheDir {
    /// `~/.aws/cli/cache` (`--cache`).
    AwsCli,
    /// `--cache-dir DIR`.
    Dir(String),
}

impl Command {
    /// Whether the call is signed (needs source credentials).
    pub(crate) fn signed(&self) -> bool {
        !matches!(self, Command::WebIdentity(..) | Command::Saml(..))
    }

    /// Checks the operation's parameters as if sent with temporary (`chained`) or
    /// long-term source credentials.
    pub(crate) fn validate_chained(&self, chained: bool) -> Result<(), InputError> {
        match self {
            Command::Credentials(..) => Ok(()),
            Command::AssumeRole(op, _) => op.validate(chained),
            Command::WebIdentity(op, _) => op.validate(chained),
            Command::Saml(op, _) => op.validate(chained),
            Command::SessionToken(op, _) => op.validate(chained),
            Command::FederationToken(op, _) => op.validate(chained),
            Command::AssumeRoot(op, _) => op.validate(chained),
            Command::GetCallerIdentity => GetCallerIdentity.validate(chained),
            Command::AccessKeyInfo(op) => op.validate(chained),
            Command::DecodeMessage(op) => op.validate(chained),
            Command::DelegatedAccessToken(op, _) => op.validate(chained),
            Command::WebIdentityToken(op) => op.validate(chained),
            Command::ScopedCredentials(op, _) => op.validate(chained),
        }
    }
}

/// (title, usage line, flag table, text after the options) of a command.
pub(crate) fn describe(
    command: CommandName,
) -> (&'static str, &'static str, &'static [Flag], &'static str) {
    use sessions::{assume_root as root, federation_token as fed, session_token as st};
    match command {
        CommandName::AssumeRole => (
            assume_role::TITLE,
            assume_role::USAGE,
            assume_role::FLAGS,
            assume_role::TAIL,
        ),
        CommandName::AssumeRoleWithWebIdentity => (
            web_identity::TITLE,
            web_identity::USAGE,
            web_identity::FLAGS,
            web_identity::TAIL,
        ),
        CommandName::AssumeRoleWithSaml => (saml::TITLE, saml::USAGE, saml::FLAGS, saml::TAIL),
        CommandName::GetSessionToken => (st::TITLE, st::USAGE, st::FLAGS, st::TAIL),
        CommandName::GetFederationToken => (fed::TITLE, fed::USAGE, fed::FLAGS, fed::TAIL),
        CommandName::AssumeRoot => (root::TITLE, root::USAGE, root::FLAGS, root::TAIL),
        CommandName::GetCallerIdentity => (
            get_caller_identity::TITLE,
            get_caller_identity::USAGE,
            get_caller_identity::FLAGS,
            get_caller_identity::TAIL,
        ),
        CommandName::GetAccessKeyInfo => {
            use lookups::access_key_info as a;
            (a::TITLE, a::USAGE, a::FLAGS, a::TAIL)
        }
        CommandName::DecodeAuthorizationMessage => {
            use lookups::decode_message as d;
            (d::TITLE, d::USAGE, d::FLAGS, d::TAIL)
        }
        CommandName::GetDelegatedAccessToken => {
            use tokens::delegated as d;
            (d::TITLE, d::USAGE, d::FLAGS, d::TAIL)
        }
        CommandName::GetWebIdentityToken => {
            use tokens::web_identity_token as w;
            (w::TITLE, w::USAGE, w::FLAGS, w::TAIL)
        }
        CommandName::GetScopedCredentials => {
            use tokens::scoped as s;
            (s::TITLE, s::USAGE, s::FLAGS, s::TAIL)
        }
        CommandName::Credentials => (
            credentials::TITLE,
            credentials::USAGE,
            credentials::FLAGS,
            credentials::TAIL,
        ),
    }
}

/// Turns the values read for `command` into a call.
pub(crate) fn build(command: CommandName, values: Values) -> Result<Command, Failure> {
    match command {
        CommandName::AssumeRole => assume_role::build(values),
        CommandName::AssumeRoleWithWebIdentity => web_identity::build(values),
        CommandName::AssumeRoleWithSaml => saml::build(values),
        CommandName::GetSessionToken => sessions::session_token::build(values),
        CommandName::GetFederationToken => sessions::federation_token::build(values),
        CommandName::AssumeRoot => sessions::assume_root::build(values),
        CommandName::GetCallerIdentity => {
            let mut values = values;
            shared::json_only(&mut values)?;
            Ok(Command::GetCallerIdentity)
        }
        CommandName::GetAccessKeyInfo => lookups::access_key_info::build(values),
        CommandName::DecodeAuthorizationMessage => lookups::decode_message::build(values),
        CommandName::GetDelegatedAccessToken => tokens::delegated::build(values),
        CommandName::GetWebIdentityToken => tokens::web_identity_token::build(values),
        CommandName::GetScopedCredentials => tokens::scoped::build(values),
        CommandName::Credentials => credentials::build(values),
    }
}
