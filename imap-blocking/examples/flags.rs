//! Sets and clears flags and keywords on the newest message of a folder.
//!
//! `cargo run -p imap-blocking --example flags -- imaps://user@host/ [folder]`

mod common;

use imap_examples::outln;

use imap_blocking::imap_core::terminal::escaped;
use imap_blocking::prelude::*;
use imap_blocking::types::Flag;
use imap_blocking::{Query, format_flags};

fn main() -> std::process::ExitCode {
    imap_examples::report(run(<imap_examples::args::Plain as clap::Parser>::parse()))
}

fn run(cli: imap_examples::args::Plain) -> common::Result<()> {
    let (mut session, target) = common::login(&cli.conn)?;
    let args = cli.args;
    let folder = &target.folder(args.first().map(String::as_str));
    session.select(folder)?;
    let Some(uid) = session.search(&Query::all())?.last() else {
        outln!("{folder} is empty");
        return Ok(session.logout()?);
    };
    let show = |label: &str, flags: &imap_blocking::FlagMap| {
        outln!(
            "{label:<22} {}",
            escaped(&format_flags(
                flags.get(&uid).map(Vec::as_slice).unwrap_or(&[])
            ))
        );
    };
    show("before", &session.flags(uid)?);
    show("+\\Flagged", &session.add_flags(uid, &[Flag::Flagged])?);
    show(
        "+$Example keyword",
        &session.add_keywords(uid, &["$Example"])?,
    );
    show(
        "-\\Flagged -$Example",
        &session.remove_flags(
            uid,
            &[
                Flag::Flagged,
                imap_blocking::parse_flag("$Example").unwrap(),
            ],
        )?,
    );
    Ok(session.logout()?)
}
