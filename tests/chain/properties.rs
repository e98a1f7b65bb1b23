//! Property tests of the profile files and the chain: no parse or chain error, and no
//! `Debug` of a plan, shows a value from the files (keys, secrets, ARNs, external ids,
//! commands, token paths); the parser never panics on arbitrary text.

use proptest::prelude::*;
use stskit::profile::{ProfileSet, plan};

fn clean(shown: &str, values: &[&str]) {
    for v in values {
        // Every 8-character window of each value.
        let b = v.as_bytes();
        for i in 0..=b.len().saturating_sub(8) {
            if let Some(w) = v.get(i..i + 8) {
                assert!(!shown.contains(w), "{w:?} of a file value in {shown:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn errors_and_plans_show_no_file_value(
        key in "AKID[A-Z0-9]{16}",
        secret in "[A-Za-z0-9/+]{40}",
        arn in "arn:aws:iam::[0-9]{12}:role/[a-z]{8,20}",
        external in "[A-Za-z0-9_+=,.@-]{12,40}",
        command in "/opt/[a-z]{8,16}/tool --[a-z]{8}",
        duration in "[a-z]{9,12}",
        garbage in "[A-Za-z0-9]{10,30}",
        which in 0usize..9,
    ) {
        let config = format!(
            "[profile start]\nrole_arn = {arn}\nsource_profile = mid\nexternal_id = {external}\n\
             [profile mid]\nrole_arn = {arn}\nsource_profile = {}\n\
             [profile half]\naws_access_key_id = {key}\n\
             [profile secretonly]\naws_secret_access_key = {secret}\n\
             [profile both]\nrole_arn = {arn}\nsource_profile = half\ncredential_source = Environment\n\
             [profile dur]\nrole_arn = {arn}\nsource_profile = proc\nduration_seconds = {duration}\n\
             [profile proc]\ncredential_process = {command}\n\
             [profile badsrc]\nrole_arn = {arn}\ncredential_source = {garbage}\n",
            ["start", "half", "ghost", "secretonly", "mid"][which % 5]
        );
        let credentials = format!("[keys]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n");
        let set = ProfileSet::parse(&config, &credentials).unwrap();
        let values = [key.as_str(), secret.as_str(), arn.as_str(), external.as_str(), command.as_str(), duration.as_str(), garbage.as_str()];
        for name in ["start", "mid", "half", "secretonly", "both", "dur", "badsrc", "ghost", "keys", "proc"] {
            match plan(&set, name) {
                Err(e) => clean(&format!("{e} {e:?}"), &values),
                // A plan's Debug may name the profile, the role ARN and the key id (not
                // secrets); it must not show the secret, the external id or the command.
                Ok(p) => clean(&format!("{p:?}"), &[secret.as_str(), external.as_str(), command.as_str()]),
            }
        }
        // A line that breaks the format: the error has the line number only.
        let broken = format!("[profile x]\n{garbage}\n");
        let (_, e) = ProfileSet::parse(&broken, "").unwrap_err();
        clean(&format!("{e} {e:?}"), &[garbage.as_str()]);
        let broken = format!("[profile x]\nk =\n {garbage}\n");
        let (_, e) = ProfileSet::parse(&broken, "").unwrap_err();
        clean(&format!("{e} {e:?}"), &[garbage.as_str()]);
    }

    #[test]
    fn the_parser_never_panics(config in "\\PC{0,400}", credentials in "[\\[\\]a-z =#;\\t\\n-]{0,200}") {
        if let Ok(set) = ProfileSet::parse(&config, &credentials) {
            for name in set.profiles().keys() {
                let _ = plan(&set, name);
            }
        }
    }
}
