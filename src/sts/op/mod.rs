//! One file per STS operation, each an [`Operation`](super::Operation).

mod assume_role;
mod assume_role_with_saml;
mod assume_role_with_web_identity;
mod assume_root;
mod decode_authorization_message;
mod get_access_key_info;
mod get_caller_identity;
mod get_delegated_access_token;
mod get_federation_token;
mod get_scoped_credentials;
mod get_session_token;
mod get_web_identity_token;

pub use assume_role::{AssumeRole, CHAINED_MAX_DURATION_SECONDS, DEFAULT_DURATION_SECONDS};
pub use assume_role_with_saml::AssumeRoleWithSaml;
pub use assume_role_with_web_identity::AssumeRoleWithWebIdentity;
pub use assume_root::AssumeRoot;
pub use decode_authorization_message::DecodeAuthorizationMessage;
pub use get_access_key_info::GetAccessKeyInfo;
pub use get_caller_identity::GetCallerIdentity;
pub use get_delegated_access_token::GetDelegatedAccessToken;
pub use get_federation_token::GetFederationToken;
pub use get_scoped_credentials::GetScopedCredentials;
pub use get_session_token::GetSessionToken;
pub use get_web_identity_token::{GetWebIdentityToken, SubjectMode};
