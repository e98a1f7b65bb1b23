//! Endpoint URLs and dates from arbitrary text: never a panic; an accepted endpoint is
//! already in its one spelling (resolving its own URL gives it back), and a parsed
//! date formats and parses back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stskit::date::{format_http_date, format_rfc3339, parse_http_date, parse_rfc3339};
use stskit::sts::{Endpoint, EndpointParams};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The rule set on an arbitrary region with the flags from the first byte: an
    // endpoint it gives is https, signed for a region, and in its one spelling.
    let flags = data.first().copied().unwrap_or(0);
    let region = text.get(1..).unwrap_or("");
    let params = EndpointParams::region(region)
        .with_fips(flags & 1 != 0)
        .with_dual_stack(flags & 2 != 0)
        .with_global_endpoint(flags & 4 != 0);
    if let Ok(e) = Endpoint::from_params(&params) {
        assert!(e.url().starts_with("https://sts"));
        assert!(!e.signing_region().is_empty());
        assert_eq!(
            Endpoint::parse(e.url(), e.signing_region()).unwrap().url(),
            e.url()
        );
    }
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
