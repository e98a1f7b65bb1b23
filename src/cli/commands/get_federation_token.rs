//! `stskit get-federation-token`: temporary credentials for a federated user.

use crate::cli::context::{Command, CredentialsCall, Spec};
use crate::cli::failure::Failure;
use crate::cli::flags::{
    OUTPUT, POLICY, POLICY_ARN, POLICY_FILE, Flag, Values, format, number, once, repeat, required,
    session_policies, tags,
};
use crate::sts::GetFederationToken;

pub(crate) const SPEC: Spec = Spec {
    name: "get-federation-token",
    title: "get temporary credentials for a federated user of an IAM user",
    usage: "stskit get-federation-token --name NAME [--policy JSON] [--policy-arn ARN]... [--tag K=V]...\n      [--duration-seconds N]",
    flags: FLAGS,
    tail: "The source credentials must be an IAM user's long-term keys.\n",
    build,
};

const FLAGS: &[Flag] = &[
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

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
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
    Ok(Box::new(CredentialsCall {
        op: request,
        format,
    }))
}
