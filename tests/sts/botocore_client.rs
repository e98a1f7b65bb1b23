//! botocore's own STS client against the loopback double: every operation, signed or
//! unsigned as the model says, verified by the double and parsed by botocore. The
//! double is for everyone's tests, so a real client must be able to use it.
#![cfg(feature = "test-util")]

use crate::common;
use crate::double;

use std::process::Command;

use double::{KEY, SECRET, double};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn botocore_calls_every_operation_on_the_double() {
    let d = double().await;
    let url = d.endpoint_url();
    let python = common::pyenv_python();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/peers/botocore_calls.py"
            ))
            .args([url.as_str(), KEY, SECRET])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let members = |op: &str| -> Vec<String> {
        got[op]
            .as_array()
            .unwrap_or_else(|| panic!("{op}: {}", got[op]))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    for (op, must) in [
        ("GetCallerIdentity", &["Account", "Arn", "UserId"][..]),
        ("AssumeRole", &["AssumedRoleUser", "Credentials"]),
        (
            "AssumeRoleWithWebIdentity",
            &[
                "AssumedRoleUser",
                "Audience",
                "Credentials",
                "Provider",
                "SubjectFromWebIdentityToken",
            ],
        ),
        (
            "AssumeRoleWithSAML",
            &[
                "AssumedRoleUser",
                "Audience",
                "Credentials",
                "Issuer",
                "NameQualifier",
                "Subject",
                "SubjectType",
            ],
        ),
        ("GetSessionToken", &["Credentials"]),
        ("GetFederationToken", &["Credentials", "FederatedUser"]),
        ("AssumeRoot", &["Credentials"]),
        ("GetAccessKeyInfo", &["Account"]),
        ("DecodeAuthorizationMessage", &["DecodedMessage"]),
        (
            "GetDelegatedAccessToken",
            &["AssumedPrincipal", "Credentials"],
        ),
        ("GetWebIdentityToken", &["Expiration", "WebIdentityToken"]),
        ("GetScopedCredentials", &["Credentials", "SessionInfo"]),
    ] {
        let have = members(op);
        for m in must {
            assert!(
                have.iter().any(|h| h == m),
                "{op}: {m} missing from {have:?}"
            );
        }
    }
    assert_eq!(got["WrongSecret"], "error: SignatureDoesNotMatch");
    assert!(
        got["CallerWithSessionToken"]
            .as_str()
            .unwrap()
            .contains("123456789012")
    );
    // botocore sent the two unsigned calls unsigned, as stskit does.
    for r in d.requests() {
        let action = r.param("Action").unwrap();
        let unsigned =
            ["AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"].contains(&action.as_str());
        assert_eq!(r.header("authorization").is_none(), unsigned, "{action}");
    }
}
