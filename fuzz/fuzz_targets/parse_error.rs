//! The error-body parser on arbitrary non-2xx answers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        return;
    }
    let status = 300 + u16::from(data[0]) % 300;
    let err = stskit::sts::parse_error(status, &[], &data[1..]);
    let shown = format!("{err} {err:?}");
    assert!(shown.len() < 16 * 1024 + data.len() * 2);
    let _ = err.is_retryable();
});
