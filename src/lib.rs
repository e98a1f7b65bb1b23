//! # stskit
//!
//! Temporary AWS credentials from STS without the AWS SDK: a pure SigV4 signer, a
//! sans-IO STS core (request building and response parsing), one thin IO layer on
//! reqwest, and a client that retries, bounds time and corrects clock skew.
//!
//! Everything below runs offline: build an `AssumeRole` request, sign it at a fixed
//! time, and parse a recorded answer.
//!
//! ```
//! use stskit::{Credentials, sigv4::{self, SigningParams}};
//! use stskit::sts::{self, AssumeRole, Endpoint, Operation};
//! use time::macros::datetime;
//!
//! let source = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
//! let endpoint = Endpoint::resolve(None, Some("eu-west-1"))?;
//! let mut request = AssumeRole::new("arn:aws:iam::123456789012:role/demo", "docs")
//!     .with_duration_seconds(900)
//!     .to_request(&endpoint, source.is_temporary())?;
//! assert_eq!(request.url(), "https://sts.eu-west-1.amazonaws.com/");
//! assert_eq!(
//!     request.body(),
//!     b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo\
//!       &RoleSessionName=docs&DurationSeconds=900"
//! );
//!
//! // The signer never reads the clock: the time is a parameter.
//! let params = SigningParams::new(endpoint.signing_region(), sts::SERVICE, datetime!(2026-11-22 12:00:00 UTC));
//! sigv4::sign(&mut request, &source, &params)?;
//! assert!(request.header("authorization").unwrap().starts_with(
//!     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/eu-west-1/sts/aws4_request, \
//!      SignedHeaders=content-type;host;x-amz-date, Signature="
//! ));
//!
//! // A recorded answer, parsed by a pure function of (status, headers, body).
//! # let body = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sts/assume_role.ok.smithy-rs.xml")).unwrap();
//! let out = sts::parse_assume_role(200, &[], &body)?;
//! assert_eq!(out.credentials.access_key_id(), "ASIARTESTID");
//! assert_eq!(out.credentials.expiration(), datetime!(2021-08-05 19:58:02 UTC));
//! // Debug output never shows the secret key, the token or the signature.
//! assert!(!format!("{request:?} {out:?}").contains("TESTSECRETKEY"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Every STS operation has its type in [`sts`]. The first credentials of a pod or a CI
//! job come from an unsigned `AssumeRoleWithWebIdentity`, and the endpoint follows
//! AWS's STS endpoint rules for every partition:
//!
//! ```
//! use secrecy::SecretString;
//! use stskit::sts::{AssumeRoleWithWebIdentity, Endpoint, EndpointParams, Operation};
//!
//! // FIPS in GovCloud, dual-stack in China: the rule set's hosts and signing regions.
//! let fips = Endpoint::from_params(&EndpointParams::region("us-gov-west-1").with_fips(true))?;
//! assert_eq!(fips.url(), "https://sts.us-gov-west-1.amazonaws.com/");
//! let cn = Endpoint::from_params(&EndpointParams::region("cn-north-1").with_dual_stack(true))?;
//! assert_eq!(cn.url(), "https://sts.cn-north-1.api.amazonwebservices.com.cn/");
//!
//! let token = SecretString::from("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2ln");
//! let call = AssumeRoleWithWebIdentity::new("arn:aws-cn:iam::123456789012:role/app", "pod", token);
//! let request = call.to_request(&cn, false)?;
//! // Unsigned: no Authorization header, and the token only in the (sensitive) body.
//! assert!(request.header("authorization").is_none());
//! assert!(!format!("{call:?} {request:?}").contains("eyJzdWIi"));
//! // A role of another partition is refused before any IO.
//! let aws_role = AssumeRoleWithWebIdentity::new(
//!     "arn:aws:iam::123456789012:role/app", "pod", SecretString::from("eyJ.x.y"));
//! assert!(aws_role.to_request(&cn, false).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With the `client` feature, [`client::StsClient`] does the call: it signs each
//! attempt with a fresh time, sends it over a [`transport::Transport`] (reqwest by
//! default, or any closure), retries what is worth retrying, and returns a typed
//! [`Error`].
//!
//! A long-running service keeps its credentials fresh with a
//! [`cache::CredentialsCache`] around any provider: it refreshes ahead of expiry (the
//! cross-SDK advisory and mandatory windows), makes one call however many tasks ask,
//! serves the old credentials through a short STS outage, and returns errors that no
//! retry heals at once. Its clock and random source are injected, so a test walks the
//! whole lifecycle without sleeping:
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicI64, Ordering};
//! use stskit::Credentials;
//! use stskit::cache::CredentialsCache;
//! use stskit::provider::{ProvideCredentials, ProvideFuture, Provided};
//! use time::OffsetDateTime;
//!
//! /// A source that hands out one-hour credentials, numbered.
//! struct Numbered(Arc<AtomicI64>, Arc<AtomicI64>);
//! impl ProvideCredentials for Numbered {
//!     fn provide_credentials(&self) -> ProvideFuture<'_> {
//!         let n = self.0.fetch_add(1, Ordering::SeqCst);
//!         let now = OffsetDateTime::from_unix_timestamp(self.1.load(Ordering::SeqCst)).unwrap();
//!         Box::pin(async move {
//!             Ok(Provided::new(
//!                 Credentials::new(format!("ASIA{n}"), "secret", Some("token".into())),
//!                 Some(now + time::Duration::hours(1)),
//!                 "numbered",
//!             ))
//!         })
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! let now = Arc::new(AtomicI64::new(1_900_000_000));
//! let clock = now.clone();
//! let cache = CredentialsCache::builder(Numbered(Arc::default(), now.clone()))
//!     .with_clock(move || OffsetDateTime::from_unix_timestamp(clock.load(Ordering::SeqCst)).unwrap())
//!     .build();
//! assert_eq!(cache.credentials().await?.credentials.access_key_id(), "ASIA0");
//! now.fetch_add(30 * 60, Ordering::SeqCst); // half an hour on: still valid, no call
//! assert_eq!(cache.credentials().await?.credentials.access_key_id(), "ASIA0");
//! now.fetch_add(20 * 60, Ordering::SeqCst); // 10 minutes left: refreshed ahead
//! assert_eq!(cache.credentials().await?.credentials.access_key_id(), "ASIA1");
//! assert_eq!(cache.stats().fetches, 2);
//! # Ok::<(), Box<dyn std::error::Error>>(()) })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## For each user
//!
//! **Credential-chain bootstrap.** `Config` (feature `client`) reads the environment
//! and the AWS CLI's files once and gives what `stskit credentials` would: the region,
//! an STS client for the resolved endpoint, and the chain behind a refreshing cache.
//! Here it reads a stand-in for the environment and files, so the example runs
//! offline; `stskit::Config::load()` reads the real ones:
//!
//! ```
//! # #[cfg(feature = "client")] {
//! use stskit::provider::{Os, Step};
//!
//! let os = Os::fake(
//!     [("HOME", "/home/me"), ("AWS_PROFILE", "app")],
//!     [("/home/me/.aws/config", "[profile app]\nregion = eu-west-1\n\
//!        role_arn = arn:aws:iam::123456789012:role/app\nsource_profile = base\n\
//!        [profile base]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n")],
//! );
//! let config = stskit::Config::builder().os(os).load()?;
//! assert_eq!(config.region(), Some("eu-west-1"));
//! assert_eq!(config.sts_client()?.endpoint().url(), "https://sts.eu-west-1.amazonaws.com/");
//! // The chain decides without any IO: this profile needs one AssumeRole, whose answer
//! // the AWS CLI caches under this key.
//! match config.chain().decide()? {
//!     Step::Call(call) => assert_eq!((call.source(), call.cache_key().is_some()), ("STS", true)),
//!     other => panic!("{other:?}"),
//! }
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Underneath, the profiles are parsed and planned with no IO:
//!
//! ```
//! use stskit::profile::{plan, BaseCredentials, ProfileSet};
//!
//! let config = "[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\nsource_profile = ops\n\
//!               [profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\n";
//! let credentials = "[base]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n";
//! let set = ProfileSet::parse(config, credentials).map_err(|(_, e)| e)?;
//! let chain = plan(&set, "app")?;
//! assert!(matches!(chain.base, BaseCredentials::StaticKeys { .. }));
//! let roles: Vec<&str> = chain.hops.iter().map(|h| h.role_arn.as_str()).collect();
//! assert_eq!(roles, ["arn:aws:iam::123456789012:role/ops", "arn:aws:iam::123456789012:role/app"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Tests that replay recorded answers.** A closure is a transport and a closure is a
//! clock, so a test checks the request and answers from a recording, with no network:
//!
//! ```
//! # #[cfg(feature = "client")] {
//! use stskit::{Credentials, client::StsClient, http::{Request, Response}};
//! use stskit::sts::{AssumeRole, Endpoint};
//! use time::macros::datetime;
//!
//! # let recorded = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sts/assume_role.ok.smithy-rs.xml")).unwrap();
//! let transport = move |req: Request| {
//!     assert!(req.header("authorization").unwrap().contains("/sts/aws4_request"));
//!     let body = recorded.clone();
//!     async move { Ok(Response::new(200, vec![], body)) }
//! };
//! let client = StsClient::with_transport(
//!     Endpoint::resolve(None, Some("us-east-1")).unwrap(),
//!     transport,
//!     || datetime!(2021-08-05 19:00:00 UTC), // before the recording's expiry
//! );
//! let source = Credentials::new("AKIDEXAMPLE", "secret", None);
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! let out = rt
//!     .block_on(client.assume_role(&source, &AssumeRole::new("arn:aws:iam::123456789012:role/demo", "test")))
//!     .unwrap();
//! assert_eq!(out.credentials.access_key_id(), "ASIARTESTID");
//! # }
//! ```
//!
//! With no async runtime at all, [`sts::fetch()`] does one call through a plain closure.
//!
//! **Signing any AWS request, and presigned URLs.** The signer is generic SigV4:
//!
//! ```
//! use std::time::Duration;
//! use stskit::{Credentials, http::Request, sigv4::{self, SigningParams}};
//! use time::macros::datetime;
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
//! let mut url = Request::new("GET", "https://examplebucket.s3.eu-west-1.amazonaws.com/cat.jpg");
//! let params = SigningParams::new("eu-west-1", "s3", datetime!(2026-11-30 12:00 UTC));
//! sigv4::presign(&mut url, &creds, &params, Duration::from_secs(900))?;
//! assert!(url.url().contains("X-Amz-Expires=900") && url.url().contains("X-Amz-Signature="));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Identity proofs.** A `GetCallerIdentity` request signed here and sent to STS by
//! someone else (Amazon EKS, HashiCorp Vault), who learns only who signed it:
//!
//! ```
//! use stskit::{Credentials, sts::{Endpoint, proof}};
//! use time::macros::datetime;
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
//! let at = datetime!(2026-12-05 10:00 UTC);
//! // A kubeconfig exec plugin's answer, as `aws eks get-token` prints it.
//! let endpoint = Endpoint::resolve(None, Some("eu-west-1"))?;
//! let token = proof::eks_token(&creds, &endpoint, "demo", at)?;
//! let json = token.exec_credential(proof::EXEC_CREDENTIAL_DEFAULT_VERSION);
//! # use secrecy::ExposeSecret;
//! assert!(json.expose_secret().contains("\"expirationTimestamp\": \"2026-12-05T10:14:00Z\""));
//! // Vault's AWS auth login fields, with the server id its role requires signed.
//! let global = Endpoint::resolve(None, Some("aws-global"))?;
//! let post = proof::signed_get_caller_identity(
//!     &creds, &global, &[(proof::VAULT_SERVER_ID_HEADER, "vault.example.com")], at)?;
//! let login = proof::VaultLogin::of(&post);
//! assert_eq!(login.url(), "aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8="); // https://sts.amazonaws.com/
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Long-running services**: [`cache::CredentialsCache`] (above), [`cache::RoleCache`]
//! for a role per tenant. **AWS SDK clients**: the `aws-sdk` feature (`stskit::sdk` with that
//! feature). **Plain `fn main`**: [`blocking`]. **A shell**: the `stskit` binary
//! (`stskit credentials --profile NAME --cache`). Each has a runnable program under
//! `examples/`.
//!
//! ## Features
//!
//! - `client` (default): `Config`, [`transport::ReqwestTransport`], `provider`, the
//!   caches in [`cache`]. Adds reqwest (rustls, compiled-in roots,
//!   HTTP/1.1), tokio (timers, the single flight), serde_json and sha1 (the AWS CLI's
//!   file cache).
//! - `cli` (default): the `stskit` binary (no dependency of its own; the library's
//!   `cli` module is hidden and is not API). Library users can leave it out with
//!   `default-features = false, features = ["client"]`.
//! - `test-util`: `stskit::test_util::StsDouble`, a loopback STS that checks signatures and
//!   plays faults, for this crate's tests and yours.
//! - `aws-sdk` (off by default): `stskit::sdk`: stskit's credentials convert into
//!   `aws_credential_types::Credentials`, and its providers and caches are
//!   `aws_credential_types` providers for AWS SDK clients. The default build does not
//!   pull the SDK's crates.
//! - `tracing` (off by default): a span per STS call (operation, endpoint host) and per
//!   attempt, events for each answer (status, request id), retry (reason, wait) and
//!   failure, the caches' refreshes, backoffs and stale answers, and
//!   `credential_process` exits. No field ever holds a secret: error codes are recorded
//!   only when they are known STS codes and request ids only in their UUID form, since a
//!   server can echo anything there (a test checks every field under 2,000 random
//!   secrets).
//!
//! Without default features the crate is the sans-IO core: [`sigv4`], [`sts`], [`http`],
//! [`profile`] and the refresh policy ([`cache::policy`]).
//!
//! ## Security
//!
//! - Secret keys, session tokens, external ids and MFA codes are
//!   [`secrecy::SecretString`]s; derived signing keys are cached per [`Credentials`]
//!   value and zeroized on drop; request and response bodies are zeroized on drop; the
//!   `Authorization` and `X-Amz-Security-Token` headers are marked sensitive.
//! - No `Debug`, `Display` or error output shows a secret, a token or a signature;
//!   parse errors name the element and byte offset, never the text.
//! - `--debug`-style tracing ([`client::StsClient::with_signing_observer`]) shows no
//!   hash of a body that carries a secret (an MFA code, an external id): a six-digit
//!   code falls to brute force from its hash ([`Request::with_sensitive_body`]).
//! - The response parser refuses DOCTYPE, undefined entities, deep nesting, truncated
//!   documents and every character XML 1.0 forbids, raw or escaped; the transport
//!   never follows redirects, caps bodies at 64 KiB and bounds every attempt and the
//!   whole call in time. Server text in any `Display` is escaped for terminals
//!   ([`error::escape_for_terminal`]).
//! - A signed request goes only where it was meant to: a host has one accepted
//!   spelling, shared by the endpoint check, the proxy decision and the connection
//!   (`127.0.0.01`, `2130706433` and other numeric forms URL parsers disagree on are
//!   refused); `localhost` and `*.localhost` are resolved to loopback without DNS;
//!   plain `http://` goes only to loopback (and, for instance and container metadata,
//!   to their fixed link-local addresses), never through a proxy; and a path or query
//!   that the HTTP stack would send in another form than the one signed is refused.
//! - Nothing a server, a file or the environment sends panics: every date computation
//!   is checked ([`date`]), environment variables that are set but not UTF-8 are
//!   errors naming them, and files are read only when they are regular files.
//!
//! ## What it does not do
//!
//! SigV4A (ECDSA) and streaming (chunked) payload signing; the IAM Identity Center login
//! itself (`aws sso login` writes the token stskit reads and refreshes).
//!
//! References: [SigV4](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html),
//! [STS API](https://docs.aws.amazon.com/STS/latest/APIReference/welcome.html),
//! [AssumeRole](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).

#![forbid(unsafe_code)]

// Every Rust snippet of the README compiles (and those not marked no_run run).
#[cfg(all(doctest, feature = "client"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

// Every Rust snippet of the testing guide runs.
#[cfg(all(doctest, feature = "test-util"))]
#[doc = include_str!("../docs/testing.md")]
struct TestingGuideDoctests;

#[cfg(feature = "client")]
pub mod blocking;
pub mod cache;
#[cfg(any(feature = "cli", feature = "test-util"))]
// The binary uses the recorder and replayer; the rest is `test_util`'s surface.
#[cfg_attr(
    not(feature = "test-util"),
    allow(dead_code, unused_imports, unreachable_pub)
)]
mod cassette;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
mod config;
mod credentials;
pub mod date;
pub mod error;
mod host;
pub mod http;
pub mod profile;
#[cfg(feature = "client")]
pub mod provider;
mod pyjson;
mod random;
#[cfg(feature = "aws-sdk")]
pub mod sdk;
#[cfg(feature = "server")]
pub mod server;
pub mod sigv4;
pub mod sts;
#[cfg(feature = "test-util")]
pub mod test_util;
mod text;
#[cfg(feature = "client")]
mod trace;
pub mod transport;

#[cfg(feature = "client")]
pub use config::{Config, ConfigBuilder};
pub use credentials::{Credentials, ShortKeyId, StsCredentials};
#[cfg(feature = "client")]
pub use error::Error;
pub use http::{Header, Request, Response};
/// The secret types stskit hands out, re-exported so callers use the same version
/// (`expose_secret` needs the trait of the version the values were made with).
pub use secrecy;
