//! `stskit get-access-key-info`: the account an access key id belongs to.

use crate::cli::context::{Call, Command, Spec};
use crate::cli::failure::Failure;
use crate::cli::flags::{Flag, JSON_OUTPUT, Values, json_only, once, required};
use crate::cli::output;
use crate::sts::{GetAccessKeyInfo, GetAccessKeyInfoOutput};

pub(crate) const SPEC: Spec = Spec {
    name: "get-access-key-info",
    title: "print the account an access key id belongs to",
    usage: "stskit get-access-key-info --access-key-id ID [--output json]",
    flags: FLAGS,
    tail: "Prints {\"Account\":...} as one line of JSON.\n",
    build,
};

const FLAGS: &[Flag] = &[
    once("access-key-id", "ID", "the key id to look up (required)"),
    JSON_OUTPUT,
];

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    json_only(&mut v)?;
    let id = required(&mut v, "get-access-key-info", "access-key-id")?;
    Ok(Box::new(Call {
        op: GetAccessKeyInfo::new(id),
        print,
    }))
}

fn print(out: &GetAccessKeyInfoOutput) -> Result<String, Failure> {
    Ok(output::json_line(&[("Account", &out.account)]))
}
