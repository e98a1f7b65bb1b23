//! `stskit get-delegated-access-token`, `get-web-identity-token` and
//! `get-scoped-credentials`: the newer token operations.

use crate::sts::{
    GetDelegatedAccessToken, GetScopedCredentials, GetWebIdentityToken, SubjectMode,
};

use crate::cli::Failure;
use crate::cli::args::{Flag, Values};
use super::Command;
use super::shared::{
    JSON_OUTPUT, OUTPUT, POLICY, POLICY_FILE, format, json_only, number, once, policy, repeat,
    required, secret_file, tags,
};

/// The largest trade-in token file read.
const MAX_TRADE_IN_TOKEN_FILE: u64 = 64 * 1024;

pub(super) mod delegated {
    use super::*;

    pub(in super::super) const TITLE: &str = "trade in a delegated access token for credentials";
    pub(in super::super) const USAGE: &str =
        "stskit get-delegated-access-token --trade-in-token-file PATH [--output FORMAT]";
    pub(in super::super) const TAIL: &str =
        "The token is read from the file (never from the command line) and never printed.\n";
    pub(in super::super) const FLAGS: &[Flag] = &[
        once(
            "trade-in-token-file",
            "PATH",
            "file holding the trade-in token (required)",
        ),
        OUTPUT,
    ];

    pub(in super::super) fn build(mut v: Values) -> Result<Command, Failure> {
        let format = format(&mut v)?;
        let path = required(&mut v, "get-delegated-access-token", "trade-in-token-file")?;
        let token = secret_file("--trade-in-token-file", &path, MAX_TRADE_IN_TOKEN_FILE)?;
        Ok(Command::DelegatedAccessToken(
            Box::new(GetDelegatedAccessToken::new(token)),
            format,
        ))
    }
}

pub(super) mod web_identity_token {
    use super::*;

    pub(in super::super) const TITLE: &str =
        "get a signed JWT of the caller's AWS identity for an outside service";
    pub(in super::super) const USAGE: &str = "stskit get-web-identity-token --audience AUD... --signing-algorithm RS256|ES384\n      [--duration-seconds N] [--subject-mode AWSIdentity|OriginIdentity] [--scope SCOPE]\n      [--tag KEY=VALUE]... [--output json]";
    pub(in super::super) const TAIL: &str =
        "Prints {\"WebIdentityToken\":...,\"Expiration\":...} as one line of JSON.\n";
    pub(in super::super) const FLAGS: &[Flag] = &[
        repeat("audience", "AUD", "intended audience, 1 to 10 (required)"),
        once("signing-algorithm", "ALG", "RS256 or ES384 (required)"),
        once("duration-seconds", "N", "60-3600 (STS's default 300)"),
        once("subject-mode", "MODE", "AWSIdentity or OriginIdentity"),
        once(
            "scope",
            "SCOPE",
            "OAuth scopes (only with OriginIdentity and one audience)",
        ),
        repeat("tag", "KEY=VALUE", "custom claim, at most 50"),
        JSON_OUTPUT,
    ];

    pub(in super::super) fn build(mut v: Values) -> Result<Command, Failure> {
        json_only(&mut v)?;
        let audiences = v.take_all("audience");
        let Some((first, rest)) = audiences.split_first() else {
            return Err(Failure::usage("get-web-identity-token needs --audience"));
        };
        let alg = required(&mut v, "get-web-identity-token", "signing-algorithm")?;
        let mut request = GetWebIdentityToken::new(first.clone(), alg);
        for a in rest {
            request = request.with_audience(a.clone());
        }
        if let Some(d) = number(&mut v, "duration-seconds")? {
            request = request.with_duration_seconds(d);
        }
        match v.take("subject-mode").as_deref() {
            None => {}
            Some("AWSIdentity") => request = request.with_subject_mode(SubjectMode::AwsIdentity),
            Some("OriginIdentity") => {
                request = request.with_subject_mode(SubjectMode::OriginIdentity)
            }
            Some(_) => {
                return Err(Failure::usage(
                    "--subject-mode must be AWSIdentity or OriginIdentity",
                ));
            }
        }
        if let Some(s) = v.take("scope") {
            request = request.with_scope(s);
        }
        for (k, val) in tags(&mut v)? {
            request = request.with_tag(k, val);
        }
        Ok(Command::WebIdentityToken(Box::new(request)))
    }
}

pub(super) mod scoped {
    use super::*;

    pub(in super::super) const TITLE: &str =
        "get credentials scoped down from the caller's temporary ones";
    pub(in super::super) const USAGE: &str = "stskit get-scoped-credentials [--policy JSON | --policy-file PATH] [--duration-seconds N]\n      [--scoped-session-description TEXT]";
    pub(in super::super) const TAIL: &str =
        "The source credentials must be temporary (with AWS_SESSION_TOKEN).\n";
    pub(in super::super) const FLAGS: &[Flag] = &[
        POLICY,
        POLICY_FILE,
        once(
            "duration-seconds",
            "N",
            "1-129600 (STS's default: the caller's remaining time)",
        ),
        once(
            "scoped-session-description",
            "TEXT",
            "2-256 characters describing the session",
        ),
        OUTPUT,
    ];

    pub(in super::super) fn build(mut v: Values) -> Result<Command, Failure> {
        let format = format(&mut v)?;
        let mut request = GetScopedCredentials::new();
        if let Some(p) = policy(&mut v)? {
            request = request.with_policy(p);
        }
        if let Some(d) = number(&mut v, "duration-seconds")? {
            request = request.with_duration_seconds(d);
        }
        if let Some(t) = v.take("scoped-session-description") {
            request = request.with_scoped_session_description(t);
        }
        Ok(Command::ScopedCredentials(Box::new(request), format))
    }
}
