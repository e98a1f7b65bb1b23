//! Dates as STS and HTTP write them: RFC 3339 (`Expiration`) and IMF-fixdate (the
//! `Date` header), parsed and formatted. Pure, and every computation is checked: a
//! value outside what can be represented is `None`, never a panic.
//!
//! The accepted range is the years 0000-9999 in UTC, the years both formats can write
//! with four digits. A value inside that range with an offset can still fall outside
//! it once moved to UTC (`9999-12-31T23:59:59-01:00`): such a value is refused too.
//!
//! ```
//! use stskit::date::{format_rfc3339, parse_http_date, parse_rfc3339};
//!
//! let t = parse_rfc3339("2031-05-06T09:08:09.5+02:00").unwrap();
//! assert_eq!(format_rfc3339(t), "2031-05-06T07:08:09Z");
//! assert_eq!(parse_rfc3339("9999-12-31T23:59:59-01:00"), None); // year 10000 in UTC
//! assert_eq!(parse_http_date("Mon, 01 Jan -9999 00:00:00 GMT"), None); // not 4 digits
//! ```

use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

/// `t` in UTC, or `None` when UTC would leave the years 0000-9999.
pub fn to_utc(t: OffsetDateTime) -> Option<OffsetDateTime> {
    t.checked_to_offset(UtcOffset::UTC)
        .filter(|u| (0..=9999).contains(&u.year()))
}

/// RFC 3339: `YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|+HH:MM|-HH:MM)`, `T`/`Z` in either case.
/// The result is in UTC; `None` for any other shape, an impossible date or time, or an
/// instant that is outside the years 0000-9999 in UTC.
pub fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(
            part.iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')),
        )
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let year = num(0..4)? as i32;
    let month = Month::try_from(num(5..7)? as u8).ok()?;
    let day = num(8..10)? as u8;
    let (hour, minute, second) = (num(11..13)? as u8, num(14..16)? as u8, num(17..19)? as u8);
    let mut i = 19;
    let mut nanos = 0u32;
    if b[i] == b'.' {
        let start = i + 1;
        let mut end = start;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        let digits = end - start;
        if digits == 0 || digits > 9 {
            return None;
        }
        nanos = num(start..end)? * 10u32.pow(9 - digits as u32);
        i = end;
    }
    let offset = match b.get(i..)? {
        b"Z" | b"z" => UtcOffset::UTC,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let d = |x: &u8| x.is_ascii_digit().then(|| (x - b'0') as i8);
            let h = d(h1)? * 10 + d(h2)?;
            let m = d(m1)? * 10 + d(m2)?;
            if h > 23 || m > 59 {
                return None;
            }
            let sign = if *sign == b'-' { -1 } else { 1 };
            UtcOffset::from_hms(sign * h, sign * m, 0).ok()?
        }
        _ => return None,
    };
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms_nano(hour, minute, second, nanos).ok()?;
    to_utc(date.with_time(time).assume_offset(offset))
}

/// A time shown in RFC 3339 form, in UTC, to the second (`2031-05-06T07:08:09Z`), as
/// STS and the AWS CLI write expirations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rfc3339(pub OffsetDateTime);

impl std::fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_rfc3339(self.0))
    }
}

/// `Expiration` in any of the forms the AWS tools write: `...Z`, `...+00:00` (with
/// or without fractions), or botocore's `...UTC` (also with a space before `UTC`).
/// A time without a zone is refused.
pub fn parse_expiration(s: &str) -> Option<OffsetDateTime> {
    if let Some(t) = parse_rfc3339(s) {
        return Some(t);
    }
    let bare = s.strip_suffix("UTC")?.trim_end_matches(' ');
    parse_rfc3339(&format!("{bare}Z"))
}

/// Formats a time as RFC 3339 in UTC with whole seconds: `2031-05-06T07:08:09Z` (the
/// `credential_process` `Expiration` format). A time that cannot be moved to UTC keeps
/// its own offset (`9999-12-31T23:59:59-01:00`): still RFC 3339, never a panic.
pub fn format_rfc3339(t: OffsetDateTime) -> String {
    let (t, zone) = match to_utc(t) {
        Some(utc) => (utc, String::from("Z")),
        None => {
            let (h, m, _) = t.offset().as_hms();
            let sign = if t.offset().is_negative() { '-' } else { '+' };
            (
                t,
                format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs()),
            )
        }
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form servers send in
/// `Date` (RFC 9110 section 5.6.7): a two-digit day, a four-digit year, two-digit
/// hours, minutes and seconds. The weekday must be one of the seven names (it is not
/// checked against the date, as HTTP recipients do not). `None` for anything else.
pub fn parse_http_date(s: &str) -> Option<OffsetDateTime> {
    let b = s.trim_matches([' ', '\t']).as_bytes();
    // "Sun, 06 Nov 1994 08:49:37 GMT" is exactly 29 bytes.
    if b.len() != 29
        || &b[3..5] != b", "
        || b[7] != b' '
        || b[11] != b' '
        || b[16] != b' '
        || b[19] != b':'
        || b[22] != b':'
        || &b[25..] != b" GMT"
    {
        return None;
    }
    if !WEEKDAYS.iter().any(|w| w.as_bytes() == &b[..3]) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &b[r];
        part.iter().all(u8::is_ascii_digit).then(|| {
            part.iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
        })
    };
    let day = num(5..7)? as u8;
    let month_index = MONTHS.iter().position(|m| m.as_bytes() == &b[8..11])?;
    let month = Month::try_from(month_index as u8 + 1).ok()?;
    let year = num(12..16)? as i32;
    let (h, m, sec) = (num(17..19)? as u8, num(20..22)? as u8, num(23..25)? as u8);
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let t = Time::from_hms(h, m, sec).ok()?;
    Some(date.with_time(t).assume_utc())
}

/// Formats an IMF-fixdate, as servers write `Date`. A time that cannot be moved to UTC
/// or whose UTC year is outside 0000-9999 is written as the nearest such time (the
/// first or last second of the years 0000-9999).
pub fn format_http_date(t: OffsetDateTime) -> String {
    let t = to_utc(t)
        .or_else(|| {
            if t.year() > 0 {
                Date::MAX.with_hms(23, 59, 59).ok().map(|p| p.assume_utc())
            } else {
                Date::from_calendar_date(0, Month::January, 1)
                    .ok()
                    .map(|d| d.midnight().assume_utc())
            }
        })
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[u8::from(t.month()) as usize - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn http_dates_round_trip() {
        let t = datetime!(1994-11-06 08:49:37 UTC);
        assert_eq!(format_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(t));
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST"), None);
        assert_eq!(parse_http_date("garbage"), None);
    }

    #[test]
    fn http_dates_outside_four_digit_years_or_odd_shapes_are_refused() {
        for s in [
            "Mon, 01 Jan -9999 00:00:00 GMT",
            "Mon, 01 Jan 10000 00:00:00 GMT",
            "Mon, 01 Jan +999 00:00:00 GMT",
            "Mon, 1 Jan 2020 00:00:00 GMT",
            "Xyz, 01 Jan 2020 00:00:00 GMT",
            "Mon, 01 Jan 2020 24:00:00 GMT",
            "Mon, 31 Feb 2020 00:00:00 GMT",
            "Mon, 01 Jan 2020 00:00:00 GMT extra",
            "Mon, 01 jan 2020 00:00:00 GMT",
        ] {
            assert_eq!(parse_http_date(s), None, "{s}");
        }
        assert_eq!(
            parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"),
            Some(datetime!(9999-12-31 23:59:59 UTC))
        );
        assert_eq!(
            parse_http_date("Sat, 01 Jan 0000 00:00:00 GMT"),
            Some(datetime!(0000-01-01 00:00:00 UTC))
        );
    }

    #[test]
    fn rfc3339_accepts_z_offsets_and_0_to_9_fraction_digits() {
        for (text, want) in [
            (
                "2011-07-11T19:55:29.611Z",
                datetime!(2011-07-11 19:55:29.611 UTC),
            ),
            ("2011-07-11T19:55:29Z", datetime!(2011-07-11 19:55:29 UTC)),
            (
                "2011-07-11T19:55:29.1Z",
                datetime!(2011-07-11 19:55:29.1 UTC),
            ),
            (
                "2011-07-11T21:55:29+02:00",
                datetime!(2011-07-11 19:55:29 UTC),
            ),
            (
                "2011-07-11T19:55:29-00:00",
                datetime!(2011-07-11 19:55:29 UTC),
            ),
            ("2011-07-11t19:55:29z", datetime!(2011-07-11 19:55:29 UTC)),
            // At the edges of the range, with offsets that keep the instant inside it.
            (
                "9999-12-31T23:59:59+01:00",
                datetime!(9999-12-31 22:59:59 UTC),
            ),
            (
                "0000-01-01T00:00:00-00:01",
                datetime!(0000-01-01 00:01:00 UTC),
            ),
        ] {
            assert_eq!(parse_rfc3339(text), Some(want), "{text}");
        }
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
            "\u{ff12}011-07-11T19:55:29Z",
            // Instants that leave 0000-9999 once moved to UTC: none, not a panic.
            "9999-12-31T23:59:59-01:00",
            "0000-01-01T00:00:00+00:01",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn formatting_never_panics_at_the_edges() {
        let edge = datetime!(9999-12-31 23:59:59 -1);
        assert_eq!(format_rfc3339(edge), "9999-12-31T23:59:59-01:00");
        assert_eq!(format_http_date(edge), "Fri, 31 Dec 9999 23:59:59 GMT");
        let low = datetime!(0000-01-01 00:00:00 +1);
        assert_eq!(format_rfc3339(low), "0000-01-01T00:00:00+01:00");
        assert_eq!(format_http_date(low), "Sat, 01 Jan 0000 00:00:00 GMT");
    }
}
