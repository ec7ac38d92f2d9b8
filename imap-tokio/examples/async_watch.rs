//! Watches a folder with IDLE inside `tokio::select!`, beside Ctrl-C and a periodic tick;
//! ends IDLE cleanly on Ctrl-C.
//!
//! `cargo run -p imap-tokio --example async_watch -- imaps://user@host/ [folder]`

mod common;

use imap_tokio::Event;
use imap_tokio::imap_core::mailbox::Update;
use imap_tokio::prelude::*;
use std::time::Duration;

#[tokio::main]
async fn main() -> imap_tokio::Result<()> {
    let (mut session, args) = common::login().await;
    let folder = args.first().map(String::as_str).unwrap_or("INBOX");
    let summary = session.select(folder).await?;
    println!(
        "watching {folder} ({} messages); Ctrl-C to stop",
        summary.exists
    );
    let mut idle = session.idle().await?;
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tokio::select! {
            event = idle.wait() => match event? {
                Event::Mailbox(Update::Exists { previous, exists }) => {
                    println!("{} new message(s), now {exists}", exists - previous)
                }
                Event::Mailbox(Update::Expunged(m)) => {
                    println!("message {} (UID {:?}) expunged", m.seq, m.uid.map(|u| u.get()))
                }
                other => println!("{other:?}"),
            },
            _ = tick.tick() => println!("still watching, {} messages",
                idle.selected().map(|m| m.exists()).unwrap_or(0)),
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    idle.done().await?;
    println!("IDLE ended");
    session.logout().await
}
