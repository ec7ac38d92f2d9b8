//! Searches a folder with IMAP criteria text (default: `SINCE 13-Jul-2013 TEXT Apress`) and
//! prints the matches.
//!
//! `cargo run -p imap-blocking --example search -- imaps://user@host/ [folder] [criteria]`

mod common;

use imap_examples::outln;

use imap_blocking::FetchQuery;
use imap_blocking::imap_core::terminal::escaped;
use imap_blocking::prelude::*;

fn main() -> std::process::ExitCode {
    imap_examples::report(run(<imap_examples::args::Plain as clap::Parser>::parse()))
}

fn run(cli: imap_examples::args::Plain) -> common::Result<()> {
    let (mut session, target) = common::login(&cli.conn)?;
    let args = cli.args;
    let folder = &target.folder(args.first().map(String::as_str));
    let criteria = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("SINCE 13-Jul-2013 TEXT Apress");
    session.examine(folder)?;
    let uids = session.search_text(criteria)?;
    outln!("{} messages match {criteria:?}", uids.len());
    if let Some(set) = uids.to_set() {
        for (uid, m) in session.fetch(&set, &FetchQuery::new().envelope())? {
            outln!("{uid:>8}  {}", escaped(&m.subject().unwrap_or_default()));
        }
    }
    Ok(session.logout()?)
}
