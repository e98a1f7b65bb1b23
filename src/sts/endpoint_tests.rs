//! Unit tests of the endpoint rules and URL checks.
use super::*;

#[test]
fn regional_global_and_china_endpoints() {
    let e = Endpoint::resolve(None, Some("eu-west-1")).unwrap();
    assert_eq!(e.url(), "https://sts.eu-west-1.amazonaws.com/");
    assert_eq!(e.signing_region(), "eu-west-1");
    let e = Endpoint::resolve(None, Some("cn-north-1")).unwrap();
    assert_eq!(e.url(), "https://sts.cn-north-1.amazonaws.com.cn/");
    assert_eq!(
        Endpoint::resolve(None, None),
        Err(InputError::EndpointRules(EndpointRuleError::MissingRegion))
    );
    let e = Endpoint::resolve(None, Some("aws-global")).unwrap();
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

#[test]
fn a_custom_url_with_aws_global_is_signed_for_us_east_1() {
    let e = Endpoint::resolve(Some("https://proxy.example.com/sts/"), Some("aws-global")).unwrap();
    assert_eq!(
        (e.url(), e.signing_region(), e.partition()),
        ("https://proxy.example.com/sts/", "us-east-1", Some("aws"))
    );
    let e = Endpoint::resolve(Some("https://proxy.example.com/"), Some("cn-north-1")).unwrap();
    assert_eq!(
        (e.signing_region(), e.partition()),
        ("cn-north-1", Some("aws-cn"))
    );
    let e = Endpoint::resolve(Some("https://proxy.example.com/"), None).unwrap();
    assert_eq!((e.signing_region(), e.partition()), ("us-east-1", None));
}

#[test]
fn fips_labels_and_other_global_names_are_refused() {
    for r in [
        "us-east-1-fips",
        "fips-us-east-1",
        "aws-cn-global",
        "aws-us-gov-global",
    ] {
        assert!(
            matches!(
                Endpoint::resolve(None, Some(r)),
                Err(InputError::Invalid {
                    field: "region",
                    ..
                })
            ),
            "{r}"
        );
    }
}
