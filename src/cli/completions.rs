//! `stskit completions bash|zsh|fish`: completion scripts drawn from the same command
//! and flag tables the parser reads, so they can never offer a flag it refuses.

use super::commands::COMMANDS;
use super::flags::{Arity, COMMON, Flag};

/// Every command with its title and flags (its own, then the common ones; `--
/// COMMAND` is not a flag).
fn table() -> Vec<(&'static str, &'static str, Vec<&'static Flag>)> {
    COMMANDS
        .iter()
        .map(|c| {
            let flags = c.flags.iter().chain(COMMON);
            (
                c.name,
                c.title,
                flags.filter(|f| f.arity != Arity::Rest).collect(),
            )
        })
        .collect()
}

/// A flag's help on one line.
fn one_line(help: &str) -> String {
    help.replace('\n', " ")
}

/// The script for `shell`, or `None` for a shell stskit does not know.
pub(crate) fn script(shell: &str) -> Option<String> {
    match shell {
        "bash" => Some(bash()),
        "zsh" => Some(zsh()),
        "fish" => Some(fish()),
        _ => None,
    }
}

fn bash() -> String {
    let rows = table();
    let names: Vec<&str> = rows.iter().map(|r| r.0).collect();
    let mut out = String::from(
        "# stskit completions for bash: eval \"$(stskit completions bash)\"\n_stskit() {\n    \
         local cur=\"${COMP_WORDS[COMP_CWORD]}\" opts\n    \
         if [ \"$COMP_CWORD\" -eq 1 ]; then\n        \
         COMPREPLY=( $(compgen -W \"",
    );
    out.push_str(&names.join(" "));
    out.push_str(" help completions --help --version\" -- \"$cur\") )\n        return\n    fi\n    case \"${COMP_WORDS[1]}\" in\n");
    for (name, _, flags) in &rows {
        let opts: Vec<String> = flags.iter().map(|f| format!("--{}", f.name)).collect();
        out.push_str(&format!(
            "        {name}) opts=\"{} --help\" ;;\n",
            opts.join(" ")
        ));
    }
    out.push_str("        completions) opts=\"bash zsh fish\" ;;\n        help) opts=\"");
    out.push_str(&names.join(" "));
    out.push_str(
        "\" ;;\n        *) opts=\"\" ;;\n    esac\n    \
         COMPREPLY=( $(compgen -W \"$opts\" -- \"$cur\") )\n}\ncomplete -o default -F _stskit stskit\n",
    );
    out
}

fn zsh_quote(s: &str) -> String {
    s.replace('\'', "'\\''").replace(':', "\\:")
}

fn zsh() -> String {
    let rows = table();
    let mut out = String::from(
        "#compdef stskit\n# stskit completions for zsh: stskit completions zsh > \"${fpath[1]}/_stskit\"\n_stskit() {\n    local -a commands\n    commands=(\n",
    );
    for (name, title, _) in &rows {
        out.push_str(&format!("        '{name}:{}'\n", zsh_quote(title)));
    }
    out.push_str("        'help:show help for a command'\n        'completions:print shell completions'\n    )\n    if (( CURRENT == 2 )); then\n        _describe 'command' commands\n        return\n    fi\n    case $words[2] in\n");
    for (name, _, flags) in &rows {
        out.push_str(&format!("        {name})\n            _arguments \\\n"));
        for f in flags {
            let help = zsh_quote(&one_line(f.help))
                .replace('[', "\\[")
                .replace(']', "\\]");
            let value = match f.arity {
                Arity::Switch => String::new(),
                _ => format!(":{}:_default", f.value.to_lowercase()),
            };
            let repeat = if f.arity == Arity::Repeat { "*" } else { "" };
            out.push_str(&format!(
                "                '{repeat}--{}[{help}]{value}' \\\n",
                f.name
            ));
        }
        out.push_str("                '--help[show help]'\n            ;;\n");
    }
    out.push_str(
        "        completions) _values 'shell' bash zsh fish ;;\n    esac\n}\n_stskit \"$@\"\n",
    );
    out
}

fn fish_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn fish() -> String {
    let rows = table();
    let mut out = String::from(
        "# stskit completions for fish: stskit completions fish > ~/.config/fish/completions/stskit.fish\ncomplete -c stskit -f\n",
    );
    for (name, title, _) in &rows {
        out.push_str(&format!(
            "complete -c stskit -n __fish_use_subcommand -a {name} -d {}\n",
            fish_quote(title)
        ));
    }
    out.push_str(
        "complete -c stskit -n __fish_use_subcommand -a completions -d 'print shell completions'\n",
    );
    out.push_str(
        "complete -c stskit -n '__fish_seen_subcommand_from completions' -a 'bash zsh fish'\n",
    );
    for (name, _, flags) in &rows {
        for f in flags {
            let takes = if f.arity == Arity::Switch { "" } else { " -r" };
            out.push_str(&format!(
                "complete -c stskit -n '__fish_seen_subcommand_from {name}' -l {}{takes} -d {}\n",
                f.name,
                fish_quote(&one_line(f.help))
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_and_flag_is_in_every_script() {
        for shell in ["bash", "zsh", "fish"] {
            let s = script(shell).unwrap();
            for (name, _, flags) in table() {
                assert!(s.contains(name), "{shell}: {name}");
                for f in flags {
                    let spelled = match shell {
                        "fish" => format!("-l {}", f.name),
                        _ => format!("--{}", f.name),
                    };
                    assert!(s.contains(&spelled), "{shell}: {name} {spelled}");
                }
            }
        }
        assert!(script("tcsh").is_none());
    }
}
