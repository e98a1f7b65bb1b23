//! The canonical request builder (through header signing and presigning) on arbitrary
//! methods, paths, queries and headers.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use stskit::sigv4::{self, PathEncoding, SigningParams, SigningSettings};
use stskit::{Credentials, Request};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\n');
    let flags = parts.next().unwrap_or("").bytes().next().unwrap_or(0);
    let method = parts.next().unwrap_or("GET");
    let target = parts.next().unwrap_or("/");
    let mut req = Request::new(method, format!("https://h.example{target}"));
    for line in parts {
        let (n, v) = line.split_once(':').unwrap_or((line, ""));
        req.append_header(n.to_owned(), v);
    }
    let creds = Credentials::new(
        "AKIDFUZZ",
        "secret",
        (flags & 1 == 1).then(|| "token".to_string()),
    );
    let settings = SigningSettings::default()
        .with_normalize_path(flags & 2 == 0)
        .with_path_encoding(if flags & 4 == 0 {
            PathEncoding::Double
        } else {
            PathEncoding::Single
        });
    let params = SigningParams::new("us-east-1", "service", time::OffsetDateTime::UNIX_EPOCH)
        .with_settings(settings);
    let mut a = req.clone();
    if let Ok(out) = sigv4::sign(&mut a, &creds, &params) {
        let creq = out.canonical_request().expose();
        assert!(creq.starts_with(&format!("{method}\n")));
        assert!(
            !out.canonical_request()
                .to_string()
                .contains("x-amz-security-token:token")
        );
    }
    let mut b = req;
    let _ = sigv4::presign(&mut b, &creds, &params, Duration::from_secs(60));
    let _ = sigv4::canonical_request::canonical_query(target);
    let _ = sigv4::canonical_request::canonical_uri(target, flags & 2 == 0, PathEncoding::Double);
});
