//! The one reading of a URL's host, port and path that every layer shares.
//!
//! The endpoint check, the transport's proxy decision and the connection must agree on
//! which machine a signed request goes to, and the signer and the HTTP stack must agree
//! on which path it names. So a host has exactly one accepted spelling:
//!
//! - an IPv4 address only as four decimal octets without leading zeros (`127.0.0.1`).
//!   Every other numeric form that URL parsers read as IPv4 (`127.0.0.01`,
//!   `127.000.000.001`, `0x7f.1`, `2130706433`, a trailing dot) is refused, because
//!   parsers disagree on it (the WHATWG URL standard reads `01` as octal);
//! - an IPv6 address in brackets, written back in its RFC 5952 form (`[::1]`);
//! - a DNS name of ASCII letters, digits and inner hyphens in dot-separated labels of
//!   1-63 bytes, lowercased, without a trailing dot, and without `xn--` labels
//!   (internationalized names, which URL parsers decode and map).
//!
//! Loopback is `127.0.0.0/8`, `[::1]`, `localhost` and names under `.localhost`; the
//! names are never looked up in DNS (the reqwest transport resolves them to loopback
//! itself, RFC 6761 section 6.3).
//!
//! A path is accepted only when HTTP stacks send it byte for byte as it was signed:
//! RFC 3986 `pchar`s and `/`, `%` only before two hex digits, no `.` or `..` segment in
//! any spelling (`%2e`), at most [`MAX_PATH_LEN`] bytes.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The longest path (in bytes) a request may carry.
pub(crate) const MAX_PATH_LEN: usize = 2048;

/// A host in its one accepted spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Host {
    /// A dotted-quad IPv4 address.
    V4(Ipv4Addr),
    /// An IPv6 address (written in brackets).
    V6(Ipv6Addr),
    /// A lowercased DNS name.
    Name(String),
}

impl Host {
    /// Whether the host is loopback: `127.0.0.0/8`, `::1`, `localhost` or `*.localhost`.
    pub(crate) fn is_loopback(&self) -> bool {
        match self {
            Host::V4(ip) => ip.is_loopback(),
            Host::V6(ip) => ip.is_loopback(),
            Host::Name(n) => is_loopback_name(n),
        }
    }
}

impl Host {
    /// Whether the host is one of the fixed link-local addresses AWS serves
    /// credentials on: instance metadata (`169.254.169.254`, `[fd00:ec2::254]`) and
    /// the container endpoints (`169.254.170.2`, `169.254.170.23`, `[fd00:ec2::23]`).
    /// Only these exact addresses: nothing else in `169.254.0.0/16` or `fd00:ec2::/64`.
    pub(crate) fn is_aws_metadata(&self) -> bool {
        match self {
            Host::V4(ip) => AWS_METADATA_V4.contains(&ip.octets()),
            Host::V6(ip) => AWS_METADATA_V6.contains(&ip.segments()),
            Host::Name(_) => false,
        }
    }
}

/// The IPv4 link-local addresses of instance metadata and the container endpoints.
const AWS_METADATA_V4: [[u8; 4]; 3] = [
    [169, 254, 169, 254],
    [169, 254, 170, 2],
    [169, 254, 170, 23],
];
/// The IPv6 addresses of instance metadata (`fd00:ec2::254`) and EKS Pod Identity
/// (`fd00:ec2::23`).
const AWS_METADATA_V6: [[u16; 8]; 2] = [
    [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254],
    [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23],
];

/// `localhost` or a name under `.localhost` (already lowercased).
pub(crate) fn is_loopback_name(name: &str) -> bool {
    name == "localhost" || name.ends_with(".localhost")
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::V4(ip) => write!(f, "{ip}"),
            Host::V6(ip) => write!(f, "[{ip}]"),
            Host::Name(n) => f.write_str(n),
        }
    }
}

/// A parsed `host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Authority {
    pub(crate) host: Host,
    pub(crate) port: Option<u16>,
}

/// An absolute `http`/`https` URL read the one way the endpoint check and the
/// transport both read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target<'a> {
    pub(crate) https: bool,
    pub(crate) authority: Authority,
    /// The path as given, `/` when empty, checked with [`check_path`].
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) fragment: Option<&'a str>,
}

impl Target<'_> {
    fn default_port(&self) -> u16 {
        if self.https { 443 } else { 80 }
    }

    /// The port a connection goes to.
    pub(crate) fn port(&self) -> u16 {
        self.authority.port.unwrap_or(self.default_port())
    }

    /// `host[:port]` as the `Host` header carries it: the default port left out.
    pub(crate) fn host_header(&self) -> String {
        if self.port() == self.default_port() {
            self.authority.host.to_string()
        } else {
            format!("{}:{}", self.authority.host, self.port())
        }
    }
}

/// Reads an absolute URL: `http` or `https` (any case), an authority in its one
/// spelling, a path sent as it is signed, and plain `http` only to loopback.
///
/// # Errors
/// The rule the URL breaks.
pub(crate) fn parse_target(url: &str) -> Result<Target<'_>, &'static str> {
    parse_target_with(url, false)
}

/// As [`parse_target`]; with `metadata`, plain `http` may also go to the fixed AWS
/// metadata addresses ([`Host::is_aws_metadata`]), which serve only plain http.
///
/// # Errors
/// The rule the URL breaks.
pub(crate) fn parse_target_with(url: &str, metadata: bool) -> Result<Target<'_>, &'static str> {
    let parts = crate::http::UrlParts::of(url);
    let (Some(scheme), Some(authority)) = (parts.scheme, parts.authority) else {
        return Err("must be an absolute http(s) URL");
    };
    let https = if scheme.eq_ignore_ascii_case("https") {
        true
    } else if scheme.eq_ignore_ascii_case("http") {
        false
    } else {
        return Err("scheme must be https (or http to a loopback host)");
    };
    let authority = parse_authority(authority)?;
    let path = if parts.path.is_empty() {
        "/"
    } else {
        parts.path
    };
    check_path(path)?;
    let allowed =
        https || authority.host.is_loopback() || (metadata && authority.host.is_aws_metadata());
    if !allowed {
        return Err(if metadata {
            "plain http is allowed only to a loopback host or an AWS metadata address"
        } else {
            "plain http is allowed only to a loopback host"
        });
    }
    Ok(Target {
        https,
        authority,
        path,
        query: parts.query,
        fragment: parts.fragment,
    })
}

/// Parses the authority of a URL (no user-info) into its one accepted spelling.
///
/// # Errors
/// The rule the authority breaks.
pub(crate) fn parse_authority(authority: &str) -> Result<Authority, &'static str> {
    if authority.contains('@') {
        return Err("must not carry user-info (credentials in the URL)");
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inner, after) = rest.split_once(']').ok_or("bad host or port")?;
        let ip: Ipv6Addr = inner
            .parse()
            .map_err(|_| "an IPv6 host must be a plain address in brackets")?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or("bad host or port")?),
        };
        (Host::V6(ip), port)
    } else {
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        (parse_host(host)?, port)
    };
    let port = match port {
        None => None,
        Some(p) => Some(parse_port(p).ok_or("bad host or port")?),
    };
    Ok(Authority { host, port })
}

fn parse_port(p: &str) -> Option<u16> {
    if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = p.parse().ok()?;
    u16::try_from(n).ok().filter(|&n| n != 0)
}

fn parse_host(host: &str) -> Result<Host, &'static str> {
    if host.is_empty()
        || host.len() > 253
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Err("bad host or port");
    }
    // The WHATWG URL parser reads a host whose last label (a trailing dot aside) is a
    // number, decimal or hex with 0x, as an IPv4 address in one of several spellings;
    // accept only one.
    let trimmed = host.strip_suffix('.').unwrap_or(host);
    let last = trimmed.rsplit('.').next().unwrap_or(trimmed);
    let numeric = (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || (last.len() >= 2
            && last[..2].eq_ignore_ascii_case("0x")
            && last[2..].bytes().all(|b| b.is_ascii_hexdigit()));
    if numeric {
        return parse_dotted_quad(host).map(Host::V4).ok_or(
            "a numeric host must be four decimal octets without leading zeros, such as 127.0.0.1",
        );
    }
    for label in host.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err("a host name must be dot-separated labels of 1 to 63 characters");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a host name label must not start or end with a hyphen");
        }
        // An `xn--` label is an internationalized name: URL parsers decode and map it
        // (and the transport's stub IDNA back end refuses it), so it would not be sent
        // as spelled. AWS endpoints never use one.
        if label.len() >= 4 && label[..4].eq_ignore_ascii_case("xn--") {
            return Err("internationalized (xn--) host names are not accepted");
        }
    }
    Ok(Host::Name(host.to_ascii_lowercase()))
}

fn parse_dotted_quad(host: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = host.split('.');
    for octet in &mut octets {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || (p.len() > 1 && p.starts_with('0')) {
            return None;
        }
        if !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *octet = p.parse().ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(Ipv4Addr::from(octets))
}

/// Checks that `path` goes on the wire exactly as it is signed.
///
/// # Errors
/// The rule the path breaks.
pub(crate) fn check_path(path: &str) -> Result<(), &'static str> {
    if !path.starts_with('/') {
        return Err("path must start with /");
    }
    if path.len() > MAX_PATH_LEN {
        return Err("path must be at most 2048 bytes");
    }
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .ok_or("% must be followed by two hex digits")?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err("% must be followed by two hex digits");
            }
            i += 3;
            continue;
        }
        let pchar = c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&c);
        if !pchar {
            return Err("path may hold only letters, digits, -._~!$&'()*+,;=:@/ and %XX escapes");
        }
        i += 1;
    }
    for segment in path.split('/') {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        if decoded == "." || decoded == ".." {
            return Err("path must not hold . or .. segments (HTTP stacks remove them)");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(a: &str) -> Result<String, &'static str> {
        parse_authority(a).map(|a| a.host.to_string())
    }

    #[test]
    fn one_spelling_per_ipv4_address() {
        assert_eq!(host("127.0.0.1:80"), Ok("127.0.0.1".into()));
        assert_eq!(host("127.0.0.0"), Ok("127.0.0.0".into()));
        for bad in [
            "127.0.0.01",
            "127.000.000.001",
            "0127.0.0.1",
            "0x7f.0.0.1",
            "0x7f000001",
            "2130706433",
            "127.1",
            "127.0.0.1.",
            "127.0.0.256",
            "1.2.3.4.5",
            "a.0x",
            "sts.1",
            "sts.0X1f",
        ] {
            assert!(host(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ipv6_is_written_back_in_its_canonical_form() {
        assert_eq!(host("[0:0:0:0:0:0:0:1]:8080"), Ok("[::1]".into()));
        assert!(parse_authority("[::1]").unwrap().host.is_loopback());
        assert!(
            !parse_authority("[::ffff:127.0.0.1]")
                .unwrap()
                .host
                .is_loopback()
        );
        for bad in ["[::1%25lo]", "[]", "[::1", "[::1]x", "[g::1]"] {
            assert!(host(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_lowercased_labels() {
        assert_eq!(host("STS.Example.COM"), Ok("sts.example.com".into()));
        assert_eq!(host("1a.example"), Ok("1a.example".into()));
        for bad in [
            "a..b",
            ".a",
            "a.",
            "-a.com",
            "a-.com",
            "a_b.com",
            "xn--b.example",
            "sts.XN--abc",
            "ex ample",
            &"a".repeat(64),
        ] {
            assert!(host(bad).is_err(), "{bad}");
        }
        for lo in ["localhost", "LocalHost", "sts.localhost"] {
            assert!(parse_authority(lo).unwrap().host.is_loopback(), "{lo}");
        }
        for not in ["localhost.com", "notlocalhost", "128.0.0.1", "[::2]"] {
            assert!(!parse_authority(not).unwrap().host.is_loopback(), "{not}");
        }
    }

    #[test]
    fn ports_are_1_to_65535() {
        assert_eq!(parse_authority("h:443").unwrap().port, Some(443));
        assert_eq!(parse_authority("h:0080").unwrap().port, Some(80));
        for bad in ["h:", "h:0", "h:65536", "h:x", "h:123456", "user@h"] {
            assert!(parse_authority(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths_are_sent_as_signed_or_refused() {
        for ok in [
            "/",
            "/a/b",
            "/a%20b",
            "/v1/x~y_z-1.2",
            "/a//b",
            "/a:b@c",
            "/.a/..b",
        ] {
            assert_eq!(check_path(ok), Ok(()), "{ok}");
        }
        let long = format!("/{}", "a".repeat(MAX_PATH_LEN));
        for bad in [
            "",
            "a",
            "/a\\b",
            "/%2e%2e/x",
            "/%2E./x",
            "/a/.",
            "/a/..",
            "/./a",
            "/a b",
            "/a\"b",
            "/a<b>",
            "/a{b}",
            "/a`b",
            "/a|b",
            "/a^b",
            "/é",
            "/a%",
            "/a%g1",
            "/a%2",
            "/a#b",
            "/a?b",
            "/a[b]",
            &long,
        ] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
    }
}
