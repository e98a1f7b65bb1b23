//! `stskit get-web-identity-token`: a signed JWT of the caller's AWS identity.

use crate::cli::context::{Call, Command, Spec};
use crate::cli::failure::Failure;
use crate::cli::flags::{
    Flag, JSON_OUTPUT, Values, json_only, number, once, repeat, required, tags,
};
use crate::cli::output;
use crate::sts::{GetWebIdentityToken, GetWebIdentityTokenOutput, SubjectMode};

pub(crate) const SPEC: Spec = Spec {
    name: "get-web-identity-token",
    title: "get a signed JWT of the caller's AWS identity for an outside service",
    usage: "stskit get-web-identity-token --audience AUD... --signing-algorithm RS256|ES384\n      [--duration-seconds N] [--subject-mode AWSIdentity|OriginIdentity] [--scope SCOPE]\n      [--tag KEY=VALUE]... [--output json]",
    flags: FLAGS,
    tail: "Prints {\"WebIdentityToken\":...,\"Expiration\":...} as one line of JSON.\n",
    build,
};

const FLAGS: &[Flag] = &[
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

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
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
    Ok(Box::new(Call {
        op: request,
        print,
    }))
}

fn print(out: &GetWebIdentityTokenOutput) -> Result<String, Failure> {
    use secrecy::ExposeSecret;
    let expiration = out
        .expiration
        .map(crate::date::format_rfc3339)
        .unwrap_or_default();
    Ok(output::json_line(&[
        ("WebIdentityToken", out.web_identity_token.expose_secret()),
        ("Expiration", &expiration),
    ]))
}
