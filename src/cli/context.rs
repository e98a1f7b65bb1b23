//! What every command is and gets: its [`Spec`] (name, help, flag table, builder), the
//! [`Command`] it builds, and the [`Context`] it runs in (the settings, the runtime,
//! the source credentials and the STS client, each made only when asked for).

use std::cell::OnceCell;

use super::failure::Failure;
use super::flags::{Flag, Values};
use super::output::{self, Format};
use crate::Config;
use crate::client::StsClient;
use crate::credentials::Credentials;
use crate::error::{CallError, InputError};
use crate::provider::{Chain, Provided, Step};
use crate::sts::{CredentialsOutput, Operation};

/// A command as the registry lists it.
pub(crate) struct Spec {
    /// As typed.
    pub(crate) name: &'static str,
    /// One line for the help.
    pub(crate) title: &'static str,
    /// The usage line(s).
    pub(crate) usage: &'static str,
    /// Its own flags (the common ones follow).
    pub(crate) flags: &'static [Flag],
    /// Text after the options in its help.
    pub(crate) tail: &'static str,
    /// Turns the values read for its flags into the command.
    pub(crate) build: fn(Values) -> Result<Box<dyn Command>, Failure>,
}

/// A command ready to run.
pub(crate) trait Command {
    /// Checks the parameters before anything is read (files, the environment), as
    /// they would be sent with temporary or long-term source credentials (the send
    /// checks again with the real ones).
    fn check(&self) -> Result<(), InputError> {
        Ok(())
    }

    /// The MFA code for roles of the profile chain (`credentials --token-code`).
    fn token_code(&self) -> Option<&str> {
        None
    }

    /// Whether the command serves until stopped (`serve`, `exec --server`): a
    /// recording's clock then runs on from its start instead of standing still.
    fn long_running(&self) -> bool {
        false
    }

    /// Runs the command: what goes to stdout, or an exit status of its own.
    fn run(self: Box<Self>, ctx: &Context) -> Result<Outcome, Failure>;
}

/// What a command hands back when it did not fail.
pub(crate) enum Outcome {
    /// Text for stdout (exit 0 once it is written).
    Print(String),
    /// Its own exit status, everything already said (`exec`: the command's).
    Exit(u8),
}

impl From<String> for Outcome {
    fn from(text: String) -> Self {
        Outcome::Print(text)
    }
}

/// An STS operation as a command: sent with the chain's source credentials when it
/// is signed, printed by `print`.
pub(crate) struct Call<O: Operation> {
    pub(crate) op: O,
    pub(crate) print: fn(&O::Output) -> Result<String, Failure>,
}

/// An operation that returns credentials, printed in `format`.
pub(crate) struct CredentialsCall<O: Operation> {
    pub(crate) op: O,
    pub(crate) format: Format,
}

/// Checks `op` as sent with temporary or with long-term credentials: an error only
/// when both fail.
pub(crate) fn check_either<O: Operation>(op: &O) -> Result<(), InputError> {
    match (op.validate(false), op.validate(true)) {
        (Err(e), Err(_)) => Err(e),
        _ => Ok(()),
    }
}

impl<O: Operation> Command for Call<O> {
    fn check(&self) -> Result<(), InputError> {
        check_either(&self.op)
    }

    fn run(self: Box<Self>, ctx: &Context) -> Result<Outcome, Failure> {
        (self.print)(&ctx.send(&self.op)?).map(Outcome::from)
    }
}

impl<O: Operation> Command for CredentialsCall<O>
where
    O::Output: CredentialsOutput,
{
    fn check(&self) -> Result<(), InputError> {
        check_either(&self.op)
    }

    fn run(self: Box<Self>, ctx: &Context) -> Result<Outcome, Failure> {
        output::credentials(ctx.send(&self.op)?.credentials(), self.format).map(Outcome::from)
    }
}

/// The settings a command runs with, and what it makes from them on demand.
pub(crate) struct Context {
    config: Config,
    debug: bool,
    runtime: OnceCell<tokio::runtime::Runtime>,
}

impl Context {
    /// A context over `config`; `debug` prints what happens on stderr (`--debug`).
    pub(crate) fn new(config: Config, debug: bool) -> Self {
        Context {
            config,
            debug,
            runtime: OnceCell::new(),
        }
    }

    /// With `--debug`, one line on stderr (never a secret: only what the caller built).
    pub(crate) fn debug(&self, line: impl FnOnce() -> String) {
        if self.debug {
            super::failure::say(&format!("stskit: debug: {}", line()));
        }
    }

    /// What the chain decided, for `--debug`.
    pub(crate) fn debug_step(&self, step: &Step) {
        self.debug(|| match step {
            Step::Answer(p) => format!(
                "credentials: from the {} ({}), no call",
                p.source,
                p.credentials.short_access_key_id()
            ),
            Step::Call(call) => format!(
                "credentials: a call to {}{}",
                call.source(),
                call.cache_key()
                    .map(|k| format!(" (its AWS CLI cache file: {})", k.file_name()))
                    .unwrap_or_default()
            ),
        });
    }

    /// The settings.
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Runs `future` to its end on the command's runtime (started on first use).
    pub(crate) fn block_on<F: std::future::Future>(&self, future: F) -> Result<F::Output, Failure> {
        // One runtime entry for every command: the future is boxed to one type here,
        // so the binary holds one copy of the runtime's polling loop, not one per call.
        let mut out = None;
        self.run_boxed(Box::pin(async {
            out = Some(future.await);
        }))?;
        out.ok_or_else(|| Failure::no_answer("the async runtime stopped before the call ended"))
    }

    fn run_boxed(
        &self,
        future: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + '_>>,
    ) -> Result<(), Failure> {
        if self.runtime.get().is_none() {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Failure::no_answer(format!("cannot start the async runtime: {e}")))?;
            let _ = self.runtime.set(runtime);
        }
        let runtime = self
            .runtime
            .get()
            .ok_or_else(|| Failure::no_answer("no runtime"))?;
        runtime.block_on(future);
        Ok(())
    }

    /// The credential chain.
    pub(crate) fn chain(&self) -> Chain {
        self.config.chain()
    }

    /// The source credentials the chain resolves (no runtime is started when they
    /// need no call).
    pub(crate) fn source(&self) -> Result<Provided, Failure> {
        let chain = self.chain();
        let step = chain
            .decide()
            .map_err(|e| Failure::from(crate::Error::from(e)))?;
        self.debug_step(&step);
        match step {
            Step::Answer(p) => Ok(p),
            Step::Call(call) => self
                .block_on(chain.run(&call))?
                .map(|s| s.provided)
                .map_err(|e| Failure::from(crate::Error::from(e))),
        }
    }

    /// The STS client for the settings' endpoint.
    pub(crate) fn client(&self) -> Result<StsClient, Failure> {
        self.config.sts_client().map_err(Failure::from)
    }

    /// Sends `op`: signed with the chain's source credentials when it is signed
    /// (resolved first), unsigned otherwise (no source credentials are read).
    pub(crate) fn send<O: Operation>(&self, op: &O) -> Result<O::Output, Failure> {
        let source: Option<Credentials> = if O::SIGNED {
            Some(self.source()?.credentials)
        } else {
            None
        };
        let client = self.client()?;
        self.block_on(client.send(source.as_ref(), op))?
            .map_err(|e: CallError| Failure::command_call(&e))
    }
}
