//! `split_command` against Python's `shlex.split` (the AWS CLI's splitter) over
//! generated command lines: quotes, backslashes, white space, `#`, `$`, `` ` `` and
//! non-ASCII, in every order.

use super::split_command;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

const ALPHABET: [char; 18] = [
    ' ', '\t', '\n', '\r', '\'', '"', '\\', '#', 'a', 'b', '$', '`', '=', 'é', '€', '\u{a0}',
    '\u{b}', '\u{c}',
];

#[test]
fn command_lines_split_as_shlex_splits_them() {
    let root = env!("CARGO_MANIFEST_DIR");
    let python = format!("{root}/target/pyenv/bin/python");
    assert!(
        std::path::Path::new(&python).exists(),
        "the Python peers are not set up: run `bash scripts/pyenv.sh` (the README's test \
         command does it)"
    );
    let mut rng = Rng(0x5348_4C45_5853_504C);
    let lines: Vec<String> = (0..3000)
        .map(|_| {
            let len = (rng.next() % 16) as usize;
            (0..len)
                .map(|_| ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize])
                .collect()
        })
        .collect();
    let input = serde_json::to_vec(&lines).unwrap();
    let mut child = std::process::Command::new(python)
        .arg(format!("{root}/tests/peers/shlex_split.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let answers: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let (mut words, mut errors) = (0, 0);
    for (line, want) in lines.iter().zip(&answers) {
        let got = split_command(line);
        match (&got, want.get("ok")) {
            (Ok(mine), Some(theirs)) => {
                let theirs: Vec<String> = serde_json::from_value(theirs.clone()).unwrap();
                assert_eq!(mine, &theirs, "{line:?}");
                words += 1;
            }
            // No word at all: shlex gives an empty list, stskit an error to show.
            (Err("the command is empty"), Some(theirs)) => {
                assert_eq!(theirs, &serde_json::json!([]), "{line:?}");
            }
            (Err(_), None) => errors += 1,
            _ => panic!("{line:?}: stskit {got:?}, shlex {want}"),
        }
    }
    assert!(
        words > 1000 && errors > 300,
        "{words} split, {errors} refused"
    );
}
