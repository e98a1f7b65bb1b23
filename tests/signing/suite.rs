//! The public AWS SigV4 test suite, driven from data: one test per case, every stage
//! compared byte for byte (no trailing newline is added or removed).
//!
//! * `fixtures/sigv4/aws4_testsuite/` (classic, 34 cases): canonical request, string to
//!   sign and `Authorization` value.
//! * `fixtures/sigv4/aws-signing-test-suite-v4/` (CRT, 38 cases): header-signed and
//!   query-signed (presigned) canonical request, string to sign and signature: 76 checks.
//!
//! See `fixtures/sigv4/README.md` for provenance, licence and the traps of each copy.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use stskit::sigv4::{self, SessionTokenMode, SigningOutput, SigningParams, SigningSettings};
use stskit::{Credentials, Request};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const STS_TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
const VANILLA_TOKEN: &str = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
const CLASSIC_CASES: usize = 34;
const CRT_CASES: usize = 38;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sigv4")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Parses a suite request leniently: the request line is split at its first and last
/// space (paths may hold spaces), headers are `Name:value`, and a line starting with
/// white space continues the previous header (obsolete folding, kept for the signer).
fn parse_request(text: &str) -> Request {
    let (head, body) = match text.split_once("\n\n") {
        Some((h, b)) => (h, b),
        None => (text.trim_end_matches('\n'), ""),
    };
    let mut lines = head.split('\n');
    let request_line = lines.next().expect("request line");
    let first = request_line.find(' ').expect("method");
    let last = request_line.rfind(' ').expect("version");
    let method = &request_line[..first];
    let target = &request_line[first + 1..last];
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().expect("continuation after a header");
            last.1.push('\n');
            last.1.push_str(line);
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.to_owned(), value.to_owned()));
        } else if !line.is_empty() {
            panic!("unreadable header line {line:?}");
        }
    }
    let mut req = Request::new(method, target).with_body(body);
    for (n, v) in headers {
        req.append_header(n, v);
    }
    req
}

fn time() -> OffsetDateTime {
    OffsetDateTime::parse("2015-08-30T12:36:00Z", &Rfc3339).unwrap()
}

fn assert_same(case: &str, stage: &str, got: &str, want: &str) {
    assert!(
        got == want,
        "{case}: {stage} differs\n--- expected ---\n{want}\n--- got ---\n{got}\n---"
    );
}

/// The classic case in `fixtures/sigv4/aws4_testsuite/<dir>/<name>.*`.
fn run_classic(dir: &str) {
    let base = fixtures().join("aws4_testsuite").join(dir);
    let name = dir.rsplit('/').next().unwrap();
    let file = |ext: &str| read(&base.join(format!("{name}.{ext}")));
    let mut req = parse_request(&file("req"));
    // The suite's notes: get-vanilla-with-session-token takes its token from the
    // harness; post-sts-header-before signs the STS token, post-sts-header-after adds it
    // after signing.
    let (token, mode) = match name {
        "get-vanilla-with-session-token" => (Some(VANILLA_TOKEN), SessionTokenMode::Signed),
        "post-sts-header-before" => (Some(STS_TOKEN), SessionTokenMode::Signed),
        "post-sts-header-after" => (Some(STS_TOKEN), SessionTokenMode::AddAfterSigning),
        _ => (None, SessionTokenMode::Signed),
    };
    let creds = Credentials::new(ACCESS_KEY_ID, SECRET, token.map(str::to_owned));
    let params = SigningParams::new("us-east-1", "service", time())
        .with_settings(SigningSettings::default().with_session_token(mode));
    let out = sigv4::sign(&mut req, &creds, &params).unwrap_or_else(|e| panic!("{dir}: {e}"));
    assert_same(
        dir,
        "canonical request",
        out.canonical_request().expose(),
        &file("creq"),
    );
    assert_same(
        dir,
        "string to sign",
        out.string_to_sign().as_str(),
        &file("sts"),
    );
    assert_same(
        dir,
        "authorization",
        req.header("authorization").unwrap(),
        &file("authz"),
    );
    if let Some(t) = token {
        assert_eq!(
            req.header("x-amz-security-token"),
            Some(t),
            "{dir}: token header"
        );
    }
}

struct Context {
    creds: Credentials,
    normalize: bool,
    region: String,
    service: String,
    time: OffsetDateTime,
    sign_body: bool,
    omit_session_token: bool,
    expires: u64,
}

fn context(base: &Path) -> Context {
    let v: serde_json::Value = serde_json::from_str(&read(&base.join("context.json"))).unwrap();
    let c = &v["credentials"];
    let s = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
    Context {
        creds: Credentials::new(
            s(&c["access_key_id"]),
            s(&c["secret_access_key"]),
            c.get("token").map(s),
        ),
        normalize: v["normalize"].as_bool().unwrap(),
        region: s(&v["region"]),
        service: s(&v["service"]),
        time: OffsetDateTime::parse(v["timestamp"].as_str().unwrap(), &Rfc3339).unwrap(),
        sign_body: v["sign_body"].as_bool().unwrap(),
        omit_session_token: v
            .get("omit_session_token")
            .and_then(|b| b.as_bool())
            .unwrap_or(false),
        expires: v["expiration_in_seconds"].as_u64().unwrap(),
    }
}

fn check_crt(case: &str, mode: &str, base: &Path, out: &SigningOutput) {
    let file = |stage: &str| read(&base.join(format!("{mode}-{stage}.txt")));
    let label = format!("{case} ({mode}-signed)");
    assert_same(
        &label,
        "canonical request",
        out.canonical_request().expose(),
        &file("canonical-request"),
    );
    assert_same(
        &label,
        "string to sign",
        out.string_to_sign().as_str(),
        &file("string-to-sign"),
    );
    assert_same(
        &label,
        "signature",
        out.signature().expose(),
        &file("signature"),
    );
}

/// The CRT case `fixtures/sigv4/aws-signing-test-suite-v4/<dir>/`: both the header-signed
/// and the query-signed variant.
fn run_crt(dir: &str) {
    let base = fixtures().join("aws-signing-test-suite-v4").join(dir);
    let ctx = context(&base);
    let settings = SigningSettings::default()
        .with_normalize_path(ctx.normalize)
        .with_content_sha256_header(ctx.sign_body)
        .with_session_token(if ctx.omit_session_token {
            SessionTokenMode::AddAfterSigning
        } else {
            SessionTokenMode::Signed
        });
    let params = SigningParams::new(&ctx.region, &ctx.service, ctx.time).with_settings(settings);
    let request = parse_request(&read(&base.join("request.txt")));

    let mut header_signed = request.clone();
    let out = sigv4::sign(&mut header_signed, &ctx.creds, &params)
        .unwrap_or_else(|e| panic!("{dir}: {e}"));
    check_crt(dir, "header", &base, &out);

    let mut query_signed = request;
    let out = sigv4::presign(
        &mut query_signed,
        &ctx.creds,
        &params,
        Duration::from_secs(ctx.expires),
    )
    .unwrap_or_else(|e| panic!("{dir}: {e}"));
    check_crt(dir, "query", &base, &out);
    assert!(
        query_signed
            .url()
            .ends_with(&format!("X-Amz-Signature={}", out.signature().expose()))
    );
}

macro_rules! suite {
    ($list:ident, $runner:ident, $module:ident { $($t:ident => $dir:literal,)* }) => {
        const $list: &[&str] = &[$($dir),*];
        mod $module {
            $( #[test] fn $t() { super::$runner($dir) } )*
        }
    };
}

suite!(CLASSIC, run_classic, classic {
    get_header_key_duplicate => "get-header-key-duplicate",
    get_header_value_multiline => "get-header-value-multiline",
    get_header_value_order => "get-header-value-order",
    get_header_value_trim => "get-header-value-trim",
    get_unreserved => "get-unreserved",
    get_utf8 => "get-utf8",
    get_vanilla => "get-vanilla",
    get_vanilla_empty_query_key => "get-vanilla-empty-query-key",
    get_vanilla_query => "get-vanilla-query",
    get_vanilla_query_order_encoded => "get-vanilla-query-order-encoded",
    get_vanilla_query_order_key => "get-vanilla-query-order-key",
    get_vanilla_query_order_key_case => "get-vanilla-query-order-key-case",
    get_vanilla_query_order_value => "get-vanilla-query-order-value",
    get_vanilla_query_unreserved => "get-vanilla-query-unreserved",
    get_vanilla_utf8_query => "get-vanilla-utf8-query",
    get_vanilla_with_session_token => "get-vanilla-with-session-token",
    get_relative => "normalize-path/get-relative",
    get_relative_relative => "normalize-path/get-relative-relative",
    get_slash => "normalize-path/get-slash",
    get_slash_dot_slash => "normalize-path/get-slash-dot-slash",
    get_slash_pointless_dot => "normalize-path/get-slash-pointless-dot",
    get_slashes => "normalize-path/get-slashes",
    get_space => "normalize-path/get-space",
    get_special_character => "normalize-path/get-special-character",
    post_header_key_case => "post-header-key-case",
    post_header_key_sort => "post-header-key-sort",
    post_header_value_case => "post-header-value-case",
    post_sts_header_after => "post-sts-token/post-sts-header-after",
    post_sts_header_before => "post-sts-token/post-sts-header-before",
    post_vanilla => "post-vanilla",
    post_vanilla_empty_query_value => "post-vanilla-empty-query-value",
    post_vanilla_query => "post-vanilla-query",
    post_x_www_form_urlencoded => "post-x-www-form-urlencoded",
    post_x_www_form_urlencoded_parameters => "post-x-www-form-urlencoded-parameters",
});

suite!(CRT, run_crt, crt {
    get_header_key_duplicate => "get-header-key-duplicate",
    get_header_value_multiline => "get-header-value-multiline",
    get_header_value_order => "get-header-value-order",
    get_header_value_trim => "get-header-value-trim",
    get_relative_normalized => "get-relative-normalized",
    get_relative_relative_normalized => "get-relative-relative-normalized",
    get_relative_relative_unnormalized => "get-relative-relative-unnormalized",
    get_relative_unnormalized => "get-relative-unnormalized",
    get_slash_dot_slash_normalized => "get-slash-dot-slash-normalized",
    get_slash_dot_slash_unnormalized => "get-slash-dot-slash-unnormalized",
    get_slash_normalized => "get-slash-normalized",
    get_slash_pointless_dot_normalized => "get-slash-pointless-dot-normalized",
    get_slash_pointless_dot_unnormalized => "get-slash-pointless-dot-unnormalized",
    get_slash_unnormalized => "get-slash-unnormalized",
    get_slashes_normalized => "get-slashes-normalized",
    get_slashes_unnormalized => "get-slashes-unnormalized",
    get_space_normalized => "get-space-normalized",
    get_space_unnormalized => "get-space-unnormalized",
    get_unreserved => "get-unreserved",
    get_utf8 => "get-utf8",
    get_vanilla => "get-vanilla",
    get_vanilla_empty_query_key => "get-vanilla-empty-query-key",
    get_vanilla_query => "get-vanilla-query",
    get_vanilla_query_order_encoded => "get-vanilla-query-order-encoded",
    get_vanilla_query_order_key_case => "get-vanilla-query-order-key-case",
    get_vanilla_query_unreserved => "get-vanilla-query-unreserved",
    get_vanilla_utf8_query => "get-vanilla-utf8-query",
    get_vanilla_with_session_token => "get-vanilla-with-session-token",
    post_header_key_case => "post-header-key-case",
    post_header_key_sort => "post-header-key-sort",
    post_header_value_case => "post-header-value-case",
    post_sts_header_after => "post-sts-header-after",
    post_sts_header_before => "post-sts-header-before",
    post_vanilla => "post-vanilla",
    post_vanilla_empty_query_value => "post-vanilla-empty-query-value",
    post_vanilla_query => "post-vanilla-query",
    post_x_www_form_urlencoded => "post-x-www-form-urlencoded",
    post_x_www_form_urlencoded_parameters => "post-x-www-form-urlencoded-parameters",
});

fn found(root: &Path, marker: &dyn Fn(&Path) -> bool) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if marker(&path) {
                    out.insert(
                        path.strip_prefix(root)
                            .unwrap()
                            .to_string_lossy()
                            .replace('\\', "/"),
                    );
                }
                stack.push(path);
            }
        }
    }
    out
}

/// Every case folder on disk has a test above, and none is missing: a lost or added
/// folder fails here.
#[test]
fn suite_case_counts_match_the_folders_on_disk() {
    let classic = found(&fixtures().join("aws4_testsuite"), &|p: &Path| {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        p.join(format!("{name}.req")).is_file()
    });
    assert_eq!(classic.len(), CLASSIC_CASES, "classic cases on disk");
    assert_eq!(
        classic,
        CLASSIC.iter().map(|s| s.to_string()).collect(),
        "classic list"
    );

    let crt = found(
        &fixtures().join("aws-signing-test-suite-v4"),
        &|p: &Path| p.join("context.json").is_file(),
    );
    assert_eq!(crt.len(), CRT_CASES, "CRT cases on disk");
    assert_eq!(crt, CRT.iter().map(|s| s.to_string()).collect(), "CRT list");
}
