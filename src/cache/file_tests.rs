use super::*;

fn key_of(json: &str) -> String {
    // The verified table gives the exact bytes botocore hashed.
    use sha1::Digest;
    let hash = sha1::Sha1::digest(json.as_bytes());
    crate::text::hex(&hash)
}

const ROLE: &str = "arn:aws:iam::123456789012:role/demo";

#[test]
fn the_seven_verified_assume_role_keys() {
    let cases: Vec<(CacheKey, &str, &str)> = vec![
        (
            CacheKey::assume_role(ROLE),
            r#"{"RoleArn": "arn:aws:iam::123456789012:role/demo"}"#,
            "5f52c9c583acfd120a607977e4f21fe86b7fa42d",
        ),
        (
            CacheKey::assume_role(ROLE)
                .with_session_name("alice")
                .with_external_id("ext-123")
                .with_duration_seconds(3600),
            r#"{"DurationSeconds": 3600, "ExternalId": "ext-123", "RoleArn": "arn:aws:iam::123456789012:role/demo", "RoleSessionName": "alice"}"#,
            "ce8b23103e652f49d893afea7a364bad83b1b264",
        ),
        (
            CacheKey::assume_role(ROLE)
                .with_session_name("s")
                .with_serial_number("arn:aws:iam::123456789012:mfa/alice"),
            r#"{"RoleArn": "arn:aws:iam::123456789012:role/demo", "RoleSessionName": "s", "SerialNumber": "arn:aws:iam::123456789012:mfa/alice"}"#,
            "0a2acd2ae81d1c87aa6383a1250e31806bbdbed9",
        ),
        (
            CacheKey::assume_role(ROLE).with_policy(
                r#"{"Version":"2012-10-17","Statement":[{"Resource":"*","Effect":"Allow","Action":"s3:GetObject"}]}"#,
            ),
            r#"{"Policy": {"Statement": [{"Action": "s3:GetObject", "Effect": "Allow", "Resource": "*"}], "Version": "2012-10-17"}, "RoleArn": "arn:aws:iam::123456789012:role/demo"}"#,
            "b27624bc5e9ec0d32a056dea20681d6ccc17147b",
        ),
        (
            CacheKey::assume_role(ROLE).with_external_id("café"),
            r#"{"ExternalId": "caf\u00e9", "RoleArn": "arn:aws:iam::123456789012:role/demo"}"#,
            "1df27ac20610e1d41c54cf80af2f2c878a23fb40",
        ),
        (
            CacheKey::assume_role(ROLE).with_duration_seconds(3600),
            r#"{"DurationSeconds": 3600, "RoleArn": "arn:aws:iam::123456789012:role/demo"}"#,
            "36c7f4c87dc42f92b630a9cbc738add1d2d6cbea",
        ),
    ];
    for (key, text, digest) in &cases {
        assert_eq!(&*key.serialized(), text);
        assert_eq!(key.digest(), *digest, "{text}");
        assert_eq!(key.file_name(), format!("{digest}.json"));
    }
    // The seventh: a string "3600" is another key (botocore hashes what it was given;
    // stskit always has a number, so only the hash of the text is checked).
    assert_eq!(
        key_of(r#"{"DurationSeconds": "3600", "RoleArn": "arn:aws:iam::123456789012:role/demo"}"#),
        "a898f4ea9d076debc891abb59ae24d65fe0d51a9"
    );
    assert_ne!(
        cases[5].0.digest(),
        "a898f4ea9d076debc891abb59ae24d65fe0d51a9"
    );
    // A generated (empty) session name is left out.
    assert_eq!(
        CacheKey::assume_role(ROLE).with_session_name("").digest(),
        "5f52c9c583acfd120a607977e4f21fe86b7fa42d"
    );
}

#[test]
fn the_web_identity_key_holds_the_token_as_the_cli_v1_writes_it() {
    let token = SecretString::from("eyJhbGciOiJub25lIn0.eyJzdWIiOiJmYWtlIn0.sig");
    let key = CacheKey::web_identity("arn:aws:iam::123456789012:role/wi", None, &token);
    assert_eq!(key.digest(), "81a5103c50ca8f0506cdaabcf9ebab018cc5e3a5");
    let without = CacheKey::assume_role("arn:aws:iam::123456789012:role/wi");
    assert_eq!(without.digest(), "358ef18c54f6f4b723f0383e48a49f5cec693ec3");
    assert!(!format!("{key:?}").contains("eyJ"));
}

fn creds(expiration: OffsetDateTime) -> StsCredentials {
    StsCredentials::new(
        "ASIAFAKEFAKEFAKE0001",
        SecretString::from("fake/Secret+Key"),
        SecretString::from("FAKESESSIONTOKEN"),
        expiration,
    )
}

#[test]
fn an_entry_is_written_as_botocore_writes_it() {
    let exp = OffsetDateTime::from_unix_timestamp(1_796_016_317).unwrap();
    let user = AssumedRoleUser {
        arn: "arn:aws:sts::123456789012:assumed-role/demo/s".into(),
        assumed_role_id: "AROAFAKE:s".into(),
    };
    let text = entry_json(
        &creds(exp),
        Some(&user),
        &[],
        &[("PackedPolicySize", "6".into())],
    );
    assert_eq!(
        text,
        r#"{"Credentials": {"AccessKeyId": "ASIAFAKEFAKEFAKE0001", "SecretAccessKey": "fake/Secret+Key", "SessionToken": "FAKESESSIONTOKEN", "Expiration": "2026-11-30T05:25:17Z", "AccountId": "123456789012"}, "AssumedRoleUser": {"AssumedRoleId": "AROAFAKE:s", "Arn": "arn:aws:sts::123456789012:assumed-role/demo/s"}, "PackedPolicySize": 6}"#
    );
    let back = read_entry(text.as_bytes()).unwrap();
    assert_eq!(back.credentials.expiration(), exp);
    assert_eq!(back.account_id.as_deref(), Some("123456789012"));
}

#[test]
fn expirations_are_read_in_the_three_forms_and_a_bare_time_is_refused() {
    let want = OffsetDateTime::from_unix_timestamp(1_796_016_317).unwrap();
    for form in [
        "2026-11-30T05:25:17Z",
        "2026-11-30T05:25:17+00:00",
        "2026-11-30T05:25:17UTC",
        "2026-11-30T05:25:17 UTC",
    ] {
        assert_eq!(crate::date::parse_expiration(form), Some(want), "{form}");
    }
    assert!(crate::date::parse_expiration("2026-11-30T05:25:17.123000+00:00").is_some());
    for bad in [
        "2026-11-30T05:25:17",
        "",
        "UTC",
        "soon",
        "2026-11-30T05:25:17 PST",
    ] {
        assert_eq!(crate::date::parse_expiration(bad), None, "{bad}");
    }
}

#[test]
fn anything_unreadable_is_a_miss() {
    let good = r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2099-01-01T00:00:00Z"}}"#;
    assert!(
        read_entry(good.as_bytes()).is_some(),
        "the minimum botocore reuses"
    );
    for bad in [
        "",
        "garbage",
        &good[..good.len() - 3],
        "[]",
        r#"{"Credentials": []}"#,
        r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t"}}"#,
        r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2099-01-01T00:00:00"}}"#,
        r#"{"Credentials": {"AccessKeyId": 1, "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2099-01-01T00:00:00Z"}}"#,
        r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "", "SessionToken": "t", "Expiration": "2099-01-01T00:00:00Z"}}"#,
    ] {
        assert!(read_entry(bad.as_bytes()).is_none(), "{bad}");
    }
}

#[test]
fn the_reuse_rule_keeps_fifteen_minutes() {
    let now = OffsetDateTime::from_unix_timestamp(1_900_000_000).unwrap();
    let at = |secs: i64| {
        classify(
            CachedCredentials {
                credentials: creds(now + time::Duration::seconds(secs)),
                account_id: None,
            },
            now,
        )
    };
    assert!(matches!(at(900), Lookup::Fresh(_)));
    assert!(matches!(at(899), Lookup::Expiring(_)));
    assert!(matches!(at(1), Lookup::Expiring(_)));
    assert!(matches!(at(0), Lookup::Miss));
    assert!(matches!(at(-5), Lookup::Miss));
}

#[cfg(unix)]
#[test]
fn files_are_private_and_written_whole() {
    use std::os::unix::fs::PermissionsExt;
    let base = std::env::temp_dir().join(format!("stskit-file-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let dir = base.join("a/b");
    let cache = FileCache::new(&dir);
    let key = CacheKey::assume_role(ROLE);
    let now = OffsetDateTime::now_utc();
    assert!(matches!(cache.load(&key, now), Lookup::Miss));
    let c = creds(now + time::Duration::hours(1));
    cache.store(&key, &c, None, &[], Vec::new()).unwrap();
    cache.store(&key, &c, None, &[], Vec::new()).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&base.join("a")), 0o700);
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec![key.file_name()], "no temporary file is left");
    assert_eq!(mode(&dir.join(key.file_name())), 0o600);
    match cache.load(&key, now) {
        Lookup::Fresh(c) => assert_eq!(c.credentials.access_key_id(), "ASIAFAKEFAKEFAKE0001"),
        other => panic!("{other:?}"),
    }
    // A file that grew into garbage is a miss; so is a FIFO (never opened).
    std::fs::write(dir.join(key.file_name()), b"{\"Credentials\": {").unwrap();
    assert!(matches!(cache.load(&key, now), Lookup::Miss));
    let _ = std::fs::remove_dir_all(&base);
}
