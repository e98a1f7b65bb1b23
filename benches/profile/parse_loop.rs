//! Parses a recorded AssumeRole answer N times (default 10,000): a steady loop for
//! `valgrind --tool=callgrind` or `perf`.
//!
//! `cargo build --release --example parse_loop && valgrind --tool=callgrind target/release/examples/parse_loop 2000`

fn main() {
    let body = include_bytes!("../../fixtures/sts/assume_role.ok.smithy-rs.xml");
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().unwrap())
        .unwrap_or(10_000);
    let mut acc = 0usize;
    for _ in 0..n {
        let out = stskit::sts::parse_assume_role(200, &[], std::hint::black_box(body)).unwrap();
        acc += out.credentials.access_key_id().len();
    }
    println!("{acc}");
}
