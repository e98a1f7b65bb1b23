//! The STS endpoint rules against AWS's own data: the 69 official test cases of the
//! rule set, and the partition table against `partitions.json` (both copied in
//! `fixtures/aws-model/`, provenance in its README).

use std::path::Path;

use serde_json::Value;
use stskit::error::InputError;
use stskit::sts::partition::{PARTITIONS, partition_of};
use stskit::sts::{Endpoint, EndpointParams};

fn load(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/aws-model")
        .join(name);
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// Every official case: the URL (stskit keeps the request path `/` the rule set
/// leaves out) and the signing region, or the rule set's error message word for word.
#[test]
fn all_official_endpoint_cases_pass() {
    let cases = load("sts-endpoint-tests-1.json");
    let cases = cases["testCases"].as_array().unwrap();
    assert_eq!(cases.len(), 69);
    for case in cases {
        let doc = case["documentation"].as_str().unwrap();
        let p = &case["params"];
        let flag = |k: &str| p.get(k).and_then(Value::as_bool).unwrap_or(false);
        let mut params = EndpointParams::default()
            .with_region(p.get("Region").and_then(Value::as_str).map(str::to_owned));
        if let Some(url) = p.get("Endpoint").and_then(Value::as_str) {
            params = params.with_endpoint(url);
        }
        let params = params
            .with_fips(flag("UseFIPS"))
            .with_dual_stack(flag("UseDualStack"))
            .with_global_endpoint(flag("UseGlobalEndpoint"));
        let got = Endpoint::from_params(&params);
        let expect = &case["expect"];
        if let Some(message) = expect.get("error").and_then(Value::as_str) {
            match got {
                Err(InputError::EndpointRules(e)) => {
                    assert_eq!(e.rule_set_message(), message, "{doc}")
                }
                other => panic!("{doc}: expected {message}, got {other:?}"),
            }
            continue;
        }
        let got = got.unwrap_or_else(|e| panic!("{doc}: {e}"));
        let url = expect["endpoint"]["url"].as_str().unwrap();
        assert_eq!(got.url(), format!("{url}/"), "{doc}");
        let signing = expect["endpoint"]["properties"]["authSchemes"][0]["signingRegion"]
            .as_str()
            .or(params.region.as_deref())
            .unwrap_or("us-east-1");
        assert_eq!(got.signing_region(), signing, "{doc}");
    }
}

/// The compiled-in table is `partitions.json`: ids, suffixes, FIPS and dual-stack
/// support, global regions, every listed region, and the region patterns.
#[test]
fn partition_table_is_the_partitions_file() {
    let file = load("partitions.json");
    let parts = file["partitions"].as_array().unwrap();
    assert_eq!(parts.len(), PARTITIONS.len());
    for (want, got) in parts.iter().zip(PARTITIONS.iter()) {
        let o = &want["outputs"];
        assert_eq!(want["id"], got.id);
        assert_eq!(o["dnsSuffix"], got.dns_suffix);
        assert_eq!(o["dualStackDnsSuffix"], got.dual_stack_dns_suffix);
        assert_eq!(o["supportsFIPS"], got.supports_fips);
        assert_eq!(o["supportsDualStack"], got.supports_dual_stack);
        assert_eq!(o["implicitGlobalRegion"], got.implicit_global_region);
        let mut regions: Vec<&str> = want["regions"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        regions.sort_unstable();
        let mut mine = got.regions.to_vec();
        mine.sort_unstable();
        assert_eq!(regions, mine, "{}", got.id);
        for r in regions {
            assert_eq!(partition_of(r).id, got.id, "{r}");
        }
    }
}
