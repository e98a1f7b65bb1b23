//! `stskit identity-proof`: a signed GetCallerIdentity request as Vault's AWS auth
//! method takes it for a login.

use crate::cli::commands::credentials::{CACHE, CACHE_DIR, TOKEN_CODE, cache_flags, resolve};
use crate::cli::context::{Command, Context, Outcome, Spec};
use crate::cli::failure::Failure;
use crate::cli::file_cache::CacheDir;
use crate::cli::flags::{Flag, Values, repeat};
use crate::client::{Clock, SystemClock};
use crate::sts::proof::{self, VaultLogin};

pub(crate) const SPEC: Spec = Spec {
    name: "identity-proof",
    title: "print a signed GetCallerIdentity request as Vault's login fields",
    usage: "stskit identity-proof [--header NAME:VALUE]... [--profile NAME] [--region R] [--cache]",
    flags: FLAGS,
    tail: "\
Signs POST Action=GetCallerIdentity&Version=2011-06-15 with the credentials
`stskit credentials` resolves and prints, as one line of JSON, the fields Vault's AWS
auth method (iam type) logs in with:
  {\"iam_http_request_method\": \"POST\", \"iam_request_url\": B64, \"iam_request_body\": B64,
   \"iam_request_headers\": B64}
(base64 of the URL, of the body, and of the headers as a JSON object of lists). Whoever
holds them can learn from STS who signed them within 15 minutes, and nothing more.
Each --header is signed too, such as the server id a Vault role may require:
  stskit identity-proof --header X-Vault-AWS-IAM-Server-ID:vault.example.com \\
    | vault write auth/aws/login role=demo -
The request is for https://sts.amazonaws.com/ (or the URL of --endpoint or
AWS_ENDPOINT_URL_STS) signed for the region (us-east-1 when there is none), as Vault's
own CLI and hvac sign it: a Vault server sends it on to its sts_endpoint and checks
the region against its sts_region.
",
    build,
};

const FLAGS: &[Flag] = &[
    repeat(
        "header",
        "NAME:VALUE",
        "an extra header to sign (X-Vault-AWS-IAM-Server-ID:ID)",
    ),
    TOKEN_CODE,
    CACHE,
    CACHE_DIR,
];

struct IdentityProof {
    headers: Vec<(String, String)>,
    token_code: Option<String>,
    cache: Option<CacheDir>,
}

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    let mut headers = Vec::new();
    for h in v.take_all("header") {
        let Some((name, value)) = h.split_once(':') else {
            return Err(Failure::usage("--header takes NAME:VALUE"));
        };
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    Ok(Box::new(IdentityProof {
        headers,
        token_code: v.take("token-code"),
        cache: cache_flags(&mut v)?,
    }))
}

impl Command for IdentityProof {
    fn token_code(&self) -> Option<&str> {
        self.token_code.as_deref()
    }

    fn run(self: Box<Self>, ctx: &Context) -> Result<Outcome, Failure> {
        let endpoint = ctx.config().vault_endpoint().map_err(Failure::from)?;
        let extra: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        // Refused headers are said before any credentials are resolved.
        proof::check_headers(&extra).map_err(|e| Failure::config(format!("--header: {e}")))?;
        let provided = resolve(ctx, self.cache.as_ref())?;
        let request =
            proof::signed_get_caller_identity(&provided.credentials, &endpoint, &extra, SystemClock.now())
                .map_err(|e| Failure::config(e.to_string()))?;
        ctx.debug(|| {
            format!(
                "identity-proof: signed by {} from {} for {}",
                provided.credentials.short_access_key_id(),
                provided.source,
                endpoint.host_header()
            )
        });
        let login = VaultLogin::of(&request);
        let mut out = secrecy::ExposeSecret::expose_secret(&login.to_json()).to_owned();
        out.push('\n');
        Ok(Outcome::Print(out))
    }
}
