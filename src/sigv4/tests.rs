use time::macros::datetime;

use super::*;
use crate::credentials::Credentials;
use crate::http::Request;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtokenvalue";

fn params() -> SigningParams<'static> {
    SigningParams::new("us-east-1", "service", datetime!(2015-08-30 12:36:00 UTC))
}

fn creds(token: bool) -> Credentials {
    Credentials::new("AKIDEXAMPLE", SECRET, token.then(|| TOKEN.to_owned()))
}

/// The classic suite's get-vanilla case, worked through by hand.
#[test]
fn signs_get_vanilla() {
    let mut req = Request::new("GET", "https://example.amazonaws.com/");
    let out = sign(&mut req, &creds(false), &params()).unwrap();
    assert_eq!(
        req.header("authorization").unwrap(),
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
         SignedHeaders=host;x-amz-date, \
         Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    );
    assert_eq!(req.header("host"), Some("example.amazonaws.com"));
    assert_eq!(req.header("x-amz-date"), Some("20150830T123600Z"));
    assert_eq!(out.canonical_request().signed_headers(), "host;x-amz-date");
}

#[test]
fn default_ports_are_dropped_from_the_derived_host() {
    for (url, host) in [
        ("https://h.example:443/", "h.example"),
        ("http://h.example:80/", "h.example"),
        ("http://127.0.0.1:8080/", "127.0.0.1:8080"),
        ("https://h.example:80/", "h.example:80"),
    ] {
        let mut req = Request::new("GET", url);
        sign(&mut req, &creds(false), &params()).unwrap();
        assert_eq!(req.header("host"), Some(host), "{url}");
    }
}

#[test]
fn signing_twice_replaces_the_previous_signature() {
    let mut req = Request::new("POST", "https://h/").with_body("a=b");
    sign(&mut req, &creds(true), &params()).unwrap();
    let first = req.header("authorization").unwrap().to_owned();
    sign(&mut req, &creds(true), &params()).unwrap();
    let count = |n: &str| {
        req.headers()
            .iter()
            .filter(|h| h.name().eq_ignore_ascii_case(n))
            .count()
    };
    assert_eq!(count("authorization"), 1);
    assert_eq!(count("x-amz-date"), 1);
    assert_eq!(count("x-amz-security-token"), 1);
    assert_eq!(count("host"), 1);
    assert_eq!(req.header("authorization").unwrap(), first);
}

#[test]
fn session_token_is_signed_by_default_and_can_be_added_after() {
    let mut req = Request::new("POST", "https://h/");
    let out = sign(&mut req, &creds(true), &params()).unwrap();
    assert_eq!(
        out.canonical_request().signed_headers(),
        "host;x-amz-date;x-amz-security-token"
    );
    assert_eq!(req.header("x-amz-security-token"), Some(TOKEN));

    let mut req = Request::new("POST", "https://h/");
    let p = params().with_settings(
        SigningSettings::default().with_session_token(SessionTokenMode::AddAfterSigning),
    );
    let out = sign(&mut req, &creds(true), &p).unwrap();
    assert_eq!(out.canonical_request().signed_headers(), "host;x-amz-date");
    assert_eq!(req.header("x-amz-security-token"), Some(TOKEN));
}

#[test]
fn unsigned_payload_and_content_sha256_header() {
    let mut req = Request::new("PUT", "https://h/k").with_body("data");
    let p = params().with_settings(
        SigningSettings::default()
            .with_payload(PayloadHash::Unsigned)
            .with_content_sha256_header(true),
    );
    let out = sign(&mut req, &creds(false), &p).unwrap();
    assert!(
        out.canonical_request()
            .expose()
            .ends_with("\nUNSIGNED-PAYLOAD")
    );
    assert_eq!(req.header("x-amz-content-sha256"), Some("UNSIGNED-PAYLOAD"));
    assert_eq!(
        out.canonical_request().signed_headers(),
        "host;x-amz-content-sha256;x-amz-date"
    );
}

#[test]
fn errors_leave_the_request_unchanged() {
    let mut req = Request::new("GET", "https://h/").with_header("Bad Name", "v");
    let before = format!("{req:?}");
    assert_eq!(
        sign(&mut req, &creds(false), &params()).unwrap_err(),
        SigningError::InvalidHeaderName
    );
    assert_eq!(format!("{req:?}"), before);

    let mut req = Request::new("GET /x", "https://h/");
    assert_eq!(
        sign(&mut req, &creds(false), &params()).unwrap_err(),
        SigningError::InvalidMethod
    );
    let mut req = Request::new("GET", "/no-host");
    assert_eq!(
        sign(&mut req, &creds(false), &params()).unwrap_err(),
        SigningError::MissingHost
    );
    let bad_region = SigningParams::new("us/east", "sts", params().time);
    assert_eq!(
        sign(
            &mut Request::new("GET", "https://h/"),
            &creds(false),
            &bad_region
        )
        .unwrap_err(),
        SigningError::InvalidScope { field: "region" }
    );
    let bad_key = Credentials::new("AKID/X", SECRET, None);
    assert_eq!(
        sign(&mut Request::new("GET", "https://h/"), &bad_key, &params()).unwrap_err(),
        SigningError::InvalidAccessKeyId
    );
}

#[test]
fn presign_appends_the_query_parameters_in_botocores_order() {
    let mut req = Request::new("GET", "https://example.amazonaws.com/?a=1");
    let out = presign(&mut req, &creds(true), &params(), Duration::from_secs(3600)).unwrap();
    let url = req.url();
    assert!(
        url.starts_with(
            "https://example.amazonaws.com/?a=1&X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request\
         &X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host\
         &X-Amz-Security-Token=AQoDYXdzEPT%2F%2F"
        ),
        "{url}"
    );
    assert!(url.ends_with(&format!("&X-Amz-Signature={}", out.signature().expose())));
    assert!(req.header("authorization").is_none());
}

#[test]
fn presign_rejects_expiry_outside_one_second_to_seven_days() {
    for secs in [0, 604_801] {
        let mut req = Request::new("GET", "https://h/");
        assert_eq!(
            presign(
                &mut req,
                &creds(false),
                &params(),
                Duration::from_secs(secs)
            )
            .unwrap_err(),
            SigningError::InvalidExpiry
        );
    }
    let mut req = Request::new("GET", "https://h/");
    assert!(presign(&mut req, &creds(false), &params(), MAX_PRESIGN_EXPIRY).is_ok());
}

#[test]
fn warm_and_cold_keys_give_the_same_signature() {
    let warm = creds(false);
    let signer = Signer::new();
    let mut a = Request::new("GET", "https://h/");
    let sa = signer.sign(&mut a, &warm, &params()).unwrap();
    let mut b = Request::new("GET", "https://h/");
    let sb = signer.sign(&mut b, &warm, &params()).unwrap();
    let mut c = Request::new("GET", "https://h/");
    let sc = sign(&mut c, &creds(false), &params()).unwrap();
    assert_eq!(sa.signature(), sb.signature());
    assert_eq!(sa.signature(), sc.signature());
    assert_eq!(signer.cached_keys(), 1);
    // Another secret under the same key id never gets the cached key.
    let other = Credentials::new("AKIDEXAMPLE", "another-secret", None);
    let mut d = Request::new("GET", "https://h/");
    let sd = signer.sign(&mut d, &other, &params()).unwrap();
    assert_ne!(sd.signature(), sa.signature());
    assert_eq!(signer.cached_keys(), 2);
}

/// No `Debug` or `Display` of any sigv4 value, or of the signed request, shows the
/// secret key, the session token, the derived key or the signature.
#[test]
fn no_debug_or_display_output_holds_a_secret() {
    let c = creds(true);
    let mut shown = Vec::new();
    let mut req = Request::new("POST", "https://sts.amazonaws.com/").with_body("Action=X");
    let out = sign(&mut req, &c, &params()).unwrap();
    let sig = out.signature().expose().to_owned();
    shown.push(format!("{c:?}"));
    shown.push(format!("{req:?}"));
    shown.push(format!("{out:?}"));
    shown.push(format!("{}", out.canonical_request()));
    shown.push(format!("{:?}", out.canonical_request()));
    shown.push(format!("{}", out.string_to_sign()));
    shown.push(format!("{}", out.signature()));
    shown.push(format!("{:?}", out.signature()));
    let signer = Signer::new();
    signer.sign(&mut req.clone(), &c, &params()).unwrap();
    shown.push(format!("{signer:?}"));
    let key = derive_signing_key(SECRET, "20150830", "us-east-1", "service");
    shown.push(format!("{key:?}"));
    shown.push(format!("{:?}", c.secret_access_key()));
    shown.push(format!("{:?}", c.session_token()));

    let mut presigned = Request::new("GET", "https://h/");
    let pout = presign(&mut presigned, &c, &params(), Duration::from_secs(60)).unwrap();
    let psig = pout.signature().expose().to_owned();
    shown.push(format!("{presigned:?}"));
    shown.push(format!("{pout:?}"));
    shown.push(format!("{}", pout.canonical_request()));

    let errors = [
        SigningError::InvalidMethod,
        SigningError::InvalidHeaderName,
        SigningError::InvalidHeaderValue { name: "x".into() },
        SigningError::InvalidScope { field: "region" },
        SigningError::InvalidAccessKeyId,
        SigningError::MissingHost,
        SigningError::InvalidTime,
        SigningError::InvalidExpiry,
    ];
    for e in &errors {
        shown.push(format!("{e} {e:?}"));
    }
    let key_hex = hex::encode(key.expose_bytes());
    for s in &shown {
        for secret in [SECRET, TOKEN, &sig, &psig, &key_hex, "wJalrXUt", "AQoDYXdz"] {
            assert!(!s.contains(secret), "{s:?} shows a secret");
        }
    }
    // A control-character error in the token names the header, not the token.
    let bad = Credentials::new("AKID", SECRET, Some("tok\0en-secret".into()));
    let err = sign(&mut Request::new("GET", "https://h/"), &bad, &params()).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("en-secret"));
}

/// A body that carries a short secret (an MFA code) has its hash, and the canonical
/// request's hash, redacted from `Display` and `Debug`: both fall to brute force.
/// The exact text is still there for whoever asks for it.
#[test]
fn hashes_of_a_sensitive_body_are_redacted_from_display() {
    let hex64 = |s: &str| {
        s.split(|c: char| !c.is_ascii_hexdigit())
            .filter(|w| w.len() == 64)
            .count()
    };
    for sensitive in [false, true] {
        let mut req =
            Request::new("POST", "https://sts.amazonaws.com/").with_body("TokenCode=123456");
        if sensitive {
            req = req.with_sensitive_body();
        }
        let out = sign(&mut req, &creds(false), &params()).unwrap();
        let shown = format!(
            "{} {} {:?} {:?}",
            out.canonical_request(),
            out.string_to_sign(),
            out.canonical_request(),
            out.string_to_sign()
        );
        assert_eq!(hex64(&shown), if sensitive { 0 } else { 4 }, "{shown}");
        assert_eq!(hex64(out.canonical_request().expose()), 1);
        assert_eq!(hex64(out.string_to_sign().as_str()), 1);
    }
}

/// A session token is one word of visible ASCII: a line break, DEL, space or
/// non-ASCII in it is refused before the request is touched.
#[test]
fn session_tokens_that_are_not_visible_ascii_are_refused() {
    for token in ["tok\n", "tok\u{7f}", "to ken", "tok\u{e9}", "tok\r\nX-A: b"] {
        let mut req = Request::new("GET", "https://example.amazonaws.com/");
        let creds = Credentials::new("AKIDEXAMPLE", SECRET, Some(token.to_owned()));
        assert_eq!(
            sign(&mut req, &creds, &params()).unwrap_err(),
            SigningError::InvalidSessionToken
        );
        assert!(req.headers().is_empty());
    }
}
