//! Lists every folder with its attributes, SPECIAL-USE role, subscription and counts.
//!
//! `cargo run -p imap-tokio --example async_list_folders -- imaps://user@host/`

mod common;

use imap_tokio::ListOptions;
use imap_tokio::imap_core::ops::folders::default_status_items;
use imap_tokio::imap_core::terminal::escaped;
use imap_tokio::prelude::*;

#[tokio::main]
async fn main() -> imap_tokio::Result<()> {
    let (mut session, _) = common::login().await;
    let options = ListOptions::all()
        .with_subscribed()
        .with_status(default_status_items());
    for f in session.list_folders(&options).await? {
        let attrs: Vec<String> = f
            .attributes
            .iter()
            .map(|a| format!("\\{}", a.name()))
            .collect();
        let unseen = f.status.as_ref().and_then(|s| s.unseen).unwrap_or(0);
        println!(
            "{}{:<30} {:<40} {}{} unseen",
            "  ".repeat(f.depth()),
            escaped(&f.leaf()),
            escaped(&attrs.join(" ")),
            if f.subscribed { "[subscribed] " } else { "" },
            unseen
        );
    }
    session.logout().await
}
