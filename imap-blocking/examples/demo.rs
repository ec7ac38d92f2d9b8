//! The demo: starts the mock server in this process with the seeded demo account and runs a
//! real client session against it over TLS, narrating what happens.
//!
//! `cargo run -p imap-blocking --example demo` (`-- -v` or `IMAP_DEBUG=1` prints the protocol
//! trace on stderr, credentials redacted).

use imap_blocking::imap_core::mailbox::Update;
use imap_blocking::imap_core::ops::fetch::{FetchQuery, outline};
use imap_blocking::imap_core::terminal::escaped;
use imap_blocking::imap_core::types::{Data, Flag, Section, SectionText, Uid, UidSet};
use imap_blocking::prelude::*;
use imap_blocking::{Connector, ListOptions, Security, TlsOptions};
use mock_server::demo::{DEMO_PASSWORD, DEMO_USER, demo_store};
use mock_server::listener::MockServer;
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    imap_examples::trace::init(imap_examples::trace::flag_given());
    // 1. The server: the demo account, implicit TLS on an ephemeral 127.0.0.1 port, with a
    //    freshly generated self-signed certificate that the client will trust explicitly.
    let server = MockServer::builder().store(demo_store()).tls().start()?;
    let addr = server.tls_addr();
    let cert = server
        .certificate()
        .expect("TLS is configured")
        .pem()
        .to_owned();
    println!("mock server listening on {addr} (TLS), account {DEMO_USER}/{DEMO_PASSWORD}");

    let connector = Connector::new("localhost")
        .port(addr.port())
        .security(Security::Tls)
        .tls(
            TlsOptions::new()
                .ca_pem(cert.clone())
                .without_default_roots(),
        )
        .command_timeout(Duration::from_secs(10))
        .password(DEMO_USER, DEMO_PASSWORD);
    let mut session = connector.login()?;
    println!("logged in over TLS (certificate verified against the server's own CA)\n");

    // 2. Folders.
    println!("folders:");
    for f in session.list_folders(&ListOptions::all().with_subscribed())? {
        let attrs: Vec<String> = f
            .attributes
            .iter()
            .map(|a| format!("\\{}", a.name()))
            .collect();
        println!(
            "  {:<12} {}",
            escaped(&f.name.display_name()),
            escaped(&attrs.join(" "))
        );
    }

    // 3. A mailbox summary.
    let summary = session.select("INBOX")?;
    println!(
        "\nINBOX: {} messages, UIDVALIDITY {}, UIDNEXT {}, read-{}",
        summary.exists,
        summary.uid_validity.map_or(0, |v| v.get()),
        summary.uid_next.map_or(0, |u| u.get()),
        if summary.read_only { "only" } else { "write" }
    );

    // 4. Message summaries.
    let messages = session.fetch(&UidSet::all(), &FetchQuery::summary().body_structure())?;
    println!("\nmessages (by UID):");
    for (uid, m) in messages.iter().take(8) {
        let flags: Vec<String> = m.flags.iter().flatten().map(Flag::to_wire).collect();
        println!(
            "  uid {:>3}  seq {:>3}  {:>6} bytes  {:<40} {}",
            uid,
            m.seq,
            m.size.unwrap_or(0),
            escaped(
                &m.subject()
                    .unwrap_or_default()
                    .chars()
                    .take(40)
                    .collect::<String>()
            ),
            escaped(&flags.join(" "))
        );
    }
    if messages.len() > 8 {
        println!("  ... and {} more", messages.len() - 8);
    }

    // 5. One message's MIME outline and the text of its first text part.
    let (&uid, _) = messages
        .iter()
        .find(|(_, m)| {
            m.body_structure
                .as_ref()
                .is_some_and(|b| b.mime_type().starts_with("multipart/"))
        })
        .or_else(|| messages.iter().next())
        .expect("the demo account has messages");
    let m = session.fetch_one(uid, &FetchQuery::new().body_structure())?;
    let body = m.body_structure.expect("BODYSTRUCTURE");
    println!("\nMIME outline of uid {uid}:");
    let parts = outline(&body);
    for p in &parts {
        println!("  {}", imap_examples::show::part(p));
    }
    if let Some(text) = parts.iter().find(|p| p.mime_type == "text/plain") {
        let section = Section {
            part: text.path.clone(),
            text: if text.path.is_empty() {
                Some(SectionText::Text)
            } else {
                None
            },
        };
        let m = session.fetch_one(
            uid,
            &FetchQuery::new().section(section.clone(), Some((0, 200))),
        )?;
        let bytes = m.section(&section).unwrap_or_default();
        println!(
            "  first bytes of part {:?}: {:?}",
            text.path,
            String::from_utf8_lossy(bytes)
        );
    }

    // 6. A flag change.
    let flags = session.add_flags(Uid::new(uid.get()).unwrap(), &[Flag::Flagged])?;
    println!(
        "\nflagged uid {uid}: now {:?}",
        flags
            .get(&uid)
            .map(|f| f.iter().map(Flag::to_wire).collect::<Vec<_>>())
    );

    // 7. Delete and expunge: sequence numbers shift, UIDs stay.
    let uids: Vec<Uid> = messages.keys().copied().collect();
    if uids.len() >= 3 {
        let victim = uids[1];
        let after = uids[2];
        let seq_before = session
            .selected()
            .and_then(|m| m.seq(after))
            .map(|s| s.get());
        let gone = session.delete_and_expunge(&UidSet::single(victim))?;
        let seq_after = session
            .selected()
            .and_then(|m| m.seq(after))
            .map(|s| s.get());
        println!(
            "\ndeleted and expunged uid {victim} ({} message(s) removed): uid {after} moved from seq {} to seq {}, its UID unchanged",
            gone.messages.len(),
            seq_before.unwrap_or(0),
            seq_after.unwrap_or(0)
        );
    }

    // 8. IDLE: a second connection delivers a message; the first hears about it.
    let mut second = connector.login()?;
    session.drain_events();
    let mut idle = session.idle()?;
    println!("\nIDLE started; a second connection appends a message to INBOX");
    second.append(
        "INBOX",
        b"From: second@example.org\r\nSubject: delivered while idling\r\n\r\nHello!\r\n",
        &[],
        None,
    )?;
    let mut notified = false;
    for _ in 0..20 {
        match idle.wait_timeout(Duration::from_millis(500))? {
            Some(event) => {
                println!("  IDLE event: {event:?}");
                if matches!(
                    event,
                    imap_blocking::Event::Mailbox(Update::Exists { .. })
                        | imap_blocking::Event::Data(Data::Exists(_))
                ) {
                    notified = true;
                    break;
                }
            }
            None => continue,
        }
    }
    idle.done()?;
    println!(
        "IDLE ended; INBOX now has {} messages",
        session.selected().map(|m| m.exists()).unwrap_or(0)
    );
    second.logout()?;
    session.logout()?;
    server.stop();
    if !notified {
        return Err("no IDLE notification arrived".into());
    }
    println!("\ndone: logged out of both connections and stopped the server");
    Ok(())
}
