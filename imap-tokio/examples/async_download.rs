//! Downloads a folder to `.eml` files (one per message, named by UID), streaming each message
//! to its file: a progress bar on a terminal, a summary either way.
//!
//! `cargo run -p imap-tokio --example async_download -- imaps://user@host/[folder] [folder] [--dir mail]`

mod common;

use clap::Parser;
use imap_examples::args::Download as Cli;
use imap_examples::outln;
use imap_examples::progress::Progress;
use imap_tokio::prelude::*;
use imap_tokio::{FetchQuery, Query};
use tokio::io::AsyncWriteExt;

async fn run(cli: Cli) -> common::Result<()> {
    let (mut session, target) = common::login(&cli.conn).await?;
    let folder = target.folder(cli.folder.as_deref());
    tokio::fs::create_dir_all(&cli.dir).await?;
    session.examine(&folder).await?;
    let uids = session.search(&Query::all()).await?;
    // Sizes first, for a byte-accurate progress bar.
    let sizes = match uids.to_set() {
        Some(set) => session.fetch(&set, &FetchQuery::new().size()).await?,
        None => Default::default(),
    };
    let mut progress = Progress::new(sizes.values().filter_map(|m| m.size).sum());
    for uid in &uids {
        let file = tokio::fs::File::create(cli.dir.join(format!("{uid}.eml"))).await?;
        let mut file = tokio::io::BufWriter::new(file);
        let n = session.download(uid, &mut file).await?;
        file.flush().await?;
        progress.message_done(&format!("UID {uid}"), n);
    }
    outln!("{}", progress.finish(&cli.dir.display().to_string()));
    session.logout().await?;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    imap_examples::report(run(Cli::parse()).await)
}
