//! Lists every folder with its attributes, SPECIAL-USE role, subscription and counts.
//!
//! `cargo run -p imap-tokio --example async_list_folders -- imaps://user@host/`

mod common;

use imap_examples::{outln, show};

use imap_tokio::ListOptions;
use imap_tokio::imap_core::ops::folders::default_status_items;
use imap_tokio::prelude::*;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    imap_examples::report(run(<imap_examples::args::Plain as clap::Parser>::parse()).await)
}

async fn run(cli: imap_examples::args::Plain) -> common::Result<()> {
    let (mut session, _) = common::login(&cli.conn).await?;
    let options = ListOptions::all()
        .with_subscribed()
        .with_status(default_status_items());
    for f in session.list_folders(&options).await? {
        outln!("{}", show::folder(&f));
    }
    Ok(session.logout().await?)
}
