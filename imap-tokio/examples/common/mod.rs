//! Shared by the examples: options, login, the shell's loop and IDLE until Ctrl-C. What does
//! not depend on the driver (options, the INI file, the shell's commands, printing) is in the
//! `imap-examples` crate, shared with imap-blocking's examples.
//!
//! Every example takes a URL (`imaps://user@host/[folder]`; `imap://` for STARTTLS) or
//! IMAPClient's `-H HOST -u USER` or `-f FILE.ini`, and `--help`. The password comes from
//! `IMAP_PASSWORD` (an OAuth 2.0 token from `IMAP_TOKEN`), the INI file, or a prompt that does
//! not echo.

#![allow(dead_code)]

use imap_examples::options::Target;
use imap_examples::shell::{Action, Shell, print_outcome};
use imap_examples::{ConnectArgs, outln, show};
use imap_tokio::prelude::*;
use imap_tokio::{Event, Session};
use std::time::Duration;

/// An example's error: printed as a sentence by `imap_examples::report`.
pub type Result<T, E = imap_examples::options::OptionsError> = std::result::Result<T, E>;

/// Connects and logs in as the options say.
pub async fn login(conn: &ConnectArgs) -> Result<(Session, Target)> {
    imap_examples::trace::init(conn.verbose);
    let target = conn.resolve()?;
    let session = target.connector.clone().login().await?;
    Ok((session, target))
}

/// The shell's loop: reads commands, runs them, prints their results and the server's
/// unsolicited updates, and logs out at the end. (Reading the terminal blocks this task: the
/// session has nothing else to do meanwhile.)
pub async fn shell(mut session: Session) -> Result<()> {
    let mut shell = Shell::new()?;
    outln!("logged in; `help` lists the commands, Ctrl-D or `quit` leaves");
    while let Some(action) = shell.next_action() {
        let result = match action {
            Action::Run(op) => session.run(op).await.map(Some),
            Action::Idle(limit) => idle(&mut session, limit).await.map(|()| None),
            Action::Print(text) => Ok(Some(text)),
            Action::Quit => break,
            _ => Ok(None),
        };
        let events = session.drain_events();
        print_outcome(result, &events, |e| e.is_fatal() || session.is_closed())?;
    }
    session.logout().await?;
    Ok(())
}

/// IDLE, printing each update, until Ctrl-C (or `limit`); then DONE.
pub async fn idle(session: &mut Session, limit: Option<Duration>) -> imap_tokio::Result<()> {
    let mut idle = session.idle().await?;
    outln!("idling; Ctrl-C ends IDLE");
    let deadline = tokio::time::sleep(limit.unwrap_or(Duration::MAX / 4));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            event = idle.wait() => {
                let event = event?;
                outln!("{}", show::event(&event));
                if matches!(event, Event::Bye(_)) {
                    break;
                }
            }
            _ = tokio::signal::ctrl_c() => break,
            _ = &mut deadline => break,
        }
    }
    idle.done().await?;
    outln!("IDLE ended");
    Ok(())
}
