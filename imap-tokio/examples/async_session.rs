//! A whole session, async: capabilities, folders, select, search, fetch (headers and
//! structure), flags, streaming a message to a file, appending a test message and removing it
//! again (by the UID that UIDPLUS reports, else found by its Message-ID), logout.
//!
//! `cargo run -p imap-tokio --example async_session -- imaps://user@host/[folder] [folder]`

mod common;

use imap_examples::outln;

use imap_tokio::imap_core::terminal::escaped;
use imap_tokio::prelude::*;
use imap_tokio::types::Flag;
use imap_tokio::{FetchQuery, Query, outline};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    imap_examples::report(run(<imap_examples::args::Plain as clap::Parser>::parse()).await)
}

async fn run(cli: imap_examples::args::Plain) -> common::Result<()> {
    let (mut session, target) = common::login(&cli.conn).await?;
    let folder = &target.folder(cli.args.first().map(String::as_str));
    outln!("capabilities: {:?}", session.capabilities().await?.list());
    outln!("namespaces: {:?}", session.namespace().await.ok());
    for f in session.folders().await? {
        outln!(
            "folder {} {:?}",
            escaped(&f.name.to_string()),
            f.special_use()
        );
    }
    let summary = session.select(folder).await?;
    outln!(
        "{folder}: {} messages, UIDVALIDITY {:?}",
        summary.exists,
        summary.uid_validity.map(|v| v.get())
    );

    let recent = session.search(&Query::all()).await?;
    let last: Vec<_> = recent.iter().rev().take(5).collect();
    if let Some(set) = imap_tokio::uid_set(&last) {
        let query = FetchQuery::summary().body_structure();
        for (uid, m) in session.fetch(&set, &query).await? {
            outln!(
                "{uid}: {} ({} bytes)",
                escaped(&m.subject().unwrap_or_default()),
                m.size.unwrap_or(0)
            );
            if let Some(bs) = &m.body_structure {
                for p in outline(bs) {
                    outln!("    {:?} {} {}", p.path, escaped(&p.mime_type), p.size);
                }
            }
        }
    }
    if let Some(&uid) = last.first() {
        let flags = session.add_flags(uid, &[Flag::Flagged]).await?;
        outln!("flags now {:?}", flags.get(&uid));
        session.remove_flags(uid, &[Flag::Flagged]).await?;
        let mut file = tokio::fs::File::create(format!("{uid}.eml")).await?;
        let n = session.download(uid, &mut file).await?;
        outln!("saved {uid}.eml ({n} bytes)");
    }
    // A unique Message-ID, so that the test message can be found again without UIDPLUS.
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let message_id = format!(
        "<imap-tokio-example-{}-{stamp}@example.org>",
        std::process::id()
    );
    let message = format!(
        "From: me@example.org\r\nSubject: imap-tokio example\r\nMessage-ID: {message_id}\r\n\r\nHello.\r\n"
    );
    let appended = session
        .append(folder, message.as_bytes(), &[Flag::Seen, Flag::Draft], None)
        .await?;
    let uids = match appended.uid {
        Some(uid) => vec![uid],
        None => {
            // No UIDPLUS: the server did not say the new UID; its Message-ID finds it.
            let query = Query::parse(&format!("HEADER Message-ID \"{message_id}\""))?;
            session.search(&query).await?.iter().collect()
        }
    };
    let list: Vec<String> = uids.iter().map(ToString::to_string).collect();
    outln!(
        "appended a test message as UID {}; removing it again",
        list.join(",")
    );
    if let Some(set) = imap_tokio::uid_set(&uids) {
        session.delete_and_expunge(&set).await?;
    }
    session.logout().await?;
    Ok(())
}
