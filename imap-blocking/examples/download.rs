//! Downloads a folder to `.eml` files (one per message, named by UID), streaming each message
//! to its file without holding it in memory: a progress bar on a terminal, a summary either
//! way.
//!
//! `cargo run -p imap-blocking --example download -- imaps://user@host/[folder] [folder] [--dir mail]`

mod common;

use clap::Parser;
use imap_blocking::prelude::*;
use imap_blocking::{FetchQuery, Query};
use imap_examples::args::Download as Cli;
use imap_examples::outln;
use imap_examples::progress::Progress;
use std::fs::File;
use std::io::{BufWriter, Write};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    imap_examples::report((|| -> common::Result<()> {
        let (mut session, target) = common::login(&cli.conn)?;
        let folder = target.folder(cli.folder.as_deref());
        std::fs::create_dir_all(&cli.dir)?;
        session.examine(&folder)?;
        let uids = session.search(&Query::all())?;
        // Sizes first, for a byte-accurate progress bar.
        let sizes = match uids.to_set() {
            Some(set) => session.fetch(&set, &FetchQuery::new().size())?,
            None => Default::default(),
        };
        let mut progress = Progress::new(sizes.values().filter_map(|m| m.size).sum());
        for uid in &uids {
            let mut file = BufWriter::new(File::create(cli.dir.join(format!("{uid}.eml")))?);
            let n = session.download(uid, &mut file)?;
            file.flush()?;
            progress.message_done(&format!("UID {uid}"), n);
        }
        outln!("{}", progress.finish(&cli.dir.display().to_string()));
        session.logout()?;
        Ok(())
    })())
}
