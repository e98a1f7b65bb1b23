//! `stskit get-caller-identity`: who the source credentials belong to.

use crate::cli::context::{Call, Command, Spec};
use crate::cli::failure::Failure;
use crate::cli::flags::{Flag, JSON_OUTPUT, Values, json_only};
use crate::cli::output;
use crate::sts::GetCallerIdentity;

pub(crate) const SPEC: Spec = Spec {
    name: "get-caller-identity",
    title: "print who the source credentials belong to",
    usage: "stskit get-caller-identity [--endpoint URL] [--region REGION] [--timeout SECONDS] [--debug]\n      [--output json]",
    flags: FLAGS,
    tail: "Prints {\"UserId\":...,\"Account\":...,\"Arn\":...} as one line of JSON.\n",
    build,
};

const FLAGS: &[Flag] = &[JSON_OUTPUT];

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    json_only(&mut v)?;
    Ok(Box::new(Call {
        op: GetCallerIdentity,
        print: output::caller_identity,
    }))
}
