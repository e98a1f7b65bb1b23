//! [`SessionTokenProvider`]: temporary credentials from any source, trading long-term
//! keys for a session with `GetSessionToken`.

use std::sync::Arc;
use std::time::Duration;

use super::error::{CredentialsError, ProvideError};
use super::provide::{ProvideCredentials, ProvideFuture, Provided};
use crate::client::{Clock, StsClient, SystemClock};
use crate::sts::GetSessionToken;
use crate::transport::{ReqwestTransport, Transport};

/// What [`SessionTokenProvider`] calls its source in errors and traces.
const NAME: &str = "session token";

/// Temporary credentials from `inner`: temporary ones pass through untouched;
/// long-term keys (no session token) are used once to call `GetSessionToken` and the
/// session it gives is returned instead, as aws-vault's servers do. For whoever can
/// take only temporary credentials, such as a client of the container credentials
/// protocol ([`crate::server`]), which requires `Token` and `Expiration`.
///
/// Put it under a [`crate::cache::CredentialsCache`]: each fetch of long-term keys is
/// one `GetSessionToken` call.
pub struct SessionTokenProvider<P, T = ReqwestTransport, C = SystemClock> {
    inner: P,
    client: Result<StsClient<T, C>, Arc<CredentialsError>>,
    duration: Duration,
}

impl<P, T, C> std::fmt::Debug for SessionTokenProvider<P, T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionTokenProvider")
            .field("duration", &self.duration)
            .finish_non_exhaustive()
    }
}

impl<P, T, C> SessionTokenProvider<P, T, C> {
    /// Over `inner`, calling `GetSessionToken` through `client` for sessions of one
    /// hour ([`SessionTokenProvider::with_duration`] to change it).
    pub fn new(inner: P, client: StsClient<T, C>) -> Self {
        SessionTokenProvider {
            inner,
            client: Ok(client),
            duration: Duration::from_secs(3600),
        }
    }

    /// Over `inner` with no STS client (the settings give no endpoint): temporary
    /// credentials pass through, long-term keys fail with `why`.
    #[cfg(feature = "cli")]
    pub(crate) fn without_client(inner: P, why: CredentialsError) -> Self {
        SessionTokenProvider {
            inner,
            client: Err(Arc::new(why)),
            duration: Duration::from_secs(3600),
        }
    }

    /// The session's length, 900 s to 36 hours as STS allows (clamped).
    pub fn with_duration(mut self, duration: Duration) -> Self {
        self.duration = duration.clamp(Duration::from_secs(900), Duration::from_secs(129_600));
        self
    }
}

impl<P, T, C> ProvideCredentials for SessionTokenProvider<P, T, C>
where
    P: ProvideCredentials,
    T: Transport,
    C: Clock,
{
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let provided = self.inner.provide_credentials().await?;
            if provided.credentials.is_temporary() {
                return Ok(provided);
            }
            let client = self
                .client
                .as_ref()
                .map_err(|why| ProvideError::Failed(CredentialsError::Shared(why.clone())))?;
            let seconds = u32::try_from(self.duration.as_secs()).unwrap_or(129_600);
            let op = GetSessionToken::new().with_duration_seconds(seconds);
            let out = client
                .send(Some(&provided.credentials), &op)
                .await
                .map_err(|error| {
                    ProvideError::Failed(CredentialsError::Sts {
                        profile: format!(
                            "(GetSessionToken with the keys from {})",
                            provided.source
                        ),
                        error,
                    })
                })?;
            Ok(Provided::from_sts(&out.credentials, None, NAME))
        })
    }
}
