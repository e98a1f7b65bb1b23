//! Endpoint URLs and dates from arbitrary text: never a panic; an accepted endpoint is
//! already in its one spelling (resolving its own URL gives it back), and a parsed
//! date formats and parses back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stskit::date::{format_http_date, format_rfc3339, parse_http_date, parse_rfc3339};
use stskit::sts::Endpoint;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(e) = Endpoint::resolve(Some(&text), None) {
        let again = Endpoint::resolve(Some(e.url()), None).expect("a canonical URL is accepted");
        assert_eq!(again, e);
        assert!(e.url().starts_with("https://") || e.is_loopback());
        assert!(e.host().bytes().all(|b| b.is_ascii_graphic()));
    }
    if let Some(t) = parse_rfc3339(&text) {
        // Formatting keeps whole seconds.
        assert_eq!(
            parse_rfc3339(&format_rfc3339(t)),
            t.replace_nanosecond(0).ok()
        );
        assert_eq!(t.offset(), time::UtcOffset::UTC);
        let _ = format_http_date(t);
    }
    if let Some(t) = parse_http_date(&text) {
        assert_eq!(parse_http_date(&format_http_date(t)), Some(t));
        let _ = format_rfc3339(t);
    }
});
