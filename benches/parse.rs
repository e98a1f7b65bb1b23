//! Benchmarks of the pure STS core: parsing every recorded response and one answer of
//! every operation, and building the AssumeRole request.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use stskit::sts::{AssumeRole, Endpoint, Operation, parse_assume_role, parse_error};

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sts");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xml"))
        .collect();
    names.sort();
    for name in names {
        let body = std::fs::read(dir.join(&name)).unwrap();
        let id = format!("sts/parse/{}", name.trim_end_matches(".xml"));
        if name.starts_with("error.") {
            c.bench_function(&id, |b| b.iter(|| parse_error(400, &[], black_box(&body))));
        } else {
            c.bench_function(&id, |b| {
                b.iter(|| parse_assume_role(200, &[], black_box(&body)).unwrap())
            });
        }
    }
    // One answer of every operation, through its own parser.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sts-model");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xml"))
        .collect();
    names.sort();
    for name in names {
        let body = std::fs::read(dir.join(&name)).unwrap();
        let id = format!("sts/parse_model/{}", name.trim_end_matches(".xml"));
        let op = name.split('.').next().unwrap().to_owned();
        c.bench_function(&id, |b| b.iter(|| parse_any(&op, black_box(&body))));
    }
    let endpoint = Endpoint::resolve(None, Some("aws-global")).unwrap();
    c.bench_function("sts/build_request", |b| {
        b.iter(|| {
            AssumeRole::new(
                black_box("arn:aws:iam::123456789012:role/demo"),
                "bench-session",
            )
            .to_request(&endpoint, false)
            .unwrap()
        })
    });
}

/// Parses `body` with the parser of `op` (a file name's first part).
fn parse_any(op: &str, body: &[u8]) -> bool {
    use stskit::sts::*;
    match op {
        "assume_role" => AssumeRole::parse(200, &[], body).is_ok(),
        "assume_role_with_saml" => AssumeRoleWithSaml::parse(200, &[], body).is_ok(),
        "assume_role_with_web_identity" => AssumeRoleWithWebIdentity::parse(200, &[], body).is_ok(),
        "assume_root" => AssumeRoot::parse(200, &[], body).is_ok(),
        "get_session_token" => GetSessionToken::parse(200, &[], body).is_ok(),
        "get_federation_token" => GetFederationToken::parse(200, &[], body).is_ok(),
        "get_scoped_credentials" => GetScopedCredentials::parse(200, &[], body).is_ok(),
        "get_delegated_access_token" => GetDelegatedAccessToken::parse(200, &[], body).is_ok(),
        "get_web_identity_token" => GetWebIdentityToken::parse(200, &[], body).is_ok(),
        "get_caller_identity" => GetCallerIdentity::parse(200, &[], body).is_ok(),
        "get_access_key_info" => GetAccessKeyInfo::parse(200, &[], body).is_ok(),
        "decode_authorization_message" => DecodeAuthorizationMessage::parse(200, &[], body).is_ok(),
        other => panic!("no parser for {other}"),
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
