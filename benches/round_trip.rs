//! An in-process end-to-end AssumeRole round trip against the loopback STS double:
//! build, sign, send over loopback HTTP, verify (in the double), parse.

use criterion::{Criterion, criterion_group, criterion_main};
use stskit::Credentials;
use stskit::client::StsClient;
use stskit::sts::{AssumeRole, Endpoint};
use stskit::test_util::StsDouble;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let double = rt
        .block_on(
            StsDouble::builder()
                .with_key("AKIDEXAMPLE", "secret")
                .start(),
        )
        .unwrap();
    let client = StsClient::new(Endpoint::resolve(Some(&double.endpoint_url()), None).unwrap());
    let source = Credentials::new("AKIDEXAMPLE", "secret", None);
    let request = AssumeRole::new("arn:aws:iam::123456789012:role/demo", "bench");
    c.bench_function("sts/round_trip_loopback", |b| {
        b.iter(|| rt.block_on(client.assume_role(&source, &request)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
