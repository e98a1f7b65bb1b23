//! `stskit eks-token`: a bearer token for an Amazon EKS cluster, printed as the
//! `ExecCredential` a kubeconfig `exec` plugin prints (as `aws eks get-token`).

use crate::cli::commands::credentials::{CACHE, CACHE_DIR, TOKEN_CODE, cache_flags, resolve};
use crate::cli::context::{Command, Context, Outcome, Spec, check_either};
use crate::cli::failure::{Failure, say};
use crate::cli::file_cache::{self, Before, CacheDir, Printable};
use crate::cli::flags::{Flag, Values, once};
use crate::client::{Clock, SystemClock};
use crate::provider::cache_key::CacheKey;
use crate::provider::{LastCall, Provided, Session};
use crate::sts::AssumeRole;
use crate::sts::proof::{self, EXEC_CREDENTIAL_DEFAULT_VERSION};

pub(crate) const SPEC: Spec = Spec {
    name: "eks-token",
    title: "print a token for an Amazon EKS cluster (a kubeconfig exec plugin)",
    usage: "stskit eks-token --cluster-name NAME | --cluster-id ID [--role-arn ARN] [--role-session-name S]\n      [--profile NAME] [--region R] [--token-code CODE] [--cache] [--cache-dir DIR]",
    flags: FLAGS,
    tail: "\
Prints what `aws eks get-token` prints, one line of JSON:
  {\"kind\": \"ExecCredential\", \"apiVersion\": V, \"spec\": {}, \"status\":
   {\"expirationTimestamp\": \"YYYY-MM-DDTHH:MM:SSZ\", \"token\": \"k8s-aws-v1....\"}}
The token is a GetCallerIdentity URL presigned with the credentials `stskit credentials`
resolves (after assuming --role-arn, session name EKSGetTokenAuth unless given), with
the header x-k8s-aws-id naming the cluster signed. It expires 14 minutes after signing,
or when the credentials do if that is sooner. V is the apiVersion in
KUBERNETES_EXEC_INFO (set by kubectl), else client.authentication.k8s.io/v1beta1.
The endpoint is the region's STS endpoint (AWS_ENDPOINT_URL_STS and --endpoint
honoured); with no region, the global one, as the AWS CLI.

In a kubeconfig:
  users:
  - name: demo
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1beta1
        command: stskit
        args: [eks-token, --cluster-name, demo, --region, eu-west-1, --cache]
        interactiveMode: Never
",
    build,
};

const FLAGS: &[Flag] = &[
    once("cluster-name", "NAME", "the cluster's name (or --cluster-id)"),
    once(
        "cluster-id",
        "ID",
        "the cluster's id (an Outposts local cluster)",
    ),
    once("role-arn", "ARN", "a role to assume first"),
    once(
        "role-session-name",
        "NAME",
        "its session name (default EKSGetTokenAuth)",
    ),
    TOKEN_CODE,
    CACHE,
    CACHE_DIR,
];

/// The session name the AWS CLI gives `--role-arn`'s session.
const SESSION_NAME: &str = "EKSGetTokenAuth";

struct EksToken {
    cluster: String,
    role: Option<(String, String)>,
    token_code: Option<String>,
    cache: Option<CacheDir>,
}

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    let cluster = match (v.take("cluster-name"), v.take("cluster-id")) {
        (Some(_), Some(_)) => {
            return Err(Failure::usage(
                "--cluster-name and --cluster-id cannot be given together",
            ));
        }
        (None, None) => {
            return Err(Failure::usage(
                "eks-token needs --cluster-name NAME or --cluster-id ID",
            ));
        }
        (Some(c), None) | (None, Some(c)) if c.is_empty() => {
            return Err(Failure::usage("the cluster name or id cannot be empty"));
        }
        (Some(c), None) | (None, Some(c)) => c,
    };
    let session = v.take("role-session-name");
    let role = match (v.take("role-arn"), session) {
        (Some(arn), s) => Some((arn, s.unwrap_or_else(|| SESSION_NAME.to_owned()))),
        (None, Some(_)) => {
            return Err(Failure::usage("--role-session-name needs --role-arn"));
        }
        (None, None) => None,
    };
    Ok(Box::new(EksToken {
        cluster,
        role,
        token_code: v.take("token-code"),
        cache: cache_flags(&mut v)?,
    }))
}

impl Command for EksToken {
    /// `--role-arn` and its session name, as any `assume-role` is checked.
    fn check(&self) -> Result<(), crate::error::InputError> {
        match &self.role {
            Some((arn, name)) => check_either(&AssumeRole::new(arn.clone(), name.clone())),
            None => Ok(()),
        }
    }

    fn token_code(&self) -> Option<&str> {
        self.token_code.as_deref()
    }

    fn run(self: Box<Self>, ctx: &Context) -> Result<Outcome, Failure> {
        let endpoint = ctx.config().proof_endpoint().map_err(Failure::from)?;
        let api_version = api_version(ctx)?;
        let provided = match &self.role {
            None => resolve(ctx, self.cache.as_ref())?,
            Some((arn, name)) => assume(ctx, arn, name, self.cache.as_ref())?,
        };
        let now = SystemClock.now();
        let mut token = proof::eks_token(&provided.credentials, &endpoint, &self.cluster, now)
            .map_err(|e| Failure::config(e.to_string()))?;
        if let Some(at) = provided.expiration {
            token = token.expiring_by(at);
        }
        ctx.debug(|| {
            format!(
                "eks-token: signed by {} from {} for {}",
                provided.credentials.short_access_key_id(),
                provided.source,
                endpoint.host_header()
            )
        });
        let mut out = secrecy::ExposeSecret::expose_secret(&token.exec_credential(&api_version))
            .to_owned();
        out.push('\n');
        Ok(Outcome::Print(out))
    }
}

/// The credentials of `--role-arn`, assumed with the resolved ones (the AWS CLI's
/// cache shared with `--cache`, under the key the AWS CLI gives the same role and
/// session name).
fn assume(
    ctx: &Context,
    arn: &str,
    name: &str,
    cache: Option<&CacheDir>,
) -> Result<Provided, Failure> {
    let key = CacheKey::assume_role(arn).with_session_name(name);
    let pending = match cache {
        None => None,
        Some(dir) => match file_cache::before(ctx.config().os(), dir, Some(&key))? {
            Before::Hit(c) => {
                ctx.debug(|| format!("file cache: hit for {}: no call", key.file_name()));
                return Ok(super::credentials::from_file(&c));
            }
            Before::After(p) => p,
        },
    };
    let outcome = (|| {
        let source = resolve(ctx, cache)?;
        let client = ctx.client()?;
        let op = AssumeRole::new(arn.to_owned(), name.to_owned());
        let out = ctx
            .block_on(client.send(Some(&source.credentials), &op))?
            .map_err(|e| Failure::command_call(&e))?;
        let provided = Provided::from_sts(
            &out.credentials,
            out.assumed_role_user.as_ref().map(|u| u.arn.as_str()),
            "the role of --role-arn",
        );
        Ok(Session {
            provided,
            last_call: Some(LastCall::AssumeRole(Box::new(out))),
        })
    })();
    Ok(match file_cache::after(pending, outcome)? {
        Printable::Provided(p) => *p,
        Printable::Cached(c) => super::credentials::from_file(&c),
    })
}

/// The `apiVersion` to answer with, from `KUBERNETES_EXEC_INFO` by the AWS CLI's
/// rules: v1 and v1beta1 as given; v1alpha1 as given, with a deprecation line; an
/// unknown or missing value, or text that is not a JSON object, gives v1beta1 with
/// a line on stderr; unset (or empty) gives v1beta1 silently.
fn api_version(ctx: &Context) -> Result<String, Failure> {
    let raw = ctx
        .config()
        .os()
        .env_var("KUBERNETES_EXEC_INFO")
        .map_err(|e| Failure::config(e.to_string()))?;
    let (version, warning) = choose_api_version(raw.as_deref());
    if let Some(w) = warning {
        say(&w);
    }
    Ok(version)
}

const V1: &str = "client.authentication.k8s.io/v1";
const V1ALPHA1: &str = "client.authentication.k8s.io/v1alpha1";

/// The version and the line for stderr, if any (pure, for the tests).
fn choose_api_version(raw: Option<&str>) -> (String, Option<String>) {
    let default = || EXEC_CREDENTIAL_DEFAULT_VERSION.to_owned();
    let raw = match raw {
        None | Some("") => return (default(), None),
        Some(r) => r,
    };
    let value: Option<serde_json::Value> = serde_json::from_str(raw).ok();
    let Some(serde_json::Value::Object(info)) = value else {
        return (
            default(),
            Some(format!(
                "stskit: warning: KUBERNETES_EXEC_INFO is not a JSON object; answering with {EXEC_CREDENTIAL_DEFAULT_VERSION}"
            )),
        );
    };
    match info.get("apiVersion").and_then(|v| v.as_str()) {
        Some(v) if v == V1 || v == EXEC_CREDENTIAL_DEFAULT_VERSION => (v.to_owned(), None),
        Some(V1ALPHA1) => (
            V1ALPHA1.to_owned(),
            Some(format!(
                "stskit: warning: {V1ALPHA1} is deprecated; use {V1} or {EXEC_CREDENTIAL_DEFAULT_VERSION} in the kubeconfig"
            )),
        ),
        other => (
            default(),
            Some(format!(
                "stskit: warning: KUBERNETES_EXEC_INFO asks for apiVersion {}, which stskit does not know; answering with {EXEC_CREDENTIAL_DEFAULT_VERSION}",
                crate::cli::failure::terminal_safe(other.unwrap_or("(none)"), 100)
            )),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_version_follows_the_aws_cli_rules() {
        let info = |v: &str| format!(r#"{{"kind":"ExecCredential","apiVersion":"{v}","spec":{{"interactive":false}}}}"#);
        assert_eq!(choose_api_version(None), (EXEC_CREDENTIAL_DEFAULT_VERSION.into(), None));
        assert_eq!(choose_api_version(Some("")), (EXEC_CREDENTIAL_DEFAULT_VERSION.into(), None));
        assert_eq!(choose_api_version(Some(&info(V1))), (V1.into(), None));
        assert_eq!(
            choose_api_version(Some(&info(EXEC_CREDENTIAL_DEFAULT_VERSION))),
            (EXEC_CREDENTIAL_DEFAULT_VERSION.into(), None)
        );
        let (v, w) = choose_api_version(Some(&info(V1ALPHA1)));
        assert_eq!(v, V1ALPHA1);
        assert!(w.unwrap().contains("deprecated"));
        for odd in [info("client.authentication.k8s.io/v2"), "{".into(), "[1]".into(), "{}".into()] {
            let (v, w) = choose_api_version(Some(&odd));
            assert_eq!(v, EXEC_CREDENTIAL_DEFAULT_VERSION, "{odd}");
            assert!(w.is_some(), "{odd}");
        }
        // What a server put in the variable cannot reach the terminal raw.
        let (_, w) = choose_api_version(Some(&info("\\u001b[31mred")));
        assert!(!w.unwrap().contains('\u{1b}'));
    }
}
