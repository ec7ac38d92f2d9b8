//! Selects a folder and prints what the server said about it.
//!
//! `cargo run -p imap-blocking --example select_summary -- imaps://user@host/ [folder]`

mod common;

use imap_blocking::imap_core::terminal::escaped;
use imap_blocking::prelude::*;

fn main() -> imap_blocking::Result<()> {
    let (mut session, args) = common::login();
    let folder = args.first().map(String::as_str).unwrap_or("INBOX");
    let s = session.select(folder)?;
    println!("{folder}:");
    println!("  exists        {}", s.exists);
    println!("  recent        {:?}", s.recent);
    println!("  first unseen  {:?}", s.unseen);
    println!("  uidvalidity   {:?}", s.uid_validity);
    println!("  uidnext       {:?}", s.uid_next);
    println!("  highestmodseq {:?}", s.highest_modseq);
    println!("  read-only     {}", s.read_only);
    println!(
        "  flags         {}",
        escaped(&imap_blocking::format_flags(&s.flags))
    );
    println!("  permanent     {:?}", s.permanent_flags);
    session.logout()
}
