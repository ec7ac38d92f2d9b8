//! Searches a folder with IMAP criteria text (default: `SINCE 13-Jul-2013 TEXT Apress`) and
//! prints the matches.
//!
//! `cargo run -p imap-blocking --example search -- imaps://user@host/ [folder] [criteria]`

mod common;

use imap_blocking::FetchQuery;
use imap_blocking::imap_core::terminal::escaped;
use imap_blocking::prelude::*;

fn main() -> imap_blocking::Result<()> {
    let (mut session, args) = common::login();
    let folder = args.first().map(String::as_str).unwrap_or("INBOX");
    let criteria = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("SINCE 13-Jul-2013 TEXT Apress");
    session.examine(folder)?;
    let uids = session.search_text(criteria)?;
    println!("{} messages match {criteria:?}", uids.len());
    if let Some(set) = uids.to_set() {
        for (uid, m) in session.fetch(&set, &FetchQuery::new().envelope())? {
            println!("{uid:>8}  {}", escaped(&m.subject().unwrap_or_default()));
        }
    }
    session.logout()
}
