//! Arbitrary client bytes into a mock-server `MockSession` over a small seeded store (user `u`,
//! password `p`; INBOX with a few messages, and `Other`).
//!
//! Input layout: a control byte, then the client bytes. Control bit 0: send the scripted
//! prefix `p1 LOGIN u p` / `p2 SELECT INBOX` first; bits 1-5: piece size - 1 (the bytes arrive
//! in pieces of that size, the server's output drained and the session woken after each);
//! bit 6: deliver a message to INBOX from outside halfway through.
//!
//! Checks: no panic; every command line the client sent that parses (framed in the server
//! role, parsed with `parse_command`) gets at least one tagged response with its tag, up to
//! (not including) the first command after which the session legitimately stops answering lines
//! (LOGOUT, IDLE, AUTHENTICATE, STARTTLS, COMPRESS) or until the session closes; and the store's
//! UIDs stay strictly ascending in every mailbox.
#![no_main]

use imap_core::frame::{Frame, Framer, Limits, Role};
use imap_core::parse::{ParseOptions, parse_command, parse_response};
use imap_core::types::{CommandBody, Response, Tag};
use libfuzzer_sys::fuzz_target;
use mock_server::listener::MockServer;
use mock_server::store::Store;
use std::collections::HashMap;
use std::time::Instant;

const PREFIX: &[u8] = b"p1 LOGIN u p\r\np2 SELECT INBOX\r\n";

fn message(n: usize) -> String {
    format!("From: x@y.org\r\nSubject: m{n}\r\nMessage-ID: <{n}@y.org>\r\n\r\nbody {n}\r\n")
}

fn server() -> MockServer {
    let mut b = Store::builder().user("u", "p").mailbox("INBOX");
    for i in 0..3 {
        b = b.message(message(i), &[], None);
    }
    MockServer::builder()
        .store(b.mailbox("Other").build().expect("seed store"))
        .build()
        .expect("server")
}

/// Whether the session may stop answering command lines after `body` (it waits for DONE or
/// SASL data, switches to TLS or DEFLATE, or closes).
fn ends_line_mode(body: &CommandBody) -> bool {
    matches!(
        body,
        CommandBody::Logout
            | CommandBody::Idle
            | CommandBody::Authenticate { .. }
            | CommandBody::StartTls
            | CommandBody::Compress(_)
    )
}

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, rest)) = data.split_first() else {
        return;
    };
    let srv = server();
    let now = Instant::now();
    let mut session = srv.session(now);
    let mut input = Vec::new();
    if ctl & 1 == 1 {
        input.extend_from_slice(PREFIX);
    }
    input.extend_from_slice(rest);
    let size = usize::from((ctl >> 1) & 0x1f) + 1;
    let mut output = Vec::new();
    let pieces: Vec<&[u8]> = input.chunks(size).collect();
    for (i, piece) in pieces.iter().enumerate() {
        if ctl & 0x40 != 0 && i == pieces.len() / 2 {
            let account = srv.store().account("u").expect("account");
            let _ = account.deliver("INBOX", message(100), &[], None);
            session.wake();
        }
        session.handle_input(now, piece);
        // A large reply comes in pieces, one per call, until the call returns 0.
        while session.poll_transmit(&mut output) > 0 {}
        session.wake();
        while session.poll_transmit(&mut output) > 0 {}
    }
    let closed = session.is_closed();

    // The store's invariants.
    let account = srv.store().account("u").expect("account");
    for name in account.mailboxes() {
        if let Ok(uids) = account.uids(&name) {
            assert!(
                uids.windows(2).all(|w| w[0] < w[1]),
                "UIDs of {name} not ascending: {uids:?}"
            );
        }
    }

    // The commands sent, as a server framer and parser see them.
    let mut sent: Vec<Tag> = Vec::new();
    let mut framer = Framer::new(Role::Server, Limits::default());
    framer.push(&input);
    let mut complete = true;
    while let Some(frame) = framer.next_frame() {
        match frame {
            Ok(Frame::Unit(unit)) => {
                if let Ok(cmd) = parse_command(&unit, &ParseOptions::default()) {
                    // IDLE and AUTHENTICATE are answered only after DONE / the SASL
                    // exchange; LOGOUT, STARTTLS and COMPRESS change the byte stream.
                    if ends_line_mode(&cmd.body) {
                        break;
                    }
                    sent.push(cmd.tag);
                }
            }
            // After a framing error the two framers may resynchronise differently.
            _ => {
                complete = false;
                break;
            }
        }
    }
    let _ = framer.take_literal_announcement();
    if closed || !complete {
        return;
    }

    // The tagged responses.
    let mut answered: HashMap<Tag, usize> = HashMap::new();
    let mut framer = Framer::new(Role::Client, Limits::default());
    framer.push(&output);
    while let Some(frame) = framer.next_frame() {
        if let Ok(Frame::Unit(unit)) = frame
            && let Ok(Response::Status(s)) = parse_response(&unit, &ParseOptions::default())
            && let Some(tag) = s.tag
        {
            *answered.entry(tag).or_default() += 1;
        }
    }
    let mut wanted: HashMap<&Tag, usize> = HashMap::new();
    for tag in &sent {
        *wanted.entry(tag).or_default() += 1;
    }
    for (tag, n) in wanted {
        let got = answered.get(tag).copied().unwrap_or(0);
        assert!(
            got >= n,
            "tag {tag} sent {n} times, answered {got} times\noutput: {:?}",
            String::from_utf8_lossy(&output)
        );
    }
});
