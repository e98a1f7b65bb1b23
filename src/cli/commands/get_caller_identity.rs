//! `stskit get-caller-identity`: who the source credentials belong to.

use crate::cli::args::Flag;
use super::shared::JSON_OUTPUT;

pub(super) const TITLE: &str = "print who the source credentials belong to";
pub(super) const USAGE: &str = "stskit get-caller-identity [--endpoint URL] [--region REGION] [--timeout SECONDS] [--debug]\n      [--output json]";
pub(super) const FLAGS: &[Flag] = &[JSON_OUTPUT];
pub(super) const TAIL: &str =
    "Prints {\"UserId\":...,\"Account\":...,\"Arn\":...} as one line of JSON.\n";
