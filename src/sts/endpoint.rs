//! Where STS requests go, and the region they are signed for.

use super::partition::partition_of;
use crate::host;
use crate::sts::input::{EndpointRuleError, InputError};

/// The region a request is signed for when no region is given (the global endpoint).
pub const GLOBAL_SIGNING_REGION: &str = "us-east-1";

/// The regions the `legacy` setting of `sts_regional_endpoints` sends to the global
/// endpoint (the rule set's list).
pub const LEGACY_GLOBAL_REGIONS: [&str; 16] = [
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// The global endpoint's URL.
/// The global endpoint's URL.
pub const GLOBAL_URL: &str = "https://sts.amazonaws.com/";

/// The parameters of the STS endpoint rule set (what every AWS SDK evaluates): the
/// region, the FIPS and dual-stack switches, the legacy global-endpoint switch and a
/// custom endpoint URL. `stskit::Config` fills them from the environment and the profile
/// as the AWS tools do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointParams {
    /// `Region`; `aws-global` names the global endpoint.
    pub region: Option<String>,
    /// `UseFIPS` (`AWS_USE_FIPS_ENDPOINT`).
    pub use_fips: bool,
    /// `UseDualStack` (`AWS_USE_DUALSTACK_ENDPOINT`).
    pub use_dual_stack: bool,
    /// `UseGlobalEndpoint`: `AWS_STS_REGIONAL_ENDPOINTS=legacy`, which sends the 16
    /// [`LEGACY_GLOBAL_REGIONS`] to the global endpoint.
    pub use_global_endpoint: bool,
    /// `Endpoint`: a custom URL.
    pub endpoint: Option<String>,
}

impl EndpointParams {
    /// The parameters for `region` with every switch off.
    pub fn region(region: impl Into<String>) -> Self {
        EndpointParams {
            region: Some(region.into()),
            ..EndpointParams::default()
        }
    }
    /// Sets or clears the region.
    pub fn with_region(mut self, region: Option<String>) -> Self {
        self.region = region;
        self
    }
    /// Sets `UseFIPS`.
    pub fn with_fips(mut self, on: bool) -> Self {
        self.use_fips = on;
        self
    }
    /// Sets `UseDualStack`.
    pub fn with_dual_stack(mut self, on: bool) -> Self {
        self.use_dual_stack = on;
        self
    }
    /// Sets `UseGlobalEndpoint` (the `legacy` setting).
    pub fn with_global_endpoint(mut self, on: bool) -> Self {
        self.use_global_endpoint = on;
        self
    }
    /// Sets a custom endpoint URL.
    pub fn with_endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }
}

/// A checked STS endpoint: `https://host[:port]/path`, or `http://` on loopback only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: String,
    host_header: String,
    host: String,
    loopback: bool,
    signing_region: String,
    partition: Option<&'static str>,
}

impl Endpoint {
    /// Resolves the endpoint with every switch off: an explicit URL wins (signed for
    /// `region`, or `us-east-1` when none); otherwise the endpoint of `region` as the
    /// rule set gives it (see [`Endpoint::from_params`]).
    ///
    /// # Errors
    /// As [`Endpoint::from_params`].
    pub fn resolve(explicit: Option<&str>, region: Option<&str>) -> Result<Endpoint, InputError> {
        Endpoint::from_params(&EndpointParams {
            region: region.map(str::to_owned),
            endpoint: explicit.map(str::to_owned),
            ..EndpointParams::default()
        })
    }

    /// Evaluates the STS endpoint rule set (`endpoint-rule-set-1.json`, the rules every
    /// AWS SDK evaluates) for `params`:
    ///
    /// 1. legacy mode (`use_global_endpoint`) without a custom URL, FIPS or dual-stack
    ///    sends the 16 [`LEGACY_GLOBAL_REGIONS`] to `https://sts.amazonaws.com`, signed
    ///    for `us-east-1`;
    /// 2. a custom URL is used as given (FIPS or dual-stack with it is an error), signed
    ///    for the region, or `us-east-1` when there is none or it is `aws-global`;
    /// 3. otherwise the region's partition gives `sts[-fips].REGION.SUFFIX` with the
    ///    dual-stack suffix when asked (GovCloud FIPS hosts have no `-fips`), and
    ///    `aws-global` is the global endpoint signed for `us-east-1`;
    /// 4. no region is an error.
    ///
    /// Where botocore differs (no region gives it the global endpoint; it drops FIPS
    /// beside a custom URL; it rewrites `us-east-1-fips` style regions), stskit follows
    /// the rule set, and refuses regions with a `fips` label outright.
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
    /// [`InputError::EndpointRules`] for the rule set's error cases;
    /// [`InputError::Endpoint`] for a URL that is not `https://` (or `http://` to a
    /// loopback host), has user-info, a query or fragment, a host in any other
    /// spelling, a bad port, or a path that would not be sent as signed;
    /// [`InputError::Invalid`] for a region that is not a lowercase DNS label, carries
    /// a `fips` label, or is a `*-global` pseudo region other than `aws-global`.
    pub fn from_params(params: &EndpointParams) -> Result<Endpoint, InputError> {
        let rule = |e: EndpointRuleError| Err(InputError::EndpointRules(e));
        let region = params.region.as_deref();
        if let Some(r) = region {
            check_region(r)?;
        }
        let with_partition = |mut e: Endpoint| {
            e.partition = region.map(|r| partition_of(r).id);
            e
        };
        if let Some(url) = &params.endpoint {
            if params.use_fips {
                return rule(EndpointRuleError::FipsWithCustomEndpoint);
            }
            if params.use_dual_stack {
                return rule(EndpointRuleError::DualStackWithCustomEndpoint);
            }
            // `aws-global` is not a signing region: the global endpoint's is us-east-1.
            let signing = match region {
                None | Some("aws-global") => GLOBAL_SIGNING_REGION,
                Some(r) => r,
            };
            return Endpoint::parse(url, signing).map(with_partition);
        }
        let Some(region) = region else {
            return rule(EndpointRuleError::MissingRegion);
        };
        let p = partition_of(region);
        let global = || Endpoint::parse(GLOBAL_URL, GLOBAL_SIGNING_REGION).map(with_partition);
        let (fips, dual) = (params.use_fips, params.use_dual_stack);
        if params.use_global_endpoint && !fips && !dual && LEGACY_GLOBAL_REGIONS.contains(&region) {
            return global();
        }
        let url = match (fips, dual) {
            (true, true) if p.supports_fips && p.supports_dual_stack => {
                format!("https://sts-fips.{region}.{}/", p.dual_stack_dns_suffix)
            }
            (true, true) => return rule(EndpointRuleError::FipsAndDualStackUnsupported),
            (true, false) if !p.supports_fips => return rule(EndpointRuleError::FipsUnsupported),
            (true, false) if p.id == "aws-us-gov" => format!("https://sts.{region}.amazonaws.com/"),
            (true, false) => format!("https://sts-fips.{region}.{}/", p.dns_suffix),
            (false, true) if !p.supports_dual_stack => {
                return rule(EndpointRuleError::DualStackUnsupported);
            }
            (false, true) => format!("https://sts.{region}.{}/", p.dual_stack_dns_suffix),
            (false, false) if region == "aws-global" => return global(),
            (false, false) => format!("https://sts.{region}.{}/", p.dns_suffix),
        };
        Endpoint::parse(&url, region).map(with_partition)
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
            partition: None,
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
    /// The partition of the region the endpoint was resolved for (`aws`, `aws-cn`,
    /// ...), when a region was given.
    pub fn partition(&self) -> Option<&'static str> {
        self.partition
    }
    /// Whether this is the global endpoint `sts.amazonaws.com`.
    pub fn is_global(&self) -> bool {
        self.host == "sts.amazonaws.com"
    }

    /// Checks that `arn` is in this endpoint's partition (when the endpoint knows its
    /// partition): a role in `aws-cn` cannot be assumed through an `aws` endpoint.
    ///
    /// # Errors
    /// [`InputError::Invalid`] naming `field` when the partitions differ.
    pub fn check_arn_partition(&self, field: &'static str, arn: &str) -> Result<(), InputError> {
        let Some(mine) = self.partition else {
            return Ok(());
        };
        match arn.split(':').nth(1) {
            Some(theirs) if theirs != mine => Err(InputError::Invalid {
                field,
                rule: "the ARN's partition is not the partition of the region (an aws-cn or aws-us-gov role needs a region of that partition)",
            }),
            _ => Ok(()),
        }
    }
}

pub(crate) fn check_region(r: &str) -> Result<(), InputError> {
    if r.split('-').any(|label| label == "fips") {
        return Err(InputError::Invalid {
            field: "region",
            rule: "must not carry a fips label: name the region (us-east-1) and set AWS_USE_FIPS_ENDPOINT=true",
        });
    }
    if r.ends_with("-global") && r != "aws-global" {
        return Err(InputError::Invalid {
            field: "region",
            rule: "aws-global is the only global pseudo region",
        });
    }
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
#[path = "endpoint_tests.rs"]
mod tests;
