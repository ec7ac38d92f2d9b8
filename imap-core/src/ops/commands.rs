//! The high-level client, written once: [`Commands`].

use super::op::{self, Operation};
use crate::sasl::{Credentials, Mechanism};
use crate::secret::Secret;
use crate::types::{Capability, CommandBody};
use std::time::Instant;

/// The high-level client: every method is a default that runs one [`Operation`]; a driver
/// implements only [`Commands::run`].
///
/// `Run` is what running an operation returns: `Result<O::Output, Error>` for a blocking
/// driver, a future of it for an async one. So `session.select("INBOX")?` and
/// `session.select("INBOX").await?` are the same method.
///
/// Message commands use UIDs unless their name ends in `_seq` or they take a
/// [`crate::types::SeqSet`].
pub trait Commands {
    /// What running an operation returns (a result, or a future of one).
    type Run<'a, O: Operation + 'a>
    where
        Self: 'a;

    /// Runs `op` on the connection: starts it on the engine and drives it to its end.
    fn run<'a, O: Operation + 'a>(&'a mut self, op: O) -> Self::Run<'a, O>;

    // ----- connection and session -----

    /// The server's capabilities, asked for with CAPABILITY when not known.
    fn capabilities(&mut self) -> Self::Run<'_, op::GetCapabilities> {
        self.run(op::GetCapabilities::new())
    }

    /// STARTTLS: the driver upgrades the stream on the server's OK.
    fn starttls(&mut self) -> Self::Run<'_, op::StartTls> {
        self.run(op::StartTls::new())
    }

    /// Logs in with LOGIN, or AUTHENTICATE PLAIN when the server disabled LOGIN
    /// ([`op::Login`]).
    fn login(&mut self, user: &str, password: &str) -> Self::Run<'_, op::Login> {
        self.run(op::Login::new(user, Secret::new(password.to_owned())))
    }

    /// Logs in with a SASL mechanism ([`op::Authenticate`]).
    fn authenticate(
        &mut self,
        mechanism: Mechanism,
        credentials: Credentials,
    ) -> Self::Run<'_, op::Authenticate> {
        self.run(op::Authenticate::new(mechanism, credentials))
    }

    /// Logs in with the strongest advertised SASL mechanism that fits the credentials
    /// ([`op::AuthenticateAuto`]).
    fn authenticate_auto(
        &mut self,
        credentials: Credentials,
    ) -> Self::Run<'_, op::AuthenticateAuto> {
        self.run(op::AuthenticateAuto::new(credentials))
    }

    /// NOOP: lets the server report changes.
    fn noop(&mut self) -> Self::Run<'_, op::Simple<()>> {
        self.run(op::noop())
    }

    /// ENABLE (RFC 5161); yields what the server enabled.
    fn enable(&mut self, caps: &[Capability]) -> Self::Run<'_, op::Simple<Vec<Capability>>> {
        self.run(op::enable(caps))
    }

    /// COMPRESS=DEFLATE when the server offers it (`true`), else nothing (`false`).
    fn compress(&mut self) -> Self::Run<'_, op::Compress> {
        self.run(op::Compress::new())
    }

    /// ID (RFC 2971): sends these parameters, yields the server's.
    fn id(
        &mut self,
        params: &[(&str, Option<&str>)],
    ) -> Self::Run<'_, op::Simple<Vec<op::IdParam>>> {
        self.run(op::id(params))
    }

    /// NAMESPACE (RFC 2342).
    fn namespace(&mut self) -> Self::Run<'_, op::Simple<crate::types::Namespaces>> {
        self.run(op::namespace())
    }

    /// LOGOUT, then (briefly) waits for the server to close the connection.
    fn logout(&mut self) -> Self::Run<'_, op::Logout> {
        self.run(op::Logout::new())
    }

    /// Runs any command and yields its OK completion with all its data.
    fn run_command(
        &mut self,
        body: CommandBody,
    ) -> Self::Run<'_, op::Simple<crate::client::Completion>> {
        self.run(op::command(body))
    }

    /// Sends a raw command line (`XAPPLEPUSHSERVICE aps-version 2`), see [`op::raw_command`].
    fn raw_command(&mut self, line: &str) -> Self::Run<'_, op::Simple<crate::client::Completion>> {
        self.run(op::raw_command(line))
    }

    // ----- folders: open and leave -----

    /// SELECT: opens a folder read-write and yields its summary.
    fn select(&mut self, folder: &str) -> Self::Run<'_, op::Select> {
        self.run(op::Select::new(folder, op::SelectOptions::read_write()))
    }

    /// EXAMINE: opens a folder read-only and yields its summary.
    fn examine(&mut self, folder: &str) -> Self::Run<'_, op::Select> {
        self.run(op::Select::new(folder, op::SelectOptions::read_only()))
    }

    /// SELECT or EXAMINE as `options` say (CONDSTORE, access).
    fn select_with(
        &mut self,
        folder: &str,
        options: op::SelectOptions,
    ) -> Self::Run<'_, op::Select> {
        self.run(op::Select::new(folder, options))
    }

    /// Leaves the selected folder without expunging (UNSELECT, or EXAMINE + CLOSE).
    fn unselect(&mut self) -> Self::Run<'_, op::Unselect> {
        self.run(op::Unselect::new())
    }

    /// CLOSE: expunges the messages marked `\Deleted` and leaves the folder.
    fn close(&mut self) -> Self::Run<'_, op::Simple<()>> {
        self.run(op::close())
    }

    // ----- IDLE -----

    /// Starts IDLE; finishes once the server accepted it.
    fn idle_start(&mut self) -> Self::Run<'_, op::IdleStart> {
        self.run(op::IdleStart::new())
    }

    /// The next unsolicited event, at most until `until` (`None` when it passed first).
    fn idle_wait(&mut self, until: Option<Instant>) -> Self::Run<'_, op::IdleWait> {
        self.run(op::IdleWait::new(until))
    }

    /// Ends IDLE (`DONE`) and waits for the server to complete it.
    fn idle_done(&mut self) -> Self::Run<'_, op::IdleDone> {
        self.run(op::IdleDone::new())
    }
}
