//! Every operation's answer parser on arbitrary (status, headers, body): the first
//! byte selects the operation. Never a panic; a success carries what its type
//! promises (non-empty keys, a token), and `Debug` of any result is computable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stskit::sts::*;

fn show<T: std::fmt::Debug>(r: Result<T, stskit::error::AnswerError>) {
    match r {
        Ok(out) => {
            let _ = format!("{out:?}");
        }
        Err(e) => {
            let _ = format!("{e} {e:?}");
        }
    }
}

fn creds<T: CredentialsOutput + std::fmt::Debug>(r: Result<T, stskit::error::AnswerError>) {
    if let Ok(out) = &r {
        let c = out.credentials();
        assert!(!c.access_key_id().is_empty());
    }
    show(r);
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let selector = data[0] % 12;
    let status = u16::from_be_bytes([data[1], data[2]]) % 600;
    let header_len = (data[3] as usize).min(data.len() - 4);
    let header = String::from_utf8_lossy(&data[4..4 + header_len]).into_owned();
    let headers = vec![("x-amzn-RequestId".to_string(), header)];
    let body = &data[4 + header_len..];
    for status in [status, 200] {
        let h = &headers;
        match selector {
            0 => creds(AssumeRole::parse(status, h, body)),
            1 => creds(AssumeRoleWithSaml::parse(status, h, body)),
            2 => creds(AssumeRoleWithWebIdentity::parse(status, h, body)),
            3 => creds(AssumeRoot::parse(status, h, body)),
            4 => creds(GetSessionToken::parse(status, h, body)),
            5 => creds(GetFederationToken::parse(status, h, body)),
            6 => creds(GetScopedCredentials::parse(status, h, body)),
            7 => creds(GetDelegatedAccessToken::parse(status, h, body)),
            8 => {
                let r = GetWebIdentityToken::parse(status, h, body);
                if let Ok(out) = &r {
                    use secrecy::ExposeSecret;
                    assert!(!out.web_identity_token.expose_secret().is_empty());
                }
                show(r)
            }
            9 => show(GetCallerIdentity::parse(status, h, body)),
            10 => show(GetAccessKeyInfo::parse(status, h, body)),
            _ => show(DecodeAuthorizationMessage::parse(status, h, body)),
        }
    }
});
