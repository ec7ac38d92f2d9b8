//! A whole session, async: capabilities, folders, select, search, fetch (headers and
//! structure), flags, append with UIDPLUS, streaming a message to a file, logout.
//!
//! `cargo run -p imap-tokio --example async_session -- imaps://user@host/ [folder]`

mod common;

use imap_tokio::imap_core::terminal::escaped;
use imap_tokio::prelude::*;
use imap_tokio::types::Flag;
use imap_tokio::{FetchQuery, Query, outline};

#[tokio::main]
async fn main() -> imap_tokio::Result<()> {
    let (mut session, args) = common::login().await;
    let folder = args.first().map(String::as_str).unwrap_or("INBOX");
    println!("capabilities: {:?}", session.capabilities().await?.list());
    println!("namespaces: {:?}", session.namespace().await.ok());
    for f in session.folders().await? {
        println!(
            "folder {} {:?}",
            escaped(&f.name.to_string()),
            f.special_use()
        );
    }
    let summary = session.select(folder).await?;
    println!(
        "{folder}: {} messages, UIDVALIDITY {:?}",
        summary.exists, summary.uid_validity
    );

    let recent = session.search(&Query::all()).await?;
    let last: Vec<_> = recent.iter().rev().take(5).collect();
    if let Some(set) = imap_tokio::uid_set(&last) {
        let query = FetchQuery::summary().body_structure();
        for (uid, m) in session.fetch(&set, &query).await? {
            println!(
                "{uid}: {} ({} bytes)",
                escaped(&m.subject().unwrap_or_default()),
                m.size.unwrap_or(0)
            );
            if let Some(bs) = &m.body_structure {
                for p in outline(bs) {
                    println!("    {:?} {} {}", p.path, escaped(&p.mime_type), p.size);
                }
            }
        }
    }
    if let Some(&uid) = last.first() {
        let flags = session.add_flags(uid, &[Flag::Flagged]).await?;
        println!("flags now {:?}", flags.get(&uid));
        session.remove_flags(uid, &[Flag::Flagged]).await?;
        let mut file = tokio::fs::File::create(format!("{uid}.eml")).await?;
        let n = session.download(uid, &mut file).await?;
        println!("saved {uid}.eml ({n} bytes)");
    }
    let appended = session
        .append(
            folder,
            b"From: me@example.org\r\nSubject: imap-tokio example\r\n\r\nHello.\r\n",
            &[Flag::Seen, Flag::Draft],
            None,
        )
        .await?;
    println!("appended as {:?}", appended.uid);
    if let Some(uid) = appended.uid {
        session
            .delete_and_expunge(&imap_tokio::types::UidSet::single(uid))
            .await?;
    }
    session.logout().await
}
