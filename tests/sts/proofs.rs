//! Identity proofs against their peers, byte for byte at a pinned time: EKS tokens
//! against the AWS CLI's way of making them (botocore's presigner with the signed
//! x-k8s-aws-id header), Vault login fields against hvac 2.4's `iam_login`.

use secrecy::ExposeSecret;
use serde_json::{Value, json};
use stskit::Credentials;
use stskit::sts::Endpoint;
use stskit::sts::proof::{self, VAULT_SERVER_ID_HEADER, VaultLogin};
use time::OffsetDateTime;

use crate::common;
use crate::rng::Rng;

const CASES: usize = 100;

fn peers(cases: &[Value]) -> Vec<Value> {
    match common::peer_json("proof_peers.py", &Value::Array(cases.to_vec())) {
        Value::Array(answers) => answers,
        other => panic!("proof_peers.py: {other}"),
    }
}

const KEY_CHARS: &[&str] = &["A", "K", "I", "D", "Z", "2", "7"];
const SECRET_CHARS: &[&str] = &["a", "Z", "0", "9", "/", "+", "="];
const TOKEN_CHARS: &[&str] = &["F", "w", "o", "G", "/", "+", "=", "9"];
const NAME_CHARS: &[&str] = &["a", "z", "0", "-", "_", "D", "e", "m"];
const REGIONS: &[&str] = &[
    "us-east-1",
    "eu-west-1",
    "ap-southeast-2",
    "us-gov-west-1",
    "cn-north-1",
];

struct Case {
    creds: Credentials,
    region: &'static str,
    time: OffsetDateTime,
    json: Value,
}

fn case(rng: &mut Rng, kind: &str) -> Case {
    let key = format!("ASIA{}", rng.string(KEY_CHARS, 12, 16));
    let secret = rng.string(SECRET_CHARS, 40, 40);
    let token = rng.chance(60).then(|| rng.string(TOKEN_CHARS, 20, 800));
    let region = *rng.pick(REGIONS);
    // 2020-01-01 .. 2035-12-31, whole seconds.
    let epoch = 1_577_836_800 + rng.below(504_921_600) as i64;
    let time = OffsetDateTime::from_unix_timestamp(epoch).unwrap();
    let mut json = json!({
        "kind": kind,
        "access_key": key,
        "secret_key": secret,
        "token": token,
        "region": region,
        "time": epoch,
    });
    if kind == "eks" {
        json["cluster"] = json!(rng.string(NAME_CHARS, 1, 100));
    } else if rng.chance(70) {
        json["server_id"] = json!(format!(
            "vault-{}.example.com",
            rng.string(NAME_CHARS, 1, 20)
        ));
    }
    Case {
        creds: Credentials::new(key, secret, token),
        region,
        time,
        json,
    }
}

#[test]
fn eks_tokens_are_byte_for_byte_the_aws_clis() {
    let mut rng = Rng(0xe45_70ce_2026_1205);
    let cases: Vec<Case> = (0..CASES).map(|_| case(&mut rng, "eks")).collect();
    let answers = peers(&cases.iter().map(|c| c.json.clone()).collect::<Vec<_>>());
    for (c, answer) in cases.iter().zip(&answers) {
        let endpoint = Endpoint::resolve(None, Some(c.region)).unwrap();
        let cluster = c.json["cluster"].as_str().unwrap();
        let ours = proof::eks_token(&c.creds, &endpoint, cluster, c.time).unwrap();
        assert_eq!(
            ours.expose_token(),
            answer["token"].as_str().unwrap(),
            "case {}",
            c.json
        );
    }
}

#[test]
fn vault_login_fields_are_byte_for_byte_hvacs() {
    let mut rng = Rng(0x7a0_17ce_2026_1205);
    let cases: Vec<Case> = (0..CASES).map(|_| case(&mut rng, "vault")).collect();
    let answers = peers(&cases.iter().map(|c| c.json.clone()).collect::<Vec<_>>());
    for (c, answer) in cases.iter().zip(&answers) {
        // hvac always posts to the global endpoint and signs for the region given.
        let endpoint = Endpoint::parse("https://sts.amazonaws.com/", c.region).unwrap();
        let extra: Vec<(&str, &str)> = c.json["server_id"]
            .as_str()
            .map(|id| (VAULT_SERVER_ID_HEADER, id))
            .into_iter()
            .collect();
        let request =
            proof::signed_get_caller_identity(&c.creds, &endpoint, &extra, c.time).unwrap();
        let login = VaultLogin::of(&request);
        let ours: Value = serde_json::from_str(login.to_json().expose_secret()).unwrap();
        assert_eq!(&ours, answer, "case {}", c.json);
    }
}
