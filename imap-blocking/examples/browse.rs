//! Browses folders -> messages -> MIME parts: headers only, chosen header fields, the
//! BODYSTRUCTURE outline, and one part's text.
//!
//! `cargo run -p imap-blocking --example browse -- imaps://user@host/ [folder [uid [part]]]`
//! (`part` like `1.2`).

mod common;

use imap_blocking::imap_core::terminal::{escaped, escaped_text};
use imap_blocking::prelude::*;
use imap_blocking::types::{Section, Uid, UidSet};
use imap_blocking::{FetchQuery, Query, outline};

fn main() -> imap_blocking::Result<()> {
    let (mut session, args) = common::login();
    let Some(folder) = args.first() else {
        for f in session.folders()? {
            println!("{}", escaped(&f.name.to_string()));
        }
        return session.logout();
    };
    session.examine(folder)?;
    let Some(uid) = args.get(1).and_then(|u| u.parse().ok()).and_then(Uid::new) else {
        // The latest 20 messages, chosen header fields only.
        let uids = session.search(&Query::all())?;
        let last: Vec<Uid> = uids.iter().rev().take(20).collect();
        if let Some(set) = imap_blocking::uid_set(&last) {
            let msgs = session.fetch(
                &set,
                &FetchQuery::new().header_fields(["From", "Subject", "Date"]),
            )?;
            for (uid, m) in msgs.iter().rev() {
                println!(
                    "{uid:>8}  {:<30}  {}",
                    escaped(&m.header_value("From").unwrap_or_default()),
                    escaped(&m.header_value("Subject").unwrap_or_default())
                );
            }
        }
        return session.logout();
    };
    let m = session.fetch_one(uid, &FetchQuery::new().header().body_structure().flags())?;
    match args.get(2) {
        None => {
            println!("--- header ---");
            for (name, value) in m.headers() {
                println!("{}: {}", escaped(&name), escaped(&value));
            }
            println!("--- structure ---");
            if let Some(bs) = &m.body_structure {
                for p in outline(bs) {
                    let path: Vec<String> = p.path.iter().map(u32::to_string).collect();
                    println!(
                        "{}{:<8} {:<28} {:>8} {} {}",
                        "  ".repeat(p.depth),
                        path.join("."),
                        escaped(&p.mime_type),
                        p.size,
                        escaped(&p.encoding),
                        escaped(&p.filename.unwrap_or_default())
                    );
                }
            }
        }
        Some(part) => {
            let path: Vec<u32> = part.split('.').filter_map(|n| n.parse().ok()).collect();
            let section = Section {
                part: path,
                text: None,
            };
            let msgs = session.fetch(
                &UidSet::single(uid),
                &FetchQuery::new().section(section.clone(), None),
            )?;
            if let Some(text) = msgs.get(&uid).and_then(|m| m.section(&section)) {
                println!("{}", escaped_text(&String::from_utf8_lossy(text)));
            }
        }
    }
    session.logout()
}
