//! Creates, renames, subscribes to and deletes a folder.
//!
//! `cargo run -p imap-blocking --example manage_folders -- imaps://user@host/ [name]`

mod common;

use imap_blocking::prelude::*;

fn main() -> imap_blocking::Result<()> {
    let (mut session, args) = common::login();
    let name = args
        .first()
        .cloned()
        .unwrap_or_else(|| "imap-rs-example".into());
    let renamed = format!("{name}-renamed");
    session.create_folder(&name)?;
    println!("created {name}: exists = {}", session.folder_exists(&name)?);
    session.rename_folder(&name, &renamed)?;
    println!(
        "renamed to {renamed}: old exists = {}",
        session.folder_exists(&name)?
    );
    session.subscribe(&renamed)?;
    let status = session.folder_status(&renamed)?;
    println!("status: {status:?}");
    session.unsubscribe(&renamed)?;
    session.delete_folder(&renamed)?;
    println!("deleted: exists = {}", session.folder_exists(&renamed)?);
    session.logout()
}
