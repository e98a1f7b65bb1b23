use time::macros::datetime;

use super::*;

#[test]
fn rfc3339_accepts_z_offsets_and_0_to_9_fraction_digits() {
    assert_eq!(
        parse_rfc3339("2011-07-11T19:55:29.611Z"),
        Some(datetime!(2011-07-11 19:55:29.611 UTC))
    );
    assert_eq!(
        parse_rfc3339("2011-07-11T19:55:29Z"),
        Some(datetime!(2011-07-11 19:55:29 UTC))
    );
    assert_eq!(
        parse_rfc3339("2011-07-11T19:55:29.1Z"),
        Some(datetime!(2011-07-11 19:55:29.1 UTC))
    );
    assert_eq!(
        parse_rfc3339("2011-07-11T21:55:29+02:00"),
        Some(datetime!(2011-07-11 19:55:29 UTC))
    );
    assert_eq!(
        parse_rfc3339("2011-07-11T19:55:29-00:00"),
        Some(datetime!(2011-07-11 19:55:29 UTC))
    );
    assert_eq!(
        parse_rfc3339("2011-07-11T19:55:29.123456789+00:00").map(|t| t.nanosecond()),
        Some(123_456_789)
    );
}

#[test]
fn rfc3339_rejects_everything_else() {
    for bad in [
        "",
        "2011-07-11",
        "2011-07-11T19:55Z",
        "2011-07-11T19:55:29",
        "2011-07-11T19:55:29ZZ",
        "2011-07-11T19:55:29.Z",
        "2011-07-11T19:55:29,5Z",
        "2011-07-11T19:55:60Z",
        "2011-07-11T19:55:29+0200",
        "2011-07-11T19:55:29 +02:00",
        "+2011-07-11T19:55:29Z",
        "2011-7-11T19:55:29Z",
        "２011-07-11T19:55:29Z",
    ] {
        assert_eq!(parse_rfc3339(bad), None, "{bad}");
    }
}

#[test]
fn looks_like_xml_is_decided_from_the_body() {
    assert!(looks_like_xml(b"  \n<a/>"));
    assert!(looks_like_xml(b"\xEF\xBB\xBF<a/>"));
    assert!(!looks_like_xml(b"{}"));
    assert!(!looks_like_xml(b""));
}
