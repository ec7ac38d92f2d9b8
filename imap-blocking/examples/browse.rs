//! Browses folders -> messages -> MIME parts: headers only, chosen header fields, the
//! BODYSTRUCTURE outline, and one part's text.
//!
//! `cargo run -p imap-blocking --example browse -- imaps://user@host/ [folder [uid [part]]]`
//! (`part` a section as the book names it: `1.2`, `HEADER`, `TEXT`, `1.MIME`). Subjects and
//! names are shown decoded (RFC 2047), a part's text decoded by its transfer encoding and
//! charset.

mod common;

use imap_blocking::imap_core::decode::decode_words;
use imap_blocking::imap_core::terminal::{escaped, escaped_text};
use imap_blocking::prelude::*;
use imap_blocking::types::{Section, Uid};
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
                    escaped(&decode_words(
                        m.header_value("From").unwrap_or_default().as_bytes()
                    )),
                    escaped(&decode_words(
                        m.header_value("Subject").unwrap_or_default().as_bytes()
                    ))
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
                println!(
                    "{}: {}",
                    escaped(&name),
                    escaped(&decode_words(value.as_bytes()))
                );
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
            let section: Section = match part.parse() {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("{part:?} names no part ({e}); try 1.2, HEADER, TEXT or 1.MIME");
                    return session.logout();
                }
            };
            let p = session.fetch_part_decoded(uid, section)?;
            match &p.text {
                Some(text) => println!("{}", escaped_text(text)),
                None => println!(
                    "{} bytes of {} {}",
                    p.bytes.len(),
                    escaped(&p.mime_type),
                    escaped(p.filename.as_deref().unwrap_or_default())
                ),
            }
        }
    }
    session.logout()
}
