//! Downloads a folder to `.eml` files (one per message, named by UID), streaming each message
//! to its file without holding it in memory, with a progress bar.
//!
//! `cargo run -p imap-blocking --example download -- imaps://user@host/ [folder] [dir]`

mod common;

use imap_blocking::prelude::*;
use imap_blocking::{FetchQuery, Query};
use indicatif::{ProgressBar, ProgressStyle};
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

fn main() -> imap_blocking::Result<()> {
    let (mut session, args) = common::login();
    let folder = args.first().cloned().unwrap_or_else(|| "INBOX".into());
    let dir = PathBuf::from(args.get(1).cloned().unwrap_or_else(|| "mail".into()));
    std::fs::create_dir_all(&dir)?;
    session.examine(&folder)?;
    let uids = session.search(&Query::all())?;
    // Sizes first, for a byte-accurate progress bar.
    let sizes = match uids.to_set() {
        Some(set) => session.fetch(&set, &FetchQuery::new().size())?,
        None => Default::default(),
    };
    let total: u64 = sizes.values().filter_map(|m| m.size).sum();
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    for uid in &uids {
        let path = dir.join(format!("{uid}.eml"));
        let mut file = BufWriter::new(File::create(&path)?);
        let n = session.download(uid, &mut file)?;
        bar.set_message(format!("UID {uid}"));
        bar.inc(n);
    }
    bar.finish_with_message(format!("saved to {}", dir.display()));
    session.logout()
}
