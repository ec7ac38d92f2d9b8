//! Sets and clears flags and keywords on the newest message of a folder.
//!
//! `cargo run -p imap-blocking --example flags -- imaps://user@host/ [folder]`

mod common;

use imap_blocking::imap_core::terminal::escaped;
use imap_blocking::prelude::*;
use imap_blocking::types::Flag;
use imap_blocking::{Query, format_flags};

fn main() -> imap_blocking::Result<()> {
    let (mut session, args) = common::login();
    let folder = args.first().map(String::as_str).unwrap_or("INBOX");
    session.select(folder)?;
    let Some(uid) = session.search(&Query::all())?.last() else {
        println!("{folder} is empty");
        return session.logout();
    };
    let show = |label: &str, flags: &imap_blocking::FlagMap| {
        println!(
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
    session.logout()
}
