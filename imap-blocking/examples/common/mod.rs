//! Shared by the examples: options, login, the shell's loop and IDLE until Ctrl-C. What does
//! not depend on the driver (options, the INI file, the shell's commands, printing) is in the
//! `imap-examples` crate, shared with imap-tokio's examples.
//!
//! Every example takes a URL (`imaps://user@host/[folder]`; `imap://` for STARTTLS) or
//! IMAPClient's `-H HOST -u USER` or `-f FILE.ini`, and `--help`. The password comes from
//! `IMAP_PASSWORD` (an OAuth 2.0 token from `IMAP_TOKEN`), the INI file, or a prompt that does
//! not echo.

#![allow(dead_code)]

use imap_blocking::prelude::*;
use imap_blocking::{Event, Session};
use imap_examples::options::Target;
use imap_examples::output::{clear_interrupt, interrupted};
use imap_examples::shell::{Action, Shell, print_outcome};
use imap_examples::{ConnectArgs, outln, show};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// An example's error: printed as a sentence by `imap_examples::report`.
pub type Result<T, E = imap_examples::options::OptionsError> = std::result::Result<T, E>;

/// Connects and logs in as the options say.
pub fn login(conn: &ConnectArgs) -> Result<(Session, Target)> {
    imap_examples::trace::init(conn.verbose);
    let target = conn.resolve()?;
    let session = target.connector.clone().login()?;
    Ok((session, target))
}

/// The shell's loop: reads commands, runs them, prints their results and the server's
/// unsolicited updates, and logs out at the end.
pub fn shell(mut session: Session) -> Result<()> {
    let mut shell = Shell::new()?;
    outln!("logged in; `help` lists the commands, Ctrl-D or `quit` leaves");
    while let Some(action) = shell.next_action() {
        let result = match action {
            Action::Run(op) => session.run(op).map(Some),
            Action::Idle(limit) => idle(&mut session, limit).map(|()| None),
            Action::Print(text) => Ok(Some(text)),
            Action::Quit => break,
            _ => Ok(None),
        };
        let events = session.drain_events();
        print_outcome(result, &events, |e| e.is_fatal() || session.is_closed())?;
    }
    session.logout()?;
    Ok(())
}

/// IDLE, printing each update, until Ctrl-C (or `limit`); then DONE.
pub fn idle(session: &mut Session, limit: Option<Duration>) -> imap_blocking::Result<()> {
    let stop = interrupted();
    clear_interrupt();
    let until = limit.map(|l| Instant::now() + l);
    let mut idle = session.idle()?;
    outln!("idling; Ctrl-C ends IDLE");
    while !stop.load(Ordering::SeqCst) && until.is_none_or(|u| Instant::now() < u) {
        // Short waits, so that Ctrl-C is noticed within half a second.
        if let Some(event) = idle.wait_timeout(Duration::from_millis(500))? {
            outln!("{}", show::event(&event));
            if matches!(event, Event::Bye(_)) {
                break;
            }
        }
    }
    idle.done()?;
    clear_interrupt();
    outln!("IDLE ended");
    Ok(())
}
