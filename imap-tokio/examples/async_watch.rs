//! Watches a folder with IDLE inside `tokio::select!`, beside Ctrl-C; Ctrl-C ends IDLE with
//! DONE and logs out.
//!
//! `cargo run -p imap-tokio --example async_watch -- imaps://user@host/[folder] [folder]`

mod common;

use clap::Parser;
use imap_examples::args::Watch as Cli;
use imap_examples::outln;
use imap_tokio::prelude::*;

async fn run(cli: Cli) -> common::Result<()> {
    let (mut session, target) = common::login(&cli.conn).await?;
    let folder = target.folder(cli.folder.as_deref());
    let summary = session.select(&folder).await?;
    outln!(
        "watching {folder} ({} messages); Ctrl-C to stop",
        summary.exists
    );
    common::idle(&mut session, None).await?;
    session.logout().await?;
    outln!("logged out");
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    imap_examples::report(run(Cli::parse()).await)
}
