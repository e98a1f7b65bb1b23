//! The STS response parsers on arbitrary (status, headers, body).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = u16::from_be_bytes([data[0], data[1]]) % 600;
    let header_len = (data[2] as usize).min(data.len() - 3);
    let header = String::from_utf8_lossy(&data[3..3 + header_len]).into_owned();
    let headers = vec![("x-amzn-RequestId".to_string(), header)];
    let body = &data[3 + header_len..];
    for status in [status, 200] {
        match stskit::sts::parse_assume_role(status, &headers, body) {
            Ok(out) => {
                assert!(!out.credentials.access_key_id().is_empty());
                let _ = format!("{out:?}");
            }
            Err(e) => {
                let _ = format!("{e} {e:?}");
            }
        }
        let _ = stskit::sts::parse_caller_identity(status, &headers, body);
    }
});
