//! Where STS requests go, and the region they are signed for.

use crate::error::InputError;
use crate::host;

/// The region a request is signed for when no region is given (the global endpoint).
pub const GLOBAL_SIGNING_REGION: &str = "us-east-1";

/// A checked STS endpoint: `https://host[:port]/path`, or `http://` on loopback only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: String,
    host_header: String,
    host: String,
    loopback: bool,
    signing_region: String,
}

impl Endpoint {
    /// Resolves the endpoint: an explicit URL wins; otherwise the regional endpoint of
    /// `region` (`https://sts.REGION.amazonaws.com/`, `amazonaws.com.cn` for `cn-`
    /// regions); otherwise the global `https://sts.amazonaws.com/` signed for
    /// `us-east-1`. An explicit URL is signed for `region`, or `us-east-1` when none.
    ///
    /// Reading `AWS_ENDPOINT_URL_STS` is the caller's choice: pass its value as
    /// `explicit` (the provider layer does this when asked).
    ///
    /// The host is kept in its one accepted spelling: an IPv4 address only as four
    /// decimal octets without leading zeros, an IPv6 address in brackets in its RFC 5952
    /// form, or a lowercased DNS name of letters, digits and inner hyphens without a
    /// trailing dot. Other numeric spellings (`127.0.0.01`, `0x7f.1`, `2130706433`) are
    /// refused: URL parsers disagree on them. Loopback is `127.0.0.0/8`, `[::1]`,
    /// `localhost` and names under `.localhost`. The path must go on the wire as it is
    /// signed: RFC 3986 path characters and `%XX` escapes only, no `.` or `..` segment
    /// in any spelling, at most 2048 bytes.
    ///
    /// # Errors
    /// [`InputError::Endpoint`] for a URL that is not `https://` (or `http://` to a
    /// loopback host), has user-info, a query or fragment, a host in any other
    /// spelling, a bad port, or a path that would not be sent as signed;
    /// [`InputError::Invalid`] for a region that is not a DNS label.
    pub fn resolve(explicit: Option<&str>, region: Option<&str>) -> Result<Endpoint, InputError> {
        if let Some(r) = region {
            check_region(r)?;
        }
        let signing_region = region.unwrap_or(GLOBAL_SIGNING_REGION);
        match (explicit, region) {
            (Some(url), _) => Endpoint::parse(url, signing_region),
            (None, Some(r)) => {
                let suffix = if r.starts_with("cn-") {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                };
                Endpoint::parse(&format!("https://sts.{r}.{suffix}/"), r)
            }
            (None, None) => Endpoint::parse("https://sts.amazonaws.com/", GLOBAL_SIGNING_REGION),
        }
    }

    /// Checks `url` and pairs it with the region requests to it are signed for.
    ///
    /// # Errors
    /// As [`Endpoint::resolve`].
    pub fn parse(url: &str, signing_region: &str) -> Result<Endpoint, InputError> {
        check_region(signing_region)?;
        let err = |rule| InputError::Endpoint { rule };
        let target = host::parse_target(url).map_err(err)?;
        if target.query.is_some() || target.fragment.is_some() {
            return Err(err("must not have a query or fragment"));
        }
        let host = target.authority.host.to_string();
        let host_header = target.host_header();
        let loopback = target.authority.host.is_loopback();
        let (scheme, path) = (if target.https { "https" } else { "http" }, target.path);
        Ok(Endpoint {
            url: format!("{scheme}://{host_header}{path}"),
            host_header,
            host,
            loopback,
            signing_region: signing_region.to_owned(),
        })
    }

    /// The URL requests are posted to.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The `Host` header value (`host[:port]`, default port left out).
    pub fn host_header(&self) -> &str {
        &self.host_header
    }
    /// The host alone (an IPv6 address keeps its brackets).
    pub fn host(&self) -> &str {
        &self.host
    }
    /// Whether the host is loopback: `127.0.0.0/8`, `[::1]`, `localhost` or a name
    /// under `.localhost` (which the reqwest transport never looks up in DNS).
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }
    /// The region requests are signed for.
    pub fn signing_region(&self) -> &str {
        &self.signing_region
    }
}

fn check_region(r: &str) -> Result<(), InputError> {
    let ok = !r.is_empty()
        && r.len() <= 63
        && r.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !r.starts_with('-')
        && !r.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(InputError::Invalid {
            field: "region",
            rule: "must be lowercase letters, digits and inner dashes, such as us-east-1",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_global_and_china_endpoints() {
        let e = Endpoint::resolve(None, Some("eu-west-1")).unwrap();
        assert_eq!(e.url(), "https://sts.eu-west-1.amazonaws.com/");
        assert_eq!(e.signing_region(), "eu-west-1");
        let e = Endpoint::resolve(None, Some("cn-north-1")).unwrap();
        assert_eq!(e.url(), "https://sts.cn-north-1.amazonaws.com.cn/");
        let e = Endpoint::resolve(None, None).unwrap();
        assert_eq!(e.url(), "https://sts.amazonaws.com/");
        assert_eq!(e.host_header(), "sts.amazonaws.com");
        assert_eq!(e.signing_region(), "us-east-1");
    }

    #[test]
    fn explicit_endpoint_wins_and_is_signed_for_the_region() {
        let e = Endpoint::resolve(Some("http://127.0.0.1:4566"), Some("eu-west-1")).unwrap();
        assert_eq!(e.url(), "http://127.0.0.1:4566/");
        assert_eq!(e.host_header(), "127.0.0.1:4566");
        assert_eq!(e.signing_region(), "eu-west-1");
        let e = Endpoint::resolve(Some("https://STS.Example.com:443/base/"), None).unwrap();
        assert_eq!(e.url(), "https://sts.example.com/base/");
        assert_eq!(e.signing_region(), "us-east-1");
        let e = Endpoint::resolve(Some("http://[::1]:8080"), None).unwrap();
        assert_eq!(e.host_header(), "[::1]:8080");
        assert!(e.is_loopback());
        assert!(Endpoint::resolve(Some("http://localhost:1"), None).is_ok());
    }

    #[test]
    fn refuses_plain_http_off_loopback_and_user_info() {
        for (url, rule) in [
            (
                "http://sts.amazonaws.com/",
                "plain http is allowed only to a loopback host",
            ),
            (
                "http://128.0.0.1/",
                "plain http is allowed only to a loopback host",
            ),
            (
                "http://127.0.0.1.evil.com/",
                "plain http is allowed only to a loopback host",
            ),
            (
                "https://user:pass@sts.amazonaws.com/",
                "must not carry user-info (credentials in the URL)",
            ),
            (
                "ftp://h/",
                "scheme must be https (or http to a loopback host)",
            ),
            ("sts.amazonaws.com", "must be an absolute http(s) URL"),
            ("https://h/?a=b", "must not have a query or fragment"),
            ("https://h:0/", "bad host or port"),
            ("https://h:65536/", "bad host or port"),
            ("https://h:x/", "bad host or port"),
            ("https:///", "bad host or port"),
            ("https://h_ost/", "bad host or port"),
        ] {
            assert_eq!(
                Endpoint::resolve(Some(url), None),
                Err(InputError::Endpoint { rule }),
                "{url}"
            );
        }
    }

    #[test]
    fn hosts_keep_one_spelling_and_paths_go_out_as_signed() {
        let e = Endpoint::resolve(Some("http://[0:0:0:0:0:0:0:1]:8080/a%2Fb/"), None).unwrap();
        assert_eq!(e.url(), "http://[::1]:8080/a%2Fb/");
        assert_eq!(e.host(), "[::1]");
        let e = Endpoint::resolve(Some("http://Sts.LocalHost:9"), None).unwrap();
        assert_eq!(
            (e.url(), e.is_loopback()),
            ("http://sts.localhost:9/", true)
        );
        for url in [
            "https://127.0.0.01/",
            "https://2130706433/",
            "http://127.000.000.001:4566/",
            "http://0x7f.1/",
            "http://127.0.0.1./",
            "http://[::ffff:127.0.0.1]/",
            "http://127.0.0.1/%2e%2e/x",
            "http://127.0.0.1/a\\b",
            "http://127.0.0.1/a/./b",
            "http://127.0.0.1/a b",
        ] {
            assert!(
                matches!(
                    Endpoint::resolve(Some(url), None),
                    Err(InputError::Endpoint { .. })
                ),
                "{url}"
            );
        }
    }

    #[test]
    fn refuses_regions_that_are_not_dns_labels() {
        for r in ["", "US-EAST-1", "us east", "us-east-1.evil.com/", "-a"] {
            assert!(matches!(
                Endpoint::resolve(None, Some(r)),
                Err(InputError::Invalid {
                    field: "region",
                    ..
                })
            ));
        }
    }
}
