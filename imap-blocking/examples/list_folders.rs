//! Lists every folder with its attributes, SPECIAL-USE role, subscription and counts.
//!
//! `cargo run -p imap-blocking --example list_folders -- imaps://user@host/`

mod common;

use imap_examples::{outln, show};

use imap_blocking::ListOptions;
use imap_blocking::imap_core::ops::folders::default_status_items;
use imap_blocking::prelude::*;

fn main() -> std::process::ExitCode {
    imap_examples::report(run(<imap_examples::args::Plain as clap::Parser>::parse()))
}

fn run(cli: imap_examples::args::Plain) -> common::Result<()> {
    let (mut session, _) = common::login(&cli.conn)?;
    let folders = session.list_folders(
        &ListOptions::all()
            .with_subscribed()
            .with_status(default_status_items()),
    )?;
    for f in folders {
        outln!("{}", show::folder(&f));
    }
    Ok(session.logout()?)
}
