//! The help texts: the main one, and each command's, written from its table.

use super::context::Spec;
use super::flags::{Arity, COMMON, Flag};

/// The chain and the settings, as the main help and `credentials --help` say them (and
/// README: `tests/cli/terminal.rs` checks that they agree).
macro_rules! chain_text {
    () => {
        "\
Source credentials are resolved as the AWS CLI resolves them: AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN), then web identity from
AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, then the profile AWS_PROFILE names (else
AWS_DEFAULT_PROFILE, else default) in AWS_CONFIG_FILE (~/.aws/config) and
AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials): static keys, roles with
source_profile or credential_source, web identity, credential_process, IAM Identity
Center; then the container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
AWS_CONTAINER_CREDENTIALS_FULL_URI), then EC2 instance metadata (off with
AWS_EC2_METADATA_DISABLED=true). With --profile NAME, that profile only. The web
identity and SAML calls are unsigned and read none.

The region is --region, else AWS_REGION, else AWS_DEFAULT_REGION, else the profile's
region (aws-global names the global endpoint). The endpoint follows AWS's STS
endpoint rules for every partition: --endpoint, else AWS_ENDPOINT_URL_STS, else
AWS_ENDPOINT_URL (both ignored under AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), else
the profile's services section or endpoint_url, else the region's endpoint, with
AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT and AWS_STS_REGIONAL_ENDPOINTS (or
the profile's use_fips_endpoint, use_dualstack_endpoint, sts_regional_endpoints) as
the AWS tools read them. AWS_CA_BUNDLE (else the profile's ca_bundle) adds trusted
roots.
"
    };
}
pub(crate) use chain_text;

/// The main help.
pub(crate) const MAIN_HELP: &str = concat!(
    "\
stskit: temporary AWS credentials from STS, without the AWS SDK

Usage:
  stskit credentials [--profile NAME] [--token-code CODE] [--output FORMAT]
  stskit exec [--profile NAME] [--server] -- COMMAND [ARG...]
  stskit serve [--profile NAME] [--listen ADDR] [--token-file PATH]
  stskit eks-token --cluster-name NAME | --cluster-id ID [--role-arn ARN]
  stskit identity-proof [--header NAME:VALUE]...
  stskit assume-role --role-arn ARN --role-session-name NAME [options]
  stskit assume-role-with-web-identity --role-arn ARN --role-session-name NAME
      (--web-identity-token-file PATH | --web-identity-token-env) [options]
  stskit assume-role-with-saml --role-arn ARN --principal-arn ARN
      --saml-assertion-file PATH [options]
  stskit get-session-token [--duration-seconds N] [--serial-number ARN --token-code CODE]
  stskit get-federation-token --name NAME [options]
  stskit assume-root --target-principal ID --task-policy-arn ARN [--duration-seconds N]
  stskit get-caller-identity
  stskit get-access-key-info --access-key-id ID
  stskit decode-authorization-message --encoded-message MSG
  stskit get-delegated-access-token --trade-in-token-file PATH
  stskit get-web-identity-token --audience AUD --signing-algorithm ALG [options]
  stskit get-scoped-credentials [--policy JSON] [--duration-seconds N]
  stskit help COMMAND
  stskit completions bash|zsh|fish
  stskit --help | --version

",
    chain_text!(),
    "
The commands that return credentials print one line of credential_process JSON on
stdout (or shell exports with --output), so they can stand in ~/.aws/config as:
  credential_process = stskit assume-role --role-arn arn:aws:iam::123456789012:role/r --role-session-name me

Every command takes --record DIR (its STS and source traffic written to DIR, every
secret replaced) and --replay DIR (answered from DIR on the recording's clock, nothing
sent; a request that differs from the recorded one exits 4).

Exit codes:
  0  success
  2  usage or configuration error (missing or invalid flag, missing source credentials,
     an environment variable that is not valid UTF-8, a refused endpoint, a
     credential_process that cannot be run, a needed aws sso login)
  3  STS answered with an error (AccessDenied, ExpiredToken, ...), or another source
     said no (an error code from instance metadata, the container endpoint or IAM
     Identity Center; a credential_process that exited with an error)
  4  no usable answer (connection, certificate, proxy, timeout, deadline, redirect,
     oversized, malformed or expired answer, HTTP error without an error document, a
     request a --replay cassette does not hold), or the answer could not be written
     to stdout
On failure stdout stays empty and stderr says why, in one or two lines.
"
);

/// The help of `stskit completions`.
pub(crate) const COMPLETIONS_HELP: &str = "\
stskit completions: print a completion script for a shell

Usage:
  stskit completions bash|zsh|fish

Load it with eval \"$(stskit completions bash)\" (or zsh, fish); the script completes
every command and flag from the same tables the parser reads.
";

/// The help of one command, written from its table.
pub(crate) fn command_help(spec: &Spec) -> String {
    let mut out = format!(
        "stskit {}: {}\n\nUsage:\n  {}\n\n",
        spec.name, spec.title, spec.usage
    );
    out.push_str("Options (each value as '--flag value' or '--flag=value'):\n");
    let left = |flag: &Flag| match flag.arity {
        Arity::Switch => format!("--{}", flag.name),
        _ => format!("--{} {}", flag.name, flag.value),
    };
    // The second column starts past the longest first one, and never before 28.
    let width = spec
        .flags
        .iter()
        .chain(COMMON)
        .filter(|f| f.arity != Arity::Rest)
        .map(|f| left(f).len() + 2)
        .max()
        .unwrap_or(0)
        .max(28);
    for flag in spec.flags.iter().chain(COMMON) {
        if flag.arity == Arity::Rest {
            continue;
        }
        let left = left(flag);
        let mut lines = flag.help.lines();
        let first = lines.next().unwrap_or_default();
        let repeat = if flag.arity == Arity::Repeat {
            " (repeatable)"
        } else {
            ""
        };
        out.push_str(&format!("  {left:<width$}{first}{repeat}\n"));
        for more in lines {
            out.push_str(&format!("  {:<width$}{more}\n", ""));
        }
    }
    out.push('\n');
    out.push_str(spec.tail);
    out.push_str(if spec.flags.iter().any(|f| f.arity == Arity::Rest) {
        "Exit codes before COMMAND runs: 2 usage or settings, 3 the source said no, 4 no usable\nanswer; then COMMAND's own.\n"
    } else {
        "Exit codes: 0 success, 2 usage or settings, 3 the source said no, 4 no usable answer.\n"
    });
    out
}
