//! Each datum is held once (issue 13 point 2): a FETCH answer the running command claims is
//! moved into its completion, not cloned into it and into an event as well. Counted with an
//! allocation counter: claiming N FETCH responses allocates about what receiving the same
//! responses unclaimed (as events) does, where the clone made it twice as much.

use imap_core::client::{ClientConfig, ClientMachine, Event};
use imap_core::secret::Secret;
use imap_core::types::{CommandBody, FetchItem, FetchItems, Mailbox, MessageSet, SeqSet};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::time::Instant;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const N: u32 = 2_000;

/// A client with INBOX selected (N messages), and its next tag number.
fn selected() -> (ClientMachine, Instant) {
    let now = Instant::now();
    let config = ClientConfig {
        allow_plaintext_login: true,
        ..ClientConfig::default()
    };
    let mut c = ClientMachine::new(config, now);
    c.handle_input(now, b"* OK [CAPABILITY IMAP4rev1] hi\r\n");
    c.send(
        now,
        CommandBody::Login {
            username: "u".into(),
            password: Secret::new("p".into()),
        },
    )
    .unwrap();
    c.send(
        now,
        CommandBody::Select {
            mailbox: Mailbox::inbox(),
            params: Default::default(),
        },
    )
    .unwrap();
    let mut out = Vec::new();
    c.poll_transmit(&mut out);
    c.handle_input(
        now,
        format!(
            "A0001 OK [CAPABILITY IMAP4rev1] in\r\n* {N} EXISTS\r\nA0002 OK [READ-WRITE] ok\r\n"
        )
        .as_bytes(),
    );
    while c.poll_event().is_some() {}
    (c, now)
}

/// N FETCH responses with a UID, flags and a subject, then the tagged OK of `tag`.
fn answer(tag: &str) -> Vec<u8> {
    let mut s = String::new();
    for i in 1..=N {
        s += &format!(
            "* {i} FETCH (UID {i} FLAGS (\\Seen $Label{i}) ENVELOPE (NIL \"subject {i}\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"
        );
    }
    s += &format!("{tag} OK done\r\n");
    s.into_bytes()
}

/// Bytes allocated while the client handles `input` and its events are taken (and kept).
fn allocated(c: &mut ClientMachine, now: Instant, input: &[u8]) -> (usize, Vec<Event>) {
    // Reserved before counting: what the events hold is counted, not where they are kept.
    let mut events = Vec::with_capacity(4 * N as usize);
    let region = Region::new(GLOBAL);
    c.handle_input(now, input);
    while let Some(e) = c.poll_event() {
        events.push(e);
    }
    (region.change().bytes_allocated, events)
}

#[test]
fn a_claimed_fetch_is_held_once() {
    // Unclaimed: the same responses during NOOP arrive as events.
    let (mut c, now) = selected();
    c.send(now, CommandBody::Noop).unwrap();
    let mut out = Vec::new();
    c.poll_transmit(&mut out);
    let input = answer("A0003");
    let (unclaimed, events) = allocated(&mut c, now, &input);
    let data = events
        .iter()
        .filter(|e| matches!(e, Event::Data(_)))
        .count();
    assert_eq!(data, N as usize, "unsolicited FETCHes are events");

    // Claimed: FETCH asked for them; they are in its completion, not events.
    let (mut c, now) = selected();
    c.send(
        now,
        CommandBody::Fetch {
            set: MessageSet::Seq(SeqSet::all()),
            items: FetchItems::Items(vec![FetchItem::Uid, FetchItem::Flags, FetchItem::Envelope]),
            changed_since: None,
            vanished: false,
        },
    )
    .unwrap();
    c.poll_transmit(&mut out);
    let (claimed, events) = allocated(&mut c, now, &input);
    let Some(Event::Completed(done)) = events.last() else {
        panic!("FETCH completed");
    };
    assert_eq!(done.data.len(), N as usize);
    assert_eq!(events.len(), 1, "nothing but the completion");
    // Held once: no more than the unclaimed run (which also queues a model update per
    // message); a clone of every datum would double the parsed values.
    println!("claimed {claimed} bytes, unclaimed {unclaimed} bytes");
    assert!(
        claimed <= unclaimed,
        "claimed {claimed} bytes, unclaimed {unclaimed} bytes"
    );
    // And the bound would catch a clone: copying the completion's data once more costs more
    // than the margin.
    let region = Region::new(GLOBAL);
    let copy = done.data.clone();
    let clone = region.change().bytes_allocated;
    drop(copy);
    assert!(
        claimed + clone > unclaimed,
        "a clone of {clone} bytes would go unnoticed"
    );
}
