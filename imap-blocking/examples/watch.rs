//! Watches a folder with IDLE and prints every change (IDLE is re-issued automatically);
//! Ctrl-C ends IDLE with DONE and logs out.
//!
//! `cargo run -p imap-blocking --example watch -- imaps://user@host/[folder] [folder]`

mod common;

use clap::Parser;
use imap_blocking::prelude::*;
use imap_examples::args::Watch as Cli;
use imap_examples::outln;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    imap_examples::report((|| -> common::Result<()> {
        let (mut session, target) = common::login(&cli.conn)?;
        let folder = target.folder(cli.folder.as_deref());
        let summary = session.select(&folder)?;
        outln!(
            "watching {folder} ({} messages); Ctrl-C to stop",
            summary.exists
        );
        common::idle(&mut session, None)?;
        session.logout()?;
        outln!("logged out");
        Ok(())
    })())
}
