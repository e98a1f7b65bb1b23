//! Identity proofs from arbitrary credentials, cluster names and headers: signed or
//! refused with a typed error, never a panic; a token within 4,096 bytes that starts as
//! EKS expects; no secret in any `Debug`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secrecy::ExposeSecret;
use stskit::Credentials;
use stskit::sts::{Endpoint, proof};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(5, '\u{1}');
    let (id, secret, token, cluster, header) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let creds = Credentials::new(id, secret, (!token.is_empty()).then(|| token.to_owned()));
    let at = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
    let endpoint = Endpoint::resolve(None, Some("eu-west-1")).unwrap();
    if let Ok(t) = proof::eks_token(&creds, &endpoint, cluster, at) {
        assert!(t.expose_token().starts_with(proof::EKS_TOKEN_PREFIX));
        assert!(t.expose_token().len() <= proof::MAX_EKS_TOKEN_LEN);
        let shown = format!("{t:?}");
        assert!(!shown.contains(t.expose_token()));
        let json = t.exec_credential(proof::EXEC_CREDENTIAL_DEFAULT_VERSION);
        assert!(
            json.expose_secret()
                .starts_with("{\"kind\": \"ExecCredential\"")
        );
    }
    let (name, value) = header.split_once(':').unwrap_or((header, ""));
    let extra = [(name, value)];
    if proof::check_headers(&extra).is_ok() {
        if let Ok(r) = proof::signed_get_caller_identity(&creds, &endpoint, &extra, at) {
            let login = proof::VaultLogin::of(&r);
            assert!(!format!("{login:?}").contains(login.expose_headers()));
        }
    } else {
        assert!(proof::signed_get_caller_identity(&creds, &endpoint, &extra, at).is_err());
    }
});
