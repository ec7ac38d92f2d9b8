//! Browses folders -> messages -> MIME parts: the folders, a folder's latest messages, one
//! message's header and BODYSTRUCTURE outline, and one part decoded (transfer encoding and
//! charset; subjects and names decoded from RFC 2047).
//!
//! `cargo run -p imap-blocking --example browse -- imaps://user@host/ [folder [uid [part]]]`
//! (`part` a section as the book names it: `1.2`, `HEADER`, `TEXT`, `1.MIME`; a folder in the
//! URL is used when none is given).

mod common;

use clap::Parser;
use imap_blocking::prelude::*;
use imap_blocking::types::Uid;
use imap_blocking::{FetchQuery, Query};
use imap_examples::args::Browse as Cli;
use imap_examples::{outln, show};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    imap_examples::report((|| -> common::Result<()> {
        let (mut session, target) = common::login(&cli.conn)?;
        let Some(folder) = cli.folder.clone().or(target.folder.clone()) else {
            for f in session.folders()? {
                outln!("{}", show::folder(&f));
            }
            return Ok(session.logout()?);
        };
        session.examine(&folder)?;
        let Some(uid) = cli.uid.and_then(Uid::new) else {
            let uids = session.search(&Query::all())?;
            let last: Vec<Uid> = uids.iter().rev().take(cli.last).collect();
            if let Some(set) = imap_blocking::uid_set(&last) {
                let messages = session.fetch(&set, &FetchQuery::new().envelope().flags())?;
                for (uid, m) in messages.iter().rev() {
                    outln!("{}", show::message(*uid, m));
                }
            }
            return Ok(session.logout()?);
        };
        match &cli.part {
            None => {
                let query = FetchQuery::new().header().body_structure();
                let m = session.fetch_one(uid, &query)?;
                outln!("{}", show::header_and_outline(&m));
            }
            Some(section) => {
                let part = session.fetch_part_decoded(uid, section.clone())?;
                outln!("{}", show::decoded(&part));
            }
        }
        session.logout()?;
        Ok(())
    })())
}
