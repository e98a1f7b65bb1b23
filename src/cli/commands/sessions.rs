//! `stskit get-session-token`, `get-federation-token` and `assume-root`: credentials
//! from source credentials, other than a role's.

use crate::sts::{AssumeRoot, GetFederationToken, GetSessionToken};

use crate::cli::Failure;
use crate::cli::args::{Flag, Values};
use super::Command;
use super::shared::{
    OUTPUT, POLICY, POLICY_ARN, POLICY_FILE, format, mfa, number, once, repeat, required,
    session_policies, tags,
};

pub(super) mod session_token {
    use super::*;

    pub(in super::super) const TITLE: &str =
        "get temporary credentials for an IAM user, with MFA if given";
    pub(in super::super) const USAGE: &str =
        "stskit get-session-token [--duration-seconds N] [--serial-number ARN --token-code CODE]";
    pub(in super::super) const TAIL: &str =
        "The source credentials must be long-term (no AWS_SESSION_TOKEN).\n";
    pub(in super::super) const FLAGS: &[Flag] = &[
        once(
            "duration-seconds",
            "N",
            "900-129600 (STS's default 43200; 3600 at most for root)",
        ),
        once("serial-number", "ARN", "MFA device (with --token-code)"),
        once(
            "token-code",
            "CODE",
            "six-digit MFA code (with --serial-number)",
        ),
        OUTPUT,
    ];

    pub(in super::super) fn build(mut v: Values) -> Result<Command, Failure> {
        let format = format(&mut v)?;
        let mut request = GetSessionToken::new();
        if let Some(d) = number(&mut v, "duration-seconds")? {
            request = request.with_duration_seconds(d);
        }
        if let Some((serial, code)) = mfa(&mut v)? {
            request = request.with_mfa(serial, code);
        }
        Ok(Command::SessionToken(Box::new(request), format))
    }
}

pub(super) mod federation_token {
    use super::*;

    pub(in super::super) const TITLE: &str =
        "get temporary credentials for a federated user of an IAM user";
    pub(in super::super) const USAGE: &str = "stskit get-federation-token --name NAME [--policy JSON] [--policy-arn ARN]... [--tag K=V]...\n      [--duration-seconds N]";
    pub(in super::super) const TAIL: &str =
        "The source credentials must be an IAM user's long-term keys.\n";
    pub(in super::super) const FLAGS: &[Flag] = &[
        once(
            "name",
            "NAME",
            "federated user name, 2-32 of [A-Za-z0-9_+=,.@-] (required)",
        ),
        once(
            "duration-seconds",
            "N",
            "900-129600 (STS's default 43200; 3600 at most for root)",
        ),
        POLICY,
        POLICY_FILE,
        POLICY_ARN,
        repeat("tag", "KEY=VALUE", "session tag, at most 50"),
        OUTPUT,
    ];

    pub(in super::super) fn build(mut v: Values) -> Result<Command, Failure> {
        let format = format(&mut v)?;
        let duration = number(&mut v, "duration-seconds")?;
        let mut request =
            GetFederationToken::new(required(&mut v, "get-federation-token", "name")?);
        if let Some(d) = duration {
            request = request.with_duration_seconds(d);
        }
        let (policy, arns) = session_policies(&mut v)?;
        if let Some(p) = policy {
            request = request.with_policy(p);
        }
        for arn in arns {
            request = request.with_policy_arn(arn);
        }
        for (k, val) in tags(&mut v)? {
            request = request.with_tag(k, val);
        }
        Ok(Command::FederationToken(Box::new(request), format))
    }
}

pub(super) mod assume_root {
    use super::*;

    pub(in super::super) const TITLE: &str =
        "get short-term root credentials for a task on a member account";
    pub(in super::super) const USAGE: &str =
        "stskit assume-root --target-principal ID --task-policy-arn ARN [--duration-seconds N]";
    pub(in super::super) const TAIL: &str = "Regional endpoints only: give a region.\n";
    pub(in super::super) const FLAGS: &[Flag] = &[
        once(
            "target-principal",
            "ID",
            "member account id or ARN (required)",
        ),
        once(
            "task-policy-arn",
            "ARN",
            "AWS managed task policy (required)",
        ),
        once("duration-seconds", "N", "0-900 (STS's default 900)"),
        OUTPUT,
    ];

    pub(in super::super) fn build(mut v: Values) -> Result<Command, Failure> {
        let format = format(&mut v)?;
        let duration = number(&mut v, "duration-seconds")?;
        let target = required(&mut v, "assume-root", "target-principal")?;
        let task = required(&mut v, "assume-root", "task-policy-arn")?;
        let mut request = AssumeRoot::new(target, task);
        if let Some(d) = duration {
            request = request.with_duration_seconds(d);
        }
        Ok(Command::AssumeRoot(Box::new(request), format))
    }
}
