//! Browses folders -> messages -> MIME parts on tokio: the folders, a folder's latest
//! messages, one message's header and BODYSTRUCTURE outline, and one part decoded.
//!
//! `cargo run -p imap-tokio --example async_browse -- imaps://user@host/ [folder [uid [part]]]`
//! (`part`: `1.2`, `HEADER`, `TEXT`, `1.MIME`; a folder in the URL is used when none is given).

mod common;

use clap::Parser;
use imap_examples::args::Browse as Cli;
use imap_examples::{outln, show};
use imap_tokio::prelude::*;
use imap_tokio::types::Uid;
use imap_tokio::{FetchQuery, Query};

async fn run(cli: Cli) -> common::Result<()> {
    let (mut session, target) = common::login(&cli.conn).await?;
    let Some(folder) = cli.folder.clone().or(target.folder.clone()) else {
        for f in session.folders().await? {
            outln!("{}", show::folder(&f));
        }
        return Ok(session.logout().await?);
    };
    session.examine(&folder).await?;
    let Some(uid) = cli.uid.and_then(Uid::new) else {
        let uids = session.search(&Query::all()).await?;
        let last: Vec<Uid> = uids.iter().rev().take(cli.last).collect();
        if let Some(set) = imap_tokio::uid_set(&last) {
            let query = FetchQuery::new().envelope().flags();
            for (uid, m) in session.fetch(&set, &query).await?.iter().rev() {
                outln!("{}", show::message(*uid, m));
            }
        }
        return Ok(session.logout().await?);
    };
    match cli.part {
        None => {
            let query = FetchQuery::new().header().body_structure();
            let m = session.fetch_one(uid, &query).await?;
            outln!("{}", show::header_and_outline(&m));
        }
        Some(section) => {
            let part = session.fetch_part_decoded(uid, section).await?;
            outln!("{}", show::decoded(&part));
        }
    }
    session.logout().await?;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    imap_examples::report(run(Cli::parse()).await)
}
