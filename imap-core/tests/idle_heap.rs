//! An idle connection holds little heap (issue 16 point 4): once IDLE waits, the engine gives
//! back the room its buffers grew to for a large response (the receive buffer kept the whole
//! 1 MiB literal's allocation alive, the event and command queues their spare room). Counted
//! with an allocation counter: the heap a connection holds while idling after a 1 MiB FETCH
//! is within a small bound of what it held while idling before it.
//!
//! Without libtest's harness (`harness = false` in Cargo.toml): the counter is global, and the
//! harness's own thread allocates now and then (a kilobyte at times) while the test measures.

#[allow(dead_code)]
#[path = "engine/harness.rs"]
mod harness;

use harness::Harness;
use imap_core::ops::Commands;
use imap_core::ops::op::IdleWait;
use imap_core::types::{Capability, Code};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The literal of the large response.
const BODY: usize = 1 << 20;
/// What idling after the large response may hold beyond what idling before it held.
const BOUND: i64 = 1024;

/// Bytes allocated and not freed (a `realloc` is counted in both totals already).
fn live() -> i64 {
    let s = GLOBAL.stats();
    s.bytes_allocated as i64 - s.bytes_deallocated as i64
}

/// Starts IDLE, waits with nothing to read (the engine's state while a connection idles),
/// measures the live heap, then ends the IDLE.
fn heap_while_idling(h: &mut Harness) -> i64 {
    h.expect("IDLE", "+ idling\r\n")
        .expect("DONE", "{tag} OK idle done\r\n");
    h.idle_start().unwrap();
    let mut run = h.engine.start(IdleWait::new(None), h.now);
    assert!(h.turn(&mut run).is_err(), "the IDLE waits");
    assert!(h.engine.client().is_idling());
    let heap = live();
    drop(run);
    h.idle_done().unwrap();
    heap
}

fn main() {
    an_idle_connection_gives_back_what_a_large_response_grew();
    an_idle_connection_keeps_one_capability_list();
    println!("idle_heap: ok");
}

fn an_idle_connection_gives_back_what_a_large_response_grew() {
    let caps = "IMAP4rev1 IDLE UIDPLUS";
    let mut h = Harness::new(&format!("* OK [CAPABILITY {caps}] ready\r\n"));
    h.expect(
        "LOGIN u p",
        &format!("{{tag}} OK [CAPABILITY {caps}] in\r\n"),
    )
    .expect("SELECT INBOX", "* 1 EXISTS\r\n{tag} OK [READ-WRITE] ok\r\n");
    h.login("u", "p").unwrap();
    h.select("INBOX").unwrap();
    h.engine.drain_events();
    // Twice: the first IDLE allocates what every later one reuses (its events' room, ...).
    heap_while_idling(&mut h);
    let before = heap_while_idling(&mut h);

    let body = "x".repeat(BODY);
    let reply = format!(
        "* 1 FETCH (UID 7 BODY[] {{{BODY}}}\r\n{body})\r\n* 1 FETCH (FLAGS (\\Seen))\r\n\
         {{tag}} OK done\r\n"
    );
    h.expect("UID FETCH 7 (UID BODY[])", &reply);
    drop(reply);
    let messages = h.fetch_text("7", "BODY[]").unwrap();
    assert_eq!(messages.len(), 1);
    drop(messages);
    drop(body);
    h.engine.drain_events();

    let after = heap_while_idling(&mut h);
    let grown = after - before;
    assert!(
        grown <= BOUND,
        "idling after a {BODY}-byte response holds {grown} bytes more than before it"
    );
    assert!(h.script_done());
}

/// The greeting's capability list is dropped once IDLE waits after the server announced the
/// capabilities again: the client's list is the current one, and an idle connection keeps one.
fn an_idle_connection_keeps_one_capability_list() {
    let mut h = Harness::new("* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n");
    h.expect(
        "LOGIN u p",
        "{tag} OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS] in\r\n",
    )
    .expect("SELECT INBOX", "* 1 EXISTS\r\n{tag} OK [READ-WRITE] ok\r\n");
    h.login("u", "p").unwrap();
    h.select("INBOX").unwrap();
    let greeting = h.engine.greeting().expect("greeting");
    assert!(
        matches!(greeting.code, Some(Code::Capability(_))),
        "kept until IDLE"
    );
    heap_while_idling(&mut h);
    let greeting = h.engine.greeting().expect("greeting");
    assert_eq!(greeting.code, None, "the greeting's list is dropped");
    assert_eq!(greeting.text.as_bytes(), b"ready", "the rest is kept");
    assert!(h.engine.client().capabilities().has(&Capability::UidPlus));
    assert!(h.script_done());
}
