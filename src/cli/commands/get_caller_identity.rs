//! `stskit get-caller-identity`: who the source credentials belong to.

use super::super::args::Flag;

pub(super) const TITLE: &str = "print who the source credentials belong to";
pub(super) const USAGE: &str =
    "stskit get-caller-identity [--endpoint URL] [--region REGION] [--timeout SECONDS] [--debug]";
pub(super) const FLAGS: &[Flag] = &[];
pub(super) const TAIL: &str =
    "Prints {\"UserId\":...,\"Account\":...,\"Arn\":...} as one line of JSON.\n";
