//! Benchmarks of the pure STS core: parsing every recorded response, and building the
//! AssumeRole request.

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

criterion_group!(benches, bench);
criterion_main!(benches);
