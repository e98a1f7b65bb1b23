//! One file per command: its flag table, its help, and how its flags become a call.

mod assume_role;
mod get_caller_identity;

use stskit::sts::AssumeRole;

use super::Failure;
use super::args::{Flag, Values};
use super::output::Format;

/// The commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CommandName {
    AssumeRole,
    GetCallerIdentity,
}

impl CommandName {
    /// The command as typed.
    pub(crate) fn name(self) -> &'static str {
        match self {
            CommandName::AssumeRole => "assume-role",
            CommandName::GetCallerIdentity => "get-caller-identity",
        }
    }

    /// The command named `name`.
    pub(crate) fn from_name(name: &str) -> Option<CommandName> {
        [CommandName::AssumeRole, CommandName::GetCallerIdentity]
            .into_iter()
            .find(|c| c.name() == name)
    }
}

/// A command ready to run.
#[derive(Debug)]
pub(crate) enum Command {
    AssumeRole(Box<AssumeRole>, Format),
    GetCallerIdentity,
}

/// (title, usage line, flag table, text after the options) of a command.
pub(crate) fn describe(
    command: CommandName,
) -> (&'static str, &'static str, &'static [Flag], &'static str) {
    match command {
        CommandName::AssumeRole => (
            assume_role::TITLE,
            assume_role::USAGE,
            assume_role::FLAGS,
            assume_role::TAIL,
        ),
        CommandName::GetCallerIdentity => (
            get_caller_identity::TITLE,
            get_caller_identity::USAGE,
            get_caller_identity::FLAGS,
            get_caller_identity::TAIL,
        ),
    }
}

/// Turns the values read for `command` into a call.
pub(crate) fn build(command: CommandName, values: Values) -> Result<Command, Failure> {
    match command {
        CommandName::AssumeRole => assume_role::build(values),
        CommandName::GetCallerIdentity => Ok(Command::GetCallerIdentity),
    }
}
