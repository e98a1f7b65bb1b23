//! `stskit assume-root`: short-term root credentials for a task on a member account.

use crate::cli::context::{Command, CredentialsCall, Spec};
use crate::cli::failure::Failure;
use crate::cli::flags::{OUTPUT, Flag, Values, format, number, once, required};
use crate::sts::AssumeRoot;

pub(crate) const SPEC: Spec = Spec {
    name: "assume-root",
    title: "get short-term root credentials for a task on a member account",
    usage: "stskit assume-root --target-principal ID --task-policy-arn ARN [--duration-seconds N]",
    flags: FLAGS,
    tail: "Regional endpoints only: give a region.\n",
    build,
};

const FLAGS: &[Flag] = &[
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

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    let format = format(&mut v)?;
    let duration = number(&mut v, "duration-seconds")?;
    let target = required(&mut v, "assume-root", "target-principal")?;
    let task = required(&mut v, "assume-root", "task-policy-arn")?;
    let mut request = AssumeRoot::new(target, task);
    if let Some(d) = duration {
        request = request.with_duration_seconds(d);
    }
    Ok(Box::new(CredentialsCall {
        op: request,
        format,
    }))
}
