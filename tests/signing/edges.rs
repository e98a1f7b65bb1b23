//! Properties over the classes of input the adversarial review found the fuzzers had
//! missed: dates near the edges of the range with every offset, raw characters XML
//! forbids at every place in an answer, and numeric and named host spellings checked
//! against the URL parser that reqwest connects with.

use proptest::prelude::*;
use stskit::date::{format_http_date, format_rfc3339, parse_http_date, parse_rfc3339};
use stskit::error::{AnswerError as Error, ParseErrorKind};
use stskit::sts::parse_assume_role;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

const GOOD: &str = include_str!("../../fixtures/sts/assume_role.ok.smithy-rs.xml");

/// Years weighted to the edges of the range (and past them), where the review found
/// the abort.
fn year() -> impl Strategy<Value = i32> {
    prop_oneof![0i32..=9999, 0i32..=3, 9996i32..=9999]
}

fn offset() -> impl Strategy<Value = (bool, u8, u8)> {
    (any::<bool>(), 0u8..=23, 0u8..=59)
}

/// The instant an RFC 3339 text names, computed apart from the parser: (days, seconds)
/// from the civil fields minus the offset.
fn expected(
    y: i32,
    mo: u8,
    d: u8,
    h: u8,
    mi: u8,
    s: u8,
    (neg, oh, om): (bool, u8, u8),
) -> Option<OffsetDateTime> {
    let date = Date::from_calendar_date(y, Month::try_from(mo).ok()?, d).ok()?;
    let local = PrimitiveDateTime::new(date, Time::from_hms(h, mi, s).ok()?);
    let sign = if neg { -1 } else { 1 };
    let shift = time::Duration::seconds(sign * (i64::from(oh) * 3600 + i64::from(om) * 60));
    let utc = local.checked_sub(shift)?.assume_utc();
    (0..=9999).contains(&utc.year()).then_some(utc)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    /// Every date in 0000-9999 with every offset parses to exactly the instant it
    /// names, or to `None` when that instant leaves 0000-9999 in UTC; never a panic.
    #[test]
    fn rfc3339_over_the_whole_range_with_every_offset(
        y in year(), mo in 1u8..=12, d in 1u8..=31, h in 0u8..=23, mi in 0u8..=59, s in 0u8..=59,
        off in offset(),
    ) {
        let (neg, oh, om) = off;
        let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}{oh:02}:{om:02}", if neg { '-' } else { '+' });
        let got = parse_rfc3339(&text);
        prop_assert_eq!(got, expected(y, mo, d, h, mi, s, off), "{}", text);
        if let Some(t) = got {
            prop_assert_eq!(parse_rfc3339(&format_rfc3339(t)), Some(t));
        }
        // Every element that carries a date reads it the same way, as an error or not.
        let body = GOOD.replace("2021-08-05T19:58:02Z", &text);
        match parse_assume_role(200, &[], body.as_bytes()) {
            Ok(out) => prop_assert_eq!(Some(out.credentials.expiration()), got),
            Err(Error::Parse(e)) => {
                prop_assert!(got.is_none());
                prop_assert_eq!((e.kind(), e.element()), (ParseErrorKind::InvalidValue, Some("Expiration")));
            }
            Err(e) => prop_assert!(false, "{e:?}"),
        }
    }

    /// Formatting never panics on any representable time with any offset.
    #[test]
    fn formatting_never_panics(y in -9999i32..=9999, ordinal in 1u16..=365, secs in 0u32..86400, off in -86399i32..=86399) {
        let date = Date::from_ordinal_date(y, ordinal).unwrap();
        let t = date.with_time(Time::MIDNIGHT).assume_offset(UtcOffset::from_whole_seconds(off).unwrap());
        let t = t.replace_time(Time::from_hms((secs / 3600) as u8, (secs / 60 % 60) as u8, (secs % 60) as u8).unwrap());
        let rfc = format_rfc3339(t);
        let http = format_http_date(t);
        prop_assert!(rfc.is_ascii() && http.is_ascii());
        prop_assert_eq!(http.len(), 29, "{}", http);
    }

    /// IMF-fixdates with any year text (signs, more or fewer digits) never panic, and
    /// parse only with four digits.
    #[test]
    fn http_dates_take_four_digit_years_only(year in "[-+]?[0-9]{1,6}", d in 1u8..=28, h in 0u8..=23) {
        let text = format!("Mon, {d:02} Jan {year} {h:02}:00:00 GMT");
        let got = parse_http_date(&text);
        let four = year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit());
        prop_assert_eq!(got.is_some(), four, "{}", text);
    }

    /// A raw character XML 1.0 forbids, put anywhere in a good answer, is refused with
    /// its own error at its own offset.
    #[test]
    fn forbidden_raw_characters_are_refused_wherever_they_stand(
        at in 0usize..GOOD.len(),
        c in prop_oneof![(0u32..0x20).prop_filter("XML allows tab and line breaks", |c| ![9, 10, 13].contains(c)), Just(0xFFFE), Just(0xFFFF)],
    ) {
        let at = (0..=at).rev().find(|&i| GOOD.is_char_boundary(i)).unwrap();
        let mut body = GOOD.to_owned();
        body.insert(at, char::from_u32(c).unwrap());
        match parse_assume_role(200, &[], body.as_bytes()) {
            Err(Error::Parse(e)) => prop_assert_eq!((e.kind(), e.offset()), (ParseErrorKind::InvalidCharacter, at)),
            other => prop_assert!(false, "{other:?}"),
        }
    }
}

#[cfg(feature = "client")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    /// Host spellings built from digits, dots, hex and names: whatever the endpoint
    /// check accepts, the URL parser reqwest connects with reads as the same host,
    /// port and path; and plain http is accepted only when that host is loopback.
    #[test]
    fn endpoint_hosts_mean_the_same_to_the_url_parser(
        labels in proptest::collection::vec(prop_oneof![
            "[0-9]{1,4}", "0[xX][0-9a-fA-F]{0,3}", Just("127".to_string()), Just("localhost".to_string()),
            "[a-z][a-z0-9-]{0,5}", Just(String::new()),
        ], 1..6),
        trailing_dot in any::<bool>(),
        port in proptest::option::of(0u32..70000),
        https in any::<bool>(),
    ) {
        let mut host = labels.join(".");
        if trailing_dot { host.push('.'); }
        let authority = match port { Some(p) => format!("{host}:{p}"), None => host.clone() };
        let url = format!("{}://{authority}/p", if https { "https" } else { "http" });
        if let Ok(e) = stskit::sts::Endpoint::resolve(Some(&url), None) {
            let wire = reqwest::Url::parse(e.url()).unwrap();
            let wire_host = wire.host_str().unwrap().to_owned();
            prop_assert_eq!(&wire_host, e.host(), "{}", url);
            prop_assert_eq!(wire.path(), "/p");
            let loopback = if let Some(v6) = wire_host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
                v6.parse::<std::net::Ipv6Addr>().unwrap().is_loopback()
            } else if let Ok(v4) = wire_host.parse::<std::net::Ipv4Addr>() {
                v4.is_loopback()
            } else {
                wire_host == "localhost" || wire_host.ends_with(".localhost")
            };
            prop_assert_eq!(e.is_loopback(), loopback, "{}", url);
            if !https { prop_assert!(loopback, "{}", url); }
        }
    }
}
