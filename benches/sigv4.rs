//! Benchmarks of the pure SigV4 core: no runtime, no sockets.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use stskit::sigv4::{self, SigningParams};
use stskit::{Credentials, Request};
use time::macros::datetime;

/// An STS AssumeRole POST as stskit sends it (form body of 143 bytes).
fn assume_role_request() -> Request {
    // The one AssumeRole body every bench and harness signs.
    let body = include_str!("data/assume_role_body.txt");
    Request::new("POST", "https://sts.amazonaws.com/")
        .with_header(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .with_header("Host", "sts.amazonaws.com")
        .with_body(body)
}

fn bench(c: &mut Criterion) {
    let template = assume_role_request();
    let params = SigningParams::new("us-east-1", "sts", datetime!(2026-11-22 12:00:00 UTC));
    let warm = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    );
    let warm_token = Credentials::new(
        "ASIAEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("IQoJb3JpZ2luX2VjEXAMPLETOKEN".repeat(20)),
    );

    // Warm: one Signer keeps the derived keys; cold: the one-shot `sign` derives each time.
    let signer = sigv4::Signer::new();
    c.bench_function("sigv4/sign_assume_role/warm", |b| {
        b.iter_batched_ref(
            || template.clone(),
            |req| signer.sign(black_box(req), &warm, &params).unwrap(),
            criterion::BatchSize::SmallInput,
        )
    });
    c.bench_function("sigv4/sign_assume_role/warm_token", |b| {
        b.iter_batched_ref(
            || template.clone(),
            |req| signer.sign(black_box(req), &warm_token, &params).unwrap(),
            criterion::BatchSize::SmallInput,
        )
    });
    c.bench_function("sigv4/sign_assume_role/cold", |b| {
        b.iter_batched_ref(
            || {
                (
                    template.clone(),
                    Credentials::new(
                        "AKIDEXAMPLE",
                        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                        None,
                    ),
                )
            },
            |(req, creds)| sigv4::sign(black_box(req), creds, &params).unwrap(),
            criterion::BatchSize::SmallInput,
        )
    });
    c.bench_function("sigv4/derive_key", |b| {
        b.iter(|| {
            sigv4::derive_signing_key(
                black_box("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                "20261122",
                "us-east-1",
                "sts",
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
