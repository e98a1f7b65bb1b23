//! `stskit decode-authorization-message`: decode an encoded authorization failure.

use crate::cli::context::{Call, Command, Spec};
use crate::cli::failure::Failure;
use crate::cli::flags::{Flag, JSON_OUTPUT, Values, json_only, once, required};
use crate::cli::output;
use crate::sts::{DecodeAuthorizationMessage, DecodeAuthorizationMessageOutput};

pub(crate) const SPEC: Spec = Spec {
    name: "decode-authorization-message",
    title: "decode an encoded authorization failure message",
    usage: "stskit decode-authorization-message --encoded-message MSG [--output json]",
    flags: FLAGS,
    tail: "Prints {\"DecodedMessage\":...} as one line of JSON.\n",
    build,
};

const FLAGS: &[Flag] = &[
    once("encoded-message", "MSG", "the encoded message (required)"),
    JSON_OUTPUT,
];

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    json_only(&mut v)?;
    let msg = required(&mut v, "decode-authorization-message", "encoded-message")?;
    Ok(Box::new(Call {
        op: DecodeAuthorizationMessage::new(msg),
        print,
    }))
}

fn print(out: &DecodeAuthorizationMessageOutput) -> Result<String, Failure> {
    Ok(output::json_line(&[("DecodedMessage", &out.decoded_message)]))
}
