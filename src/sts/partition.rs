//! The AWS partitions as the endpoint rules see them: which partition a region is in,
//! its DNS suffixes, and whether it offers FIPS and dual-stack hosts. The table is
//! `partitions.json` of botocore 1.44.8 (a test compares the two).

/// One partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Partition {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...: the second field of its ARNs.
    pub id: &'static str,
    /// The DNS suffix of its endpoints.
    pub dns_suffix: &'static str,
    /// The DNS suffix of its dual-stack (IPv4 and IPv6) endpoints.
    pub dual_stack_dns_suffix: &'static str,
    /// Whether it has FIPS endpoints.
    pub supports_fips: bool,
    /// Whether it has dual-stack endpoints.
    pub supports_dual_stack: bool,
    /// The region of its global endpoints.
    pub implicit_global_region: &'static str,
    /// `regionRegex` as prefixes: a region is `PREFIX-WORD-DIGITS` for one of these
    /// prefixes (`\w+` one or more of `[A-Za-z0-9_]`, `\d+` one or more digits).
    prefixes: &'static [&'static str],
    /// The regions it lists by name.
    pub regions: &'static [&'static str],
}

const fn partition(
    id: &'static str,
    dns_suffix: &'static str,
    dual_stack_dns_suffix: &'static str,
    implicit_global_region: &'static str,
    prefixes: &'static [&'static str],
    regions: &'static [&'static str],
) -> Partition {
    Partition {
        id,
        dns_suffix,
        dual_stack_dns_suffix,
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region,
        prefixes,
        regions,
    }
}

/// The partitions, in the file's order (the order of the regex matching).
pub const PARTITIONS: [Partition; 8] = [
    partition(
        "aws",
        "amazonaws.com",
        "api.aws",
        "us-east-1",
        &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
        &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "me-west-1",
            "mx-central-1",
            "sa-east-1",
            "sa-west-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
    ),
    partition(
        "aws-cn",
        "amazonaws.com.cn",
        "api.amazonwebservices.com.cn",
        "cn-northwest-1",
        &["cn"],
        &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
    ),
    partition(
        "aws-eusc",
        "amazonaws.eu",
        "api.amazonwebservices.eu",
        "eusc-de-east-1",
        &["eusc-de"],
        &["eusc-de-east-1"],
    ),
    partition(
        "aws-iso",
        "c2s.ic.gov",
        "api.aws.ic.gov",
        "us-iso-east-1",
        &["us-iso"],
        &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
    ),
    partition(
        "aws-iso-b",
        "sc2s.sgov.gov",
        "api.aws.scloud",
        "us-isob-east-1",
        &["us-isob"],
        &["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
    ),
    partition(
        "aws-iso-e",
        "cloud.adc-e.uk",
        "api.cloud-aws.adc-e.uk",
        "eu-isoe-west-1",
        &["eu-isoe"],
        &["aws-iso-e-global", "eu-isoe-west-1"],
    ),
    partition(
        "aws-iso-f",
        "csp.hci.ic.gov",
        "api.aws.hci.ic.gov",
        "us-isof-south-1",
        &["us-isof"],
        &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
    ),
    partition(
        "aws-us-gov",
        "amazonaws.com",
        "api.aws",
        "us-gov-west-1",
        &["us-gov"],
        &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
    ),
];

impl Partition {
    /// Whether `region` matches the partition's `regionRegex`.
    pub fn matches_pattern(&self, region: &str) -> bool {
        self.prefixes.iter().any(|p| {
            region
                .strip_prefix(p)
                .and_then(|rest| rest.strip_prefix('-'))
                .and_then(|rest| rest.rsplit_once('-'))
                .is_some_and(|(word, digits)| {
                    !word.is_empty()
                        && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                        && !digits.is_empty()
                        && digits.bytes().all(|b| b.is_ascii_digit())
                })
        })
    }
}

/// The partition of `region`, as `aws.partition` decides: the first partition that
/// lists it by name, else the first whose pattern matches it, else `aws`.
pub fn partition_of(region: &str) -> &'static Partition {
    PARTITIONS
        .iter()
        .find(|p| p.regions.contains(&region))
        .or_else(|| PARTITIONS.iter().find(|p| p.matches_pattern(region)))
        .unwrap_or(&PARTITIONS[0])
}

/// The partition named `id` (`aws`, `aws-cn`, ...).
pub fn by_id(id: &str) -> Option<&'static Partition> {
    PARTITIONS.iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_land_in_their_partitions() {
        for (region, id) in [
            ("us-east-1", "aws"),
            ("xx-unknown-1", "aws"),
            ("us-east-3", "aws"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-gov-east-9", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-west-7", "aws-iso-b"),
            ("us-isof-south-1", "aws-iso-f"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("eusc-de-east-1", "aws-eusc"),
            ("eusc-de-north-2", "aws-eusc"),
            ("cn-north-1", "aws-cn"),
            ("aws-cn-global", "aws-cn"),
            ("aws-global", "aws"),
            ("cn-north-x", "aws"),
        ] {
            assert_eq!(partition_of(region).id, id, "{region}");
        }
    }
}
