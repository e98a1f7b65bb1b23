//! Parsing a 1,000-profile config file and its credentials file, and planning a 3-hop
//! chain in them (target: under 1 ms together); and reading big files at three sizes,
//! which must grow linearly: a section of N keys (read unselected, and selected) and a
//! `source_profile` loop of N hops.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use stskit::profile::{ProfileSet, plan};

/// 1,000 config profiles (roles, regions, sub-properties, comments) and 1,000
/// credentials profiles; `p0 -> p1 -> p2 -> keys` is a 3-hop chain.
fn files() -> (String, String) {
    let mut config = String::from("# generated\n[default]\nregion = us-east-1\n");
    for i in 0..1000 {
        config.push_str(&format!(
            "[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/role-{i}\n\
             source_profile = {}\nregion = eu-west-1 ; comment\nrole_session_name = s{i}\n\
             s3 =\n  max_concurrent_requests = 20\n  addressing_style = path\n",
            if i == 2 {
                "keys".to_owned()
            } else {
                format!("p{}", i + 1)
            }
        ));
    }
    let mut credentials = String::new();
    for i in 0..1000 {
        credentials.push_str(&format!(
            "[{}]\naws_access_key_id = AKIAEXAMPLE{i:08}\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY{i:010}\n",
            if i == 0 { "keys".to_owned() } else { format!("c{i}") }
        ));
    }
    (config, credentials)
}

fn bench(c: &mut Criterion) {
    let (config, credentials) = files();
    c.bench_function("profile/parse_1000_and_plan_3_hops", |b| {
        b.iter(|| {
            let set = ProfileSet::parse(black_box(&config), black_box(&credentials)).unwrap();
            let p = plan(&set, "p0").unwrap();
            assert_eq!(p.hops.len(), 3);
            p
        })
    });
    let set = ProfileSet::parse(&config, &credentials).unwrap();
    c.bench_function("profile/plan_3_hops", |b| {
        b.iter(|| plan(black_box(&set), "p0").unwrap())
    });
}

/// One profile of `n` keys nobody selects, and one with keys.
fn wide(n: usize) -> String {
    let mut config = String::from("[profile big]\n");
    for i in 0..n {
        config.push_str(&format!("key{i} = value{i}\n"));
    }
    config.push_str("[profile small]\naws_access_key_id = AKID\naws_secret_access_key = s\n");
    config
}

/// A `source_profile` loop of `n` hops.
fn long_loop(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = p{}\n",
                (i + 1) % n
            )
        })
        .collect()
}

fn big_files(c: &mut Criterion) {
    let mut g = c.benchmark_group("profile/linear");
    g.sample_size(10);
    for n in [25_000, 50_000, 100_000] {
        let config = wide(n);
        g.bench_function(format!("keys_{n}_unselected"), |b| {
            b.iter(|| {
                let set = ProfileSet::parse(black_box(&config), "").unwrap();
                plan(&set, "small").unwrap()
            })
        });
        g.bench_function(format!("keys_{n}_selected"), |b| {
            b.iter(|| {
                let set = ProfileSet::parse(black_box(&config), "").unwrap();
                set.profile("big").map(|p| p.len())
            })
        });
        let looped = long_loop(n);
        g.bench_function(format!("loop_{n}_hops"), |b| {
            b.iter(|| {
                let set = ProfileSet::parse(black_box(&looped), "").unwrap();
                plan(&set, "p0").unwrap_err()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench, big_files);
criterion_main!(benches);
