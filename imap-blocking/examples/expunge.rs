//! Deletes and expunges the first two messages of a folder (a scratch folder!), showing that
//! sequence numbers shift down while UIDs stay.
//!
//! `cargo run -p imap-blocking --example expunge -- imaps://user@host/ Scratch`

mod common;

use imap_examples::outln;

use imap_blocking::prelude::*;
use imap_blocking::types::{SeqNum, UidSet};
use imap_blocking::{FetchQuery, Query};

fn table(session: &mut imap_blocking::Session) -> imap_blocking::Result<()> {
    let model = session.selected().expect("selected");
    for (i, _) in (1..=model.exists()).enumerate() {
        let seq = SeqNum::new(i as u32 + 1).expect("non-zero");
        outln!(
            "  seq {seq:>3} -> UID {:?}",
            model.uid(seq).map(|u| u.get())
        );
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    imap_examples::report(run(<imap_examples::args::Plain as clap::Parser>::parse()))
}

fn run(cli: imap_examples::args::Plain) -> common::Result<()> {
    let (mut session, target) = common::login(&cli.conn)?;
    let args = cli.args;
    let Some(folder) = args.first().cloned().or(target.folder) else {
        eprintln!("give a scratch folder: its first two messages are deleted");
        std::process::exit(2);
    };
    session.select(&folder)?;
    session.fetch(&UidSet::all(), &FetchQuery::new())?; // learn every UID
    outln!("before:");
    table(&mut session)?;
    let uids: Vec<_> = session.search(&Query::all())?.iter().take(2).collect();
    let Some(set) = imap_blocking::uid_set(&uids) else {
        return Ok(session.logout()?);
    };
    let gone = session.delete_and_expunge(&set)?;
    for m in &gone.messages {
        outln!("expunged: seq {} (UID {:?})", m.seq, m.uid.map(|u| u.get()));
    }
    outln!("after: the remaining messages moved down, their UIDs did not change:");
    table(&mut session)?;
    Ok(session.logout()?)
}
