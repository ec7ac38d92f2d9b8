//! Deletes and expunges the first two messages of a folder (a scratch folder!), showing that
//! sequence numbers shift down while UIDs stay.
//!
//! `cargo run -p imap-blocking --example expunge -- imaps://user@host/ Scratch`

mod common;

use imap_blocking::prelude::*;
use imap_blocking::types::{SeqNum, UidSet};
use imap_blocking::{FetchQuery, Query};

fn table(session: &mut imap_blocking::Session) -> imap_blocking::Result<()> {
    let model = session.selected().expect("selected");
    for (i, _) in (1..=model.exists()).enumerate() {
        let seq = SeqNum::new(i as u32 + 1).expect("non-zero");
        println!(
            "  seq {seq:>3} -> UID {:?}",
            model.uid(seq).map(|u| u.get())
        );
    }
    Ok(())
}

fn main() -> imap_blocking::Result<()> {
    let (mut session, args) = common::login();
    let Some(folder) = args.first() else {
        eprintln!("give a scratch folder: its first two messages are deleted");
        std::process::exit(2);
    };
    session.select(folder)?;
    session.fetch(&UidSet::all(), &FetchQuery::new())?; // learn every UID
    println!("before:");
    table(&mut session)?;
    let uids: Vec<_> = session.search(&Query::all())?.iter().take(2).collect();
    let Some(set) = imap_blocking::uid_set(&uids) else {
        return session.logout();
    };
    let gone = session.delete_and_expunge(&set)?;
    for m in &gone.messages {
        println!("expunged: seq {} (UID {:?})", m.seq, m.uid.map(|u| u.get()));
    }
    println!("after: the remaining messages moved down, their UIDs did not change:");
    table(&mut session)?;
    session.logout()
}
