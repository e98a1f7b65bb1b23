//! The registry: every command, one file each, in the order the help lists them.
//! Adding a command is its file here and its name in the list below.

use super::context::Spec;

/// Declares each command's module and lists its [`Spec`], in this order.
macro_rules! registry {
    ($($command:ident),* $(,)?) => {
        $(mod $command;)*
        /// Every command, in the order the help lists them.
        pub(crate) const COMMANDS: &[Spec] = &[$($command::SPEC),*];
    };
}

registry![
    credentials,
    exec,
    serve,
    eks_token,
    identity_proof,
    assume_role,
    assume_role_with_web_identity,
    assume_role_with_saml,
    get_session_token,
    get_federation_token,
    assume_root,
    get_caller_identity,
    get_access_key_info,
    decode_authorization_message,
    get_delegated_access_token,
    get_web_identity_token,
    get_scoped_credentials,
];

/// The command named `name`.
pub(crate) fn find(name: &str) -> Option<&'static Spec> {
    COMMANDS.iter().find(|c| c.name == name)
}
