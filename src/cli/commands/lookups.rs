//! `stskit get-access-key-info` and `decode-authorization-message`.

use crate::sts::{DecodeAuthorizationMessage, GetAccessKeyInfo};

use crate::cli::Failure;
use crate::cli::args::{Flag, Values};
use super::Command;
use super::shared::{JSON_OUTPUT, json_only, once, required};

pub(super) mod access_key_info {
    use super::*;

    pub(in super::super) const TITLE: &str = "print the account an access key id belongs to";
    pub(in super::super) const USAGE: &str =
        "stskit get-access-key-info --access-key-id ID [--output json]";
    pub(in super::super) const TAIL: &str = "Prints {\"Account\":...} as one line of JSON.\n";
    pub(in super::super) const FLAGS: &[Flag] = &[
        once("access-key-id", "ID", "the key id to look up (required)"),
        JSON_OUTPUT,
    ];

    pub(in super::super) fn build(mut v: Values) -> Result<Command, Failure> {
        json_only(&mut v)?;
        let id = required(&mut v, "get-access-key-info", "access-key-id")?;
        Ok(Command::AccessKeyInfo(GetAccessKeyInfo::new(id)))
    }
}

pub(super) mod decode_message {
    use super::*;

    pub(in super::super) const TITLE: &str = "decode an encoded authorization failure message";
    pub(in super::super) const USAGE: &str =
        "stskit decode-authorization-message --encoded-message MSG [--output json]";
    pub(in super::super) const TAIL: &str =
        "Prints {\"DecodedMessage\":...} as one line of JSON.\n";
    pub(in super::super) const FLAGS: &[Flag] = &[
        once("encoded-message", "MSG", "the encoded message (required)"),
        JSON_OUTPUT,
    ];

    pub(in super::super) fn build(mut v: Values) -> Result<Command, Failure> {
        json_only(&mut v)?;
        let msg = required(&mut v, "decode-authorization-message", "encoded-message")?;
        Ok(Command::DecodeMessage(DecodeAuthorizationMessage::new(msg)))
    }
}
