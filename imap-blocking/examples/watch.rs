//! Watches a folder with IDLE and prints every change (IDLE is re-issued automatically).
//!
//! `cargo run -p imap-blocking --example watch -- imaps://user@host/ [folder]`

mod common;

use imap_blocking::Event;
use imap_blocking::imap_core::mailbox::Update;
use imap_blocking::prelude::*;
use std::time::Duration;

fn main() -> imap_blocking::Result<()> {
    let (mut session, args) = common::login();
    let folder = args.first().map(String::as_str).unwrap_or("INBOX");
    let summary = session.select(folder)?;
    println!(
        "watching {folder} ({} messages); Ctrl-C to stop",
        summary.exists
    );
    let mut idle = session.idle()?;
    loop {
        match idle.wait_timeout(Duration::from_secs(60))? {
            Some(Event::Mailbox(Update::Exists { previous, exists })) => {
                println!("{} new message(s), now {exists}", exists - previous)
            }
            Some(Event::Mailbox(Update::Expunged(m))) => {
                println!(
                    "message {} (UID {:?}) expunged",
                    m.seq,
                    m.uid.map(|u| u.get())
                )
            }
            Some(Event::Mailbox(update)) => println!("{update:?}"),
            Some(other) => println!("{other:?}"),
            None => println!("(quiet for a minute)"),
        }
    }
}
