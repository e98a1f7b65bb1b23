//! The config and credentials file parser and the chain planner on arbitrary text:
//! never a panic; an error never holds text of the file beyond its line number; every
//! profile that parses can be planned or refused with a typed error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stskit::profile::{ProfileSet, plan};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first half is the config file, the rest the credentials file.
    let cut = text.len() / 2;
    let cut = (0..=cut)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let (config, credentials) = text.split_at(cut);
    match ProfileSet::parse(config, credentials) {
        Ok(set) => {
            for name in set.profiles().keys().take(8) {
                match plan(&set, name) {
                    Ok(p) => {
                        let _ = format!("{p:?}");
                    }
                    Err(e) => {
                        let _ = format!("{e} {e:?}");
                    }
                }
            }
            let _ = plan(&set, "default");
        }
        Err((_, e)) => {
            assert!(e.line >= 1);
            let _ = e.to_string();
        }
    }
});
