//! Creates, renames, subscribes to and deletes a folder.
//!
//! `cargo run -p imap-blocking --example manage_folders -- imaps://user@host/ [name]`

mod common;

use imap_examples::outln;

use imap_blocking::prelude::*;

fn main() -> std::process::ExitCode {
    imap_examples::report(run(<imap_examples::args::Plain as clap::Parser>::parse()))
}

fn run(cli: imap_examples::args::Plain) -> common::Result<()> {
    let (mut session, _) = common::login(&cli.conn)?;
    let args = cli.args;
    let name = args
        .first()
        .cloned()
        .unwrap_or_else(|| "imap-rs-example".into());
    let renamed = format!("{name}-renamed");
    session.create_folder(&name)?;
    outln!("created {name}: exists = {}", session.folder_exists(&name)?);
    session.rename_folder(&name, &renamed)?;
    outln!(
        "renamed to {renamed}: old exists = {}",
        session.folder_exists(&name)?
    );
    session.subscribe(&renamed)?;
    let status = session.folder_status(&renamed)?;
    outln!("status: {status:?}");
    session.unsubscribe(&renamed)?;
    session.delete_folder(&renamed)?;
    outln!("deleted: exists = {}", session.folder_exists(&renamed)?);
    Ok(session.logout()?)
}
