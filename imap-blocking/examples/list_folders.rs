//! Lists every folder with its attributes, SPECIAL-USE role, subscription and counts.
//!
//! `cargo run -p imap-blocking --example list_folders -- imaps://user@host/`

mod common;

use imap_blocking::ListOptions;
use imap_blocking::imap_core::ops::folders::default_status_items;
use imap_blocking::imap_core::terminal::escaped;
use imap_blocking::prelude::*;

fn main() -> imap_blocking::Result<()> {
    let (mut session, _) = common::login();
    let folders = session.list_folders(
        &ListOptions::all()
            .with_subscribed()
            .with_status(default_status_items()),
    )?;
    for f in &folders {
        let attrs: Vec<String> = f
            .attributes
            .iter()
            .map(|a| format!("\\{}", a.name()))
            .collect();
        let counts = f
            .status
            .as_ref()
            .map(|s| {
                format!(
                    "{} messages, {} unseen",
                    s.messages.unwrap_or(0),
                    s.unseen.unwrap_or(0)
                )
            })
            .unwrap_or_default();
        println!(
            "{}{:<30} {:<40} {}{}",
            "  ".repeat(f.depth()),
            escaped(&f.leaf()),
            escaped(&attrs.join(" ")),
            if f.subscribed { "[subscribed] " } else { "" },
            counts
        );
    }
    session.logout()
}
