//! Selects a folder and prints what the server said about it.
//!
//! `cargo run -p imap-blocking --example select_summary -- imaps://user@host/ [folder]`

mod common;

use imap_examples::outln;

use imap_blocking::imap_core::terminal::escaped;
use imap_blocking::prelude::*;

fn main() -> std::process::ExitCode {
    imap_examples::report(run(<imap_examples::args::Plain as clap::Parser>::parse()))
}

fn run(cli: imap_examples::args::Plain) -> common::Result<()> {
    let (mut session, target) = common::login(&cli.conn)?;
    let args = cli.args;
    let folder = &target.folder(args.first().map(String::as_str));
    let s = session.select(folder)?;
    outln!("{folder}:");
    outln!("  exists        {}", s.exists);
    outln!("  recent        {:?}", s.recent);
    outln!("  first unseen  {:?}", s.unseen.map(|n| n.get()));
    outln!("  uidvalidity   {:?}", s.uid_validity.map(|v| v.get()));
    outln!("  uidnext       {:?}", s.uid_next.map(|u| u.get()));
    outln!("  highestmodseq {:?}", s.highest_modseq);
    outln!("  read-only     {}", s.read_only);
    outln!(
        "  flags         {}",
        escaped(&imap_blocking::format_flags(&s.flags))
    );
    outln!("  permanent     {:?}", s.permanent_flags);
    Ok(session.logout()?)
}
