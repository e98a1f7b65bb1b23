//! `stskit assume-role-with-web-identity`: role credentials for an OIDC token, without
//! source credentials.

use crate::cli::context::{Command, CredentialsCall, Spec};
use crate::cli::failure::Failure;
use crate::cli::flags::{
    Arity, OUTPUT, POLICY, POLICY_ARN, POLICY_FILE, Flag, Values, format, number, once, required,
    secret_file, session_policies,
};
use crate::provider::{MAX_WEB_IDENTITY_TOKEN_FILE, Os};
use crate::sts::AssumeRoleWithWebIdentity;

pub(crate) const SPEC: Spec = Spec {
    name: "assume-role-with-web-identity",
    title: "assume an IAM role with a web identity (OIDC) token and print its credentials",
    usage: "stskit assume-role-with-web-identity --role-arn ARN --role-session-name NAME\n      (--web-identity-token-file PATH | --web-identity-token-env) [options]",
    flags: FLAGS,
    tail: "The call is unsigned: no source credentials are read. The token file is read once,\nfor this call, and its content is never printed.\n",
    build,
};

const FLAGS: &[Flag] = &[
    once("role-arn", "ARN", "role to assume (required)"),
    once(
        "role-session-name",
        "NAME",
        "session name, 2-64 of [A-Za-z0-9_+=,.@-] (required)",
    ),
    once(
        "web-identity-token-file",
        "PATH",
        "file holding the token (4-20000 characters)",
    ),
    Flag {
        name: "web-identity-token-env",
        value: "",
        arity: Arity::Switch,
        help: "read the token from the file AWS_WEB_IDENTITY_TOKEN_FILE\nnames",
    },
    once("duration-seconds", "N", "900-43200 (STS's default 3600)"),
    POLICY,
    POLICY_FILE,
    POLICY_ARN,
    once(
        "provider-id",
        "ID",
        "OAuth 2.0 provider (www.amazon.com, graph.facebook.com);\nleave out for OIDC",
    ),
    OUTPUT,
];

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    let format = format(&mut v)?;
    let duration = number(&mut v, "duration-seconds")?;
    let role_arn = required(&mut v, SPEC.name, "role-arn")?;
    let session_name = required(&mut v, SPEC.name, "role-session-name")?;
    let token = match (
        v.take("web-identity-token-file"),
        v.switch("web-identity-token-env"),
    ) {
        (Some(_), true) => {
            return Err(Failure::usage(
                "give --web-identity-token-file or --web-identity-token-env, not both",
            ));
        }
        (Some(path), false) => secret_file(&v, "--web-identity-token-file",
            &path,
            MAX_WEB_IDENTITY_TOKEN_FILE,
        )?,
        (None, true) => {
            let path = Os::real()
                .env_var("AWS_WEB_IDENTITY_TOKEN_FILE")
                .map_err(|e| Failure::usage(e.to_string()))?
                .filter(|p| !p.is_empty())
                .ok_or_else(|| {
                    Failure::usage(
                        "--web-identity-token-env needs AWS_WEB_IDENTITY_TOKEN_FILE to name the token file",
                    )
                })?;
            secret_file(&v, "AWS_WEB_IDENTITY_TOKEN_FILE",
                &path,
                MAX_WEB_IDENTITY_TOKEN_FILE,
            )?
        }
        (None, false) => {
            return Err(Failure::usage(
                "assume-role-with-web-identity needs --web-identity-token-file or --web-identity-token-env",
            ));
        }
    };
    let mut request = AssumeRoleWithWebIdentity::new(role_arn, session_name, token);
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
    if let Some(id) = v.take("provider-id") {
        request = request.with_provider_id(id);
    }
    Ok(Box::new(CredentialsCall {
        op: request,
        format,
    }))
}
