//! The engine's rules: one operation at a time, abandoned operations, IDLE ended before the
//! next command, closed connections.

use crate::FULL;
use crate::harness::Harness;
use imap_core::client::Event;
use imap_core::mailbox::Update;
use imap_core::ops::op::{IdleWait, Select, SelectOptions, noop};
use imap_core::ops::{Commands, OpError};
use std::time::Duration;

fn selected() -> Harness {
    let mut h = crate::session::logged_in(FULL);
    h.expect("SELECT INBOX", "* 2 EXISTS\r\n{tag} OK ok\r\n");
    h.select("INBOX").unwrap();
    h.engine.drain_events();
    h
}

#[test]
fn an_abandoned_operation_leaves_the_connection_usable() {
    let mut h = selected();
    h.expect("SELECT Archive", "* 5 EXISTS\r\n")
        .expect("NOOP", "{tag} OK noop\r\n")
        .expect("NOOP", "{tag} OK noop\r\n");
    // SELECT Archive is sent; the server answers only part of it, and the caller gives up.
    let mut run = h
        .engine
        .start(Select::new("Archive", SelectOptions::default()), h.now);
    assert!(h.turn(&mut run).is_err(), "waiting for the rest of SELECT");
    drop(run);
    // The next operation runs while SELECT is still in flight.
    h.noop().unwrap();
    // SELECT's completion arrives during the next one and is dropped on arrival.
    let select_tag = h.peer.lines[2].split(' ').next().unwrap().to_owned();
    h.peer
        .output
        .extend_from_slice(format!("{select_tag} OK [READ-WRITE] selected\r\n").as_bytes());
    h.noop().unwrap();
    assert_eq!(h.engine.selected().unwrap().exists(), 5);
    assert!(format!("{:?}", h.engine).contains("awaited: []"));
    assert!(h.script_done());
}

#[test]
fn a_stale_handle_is_superseded() {
    let mut h = selected();
    let mut old = h.engine.start(noop(), h.now);
    let mut new = h.engine.start(noop(), h.now);
    assert!(matches!(
        h.engine.drive(&mut old, h.now),
        imap_core::engine::Step::Done(Err(OpError::Superseded))
    ));
    // `old` never ran: only the new NOOP goes out.
    h.expect("NOOP", "{tag} OK noop\r\n");
    assert_eq!(h.turn(&mut new), Ok(Ok(())));
    assert!(h.script_done());
}

#[test]
fn idle_start_wait_and_done() {
    let mut h = selected();
    h.expect("IDLE", "+ idling\r\n");
    h.idle_start().unwrap();
    assert!(h.engine.client().is_idling());
    // Nothing happens for a minute: the wait ends empty at its own wake-up time.
    let until = h.now + Duration::from_secs(60);
    assert_eq!(h.idle_wait(Some(until)).unwrap(), None);
    assert_eq!(h.now, until);
    // An update arrives.
    h.peer.output.extend_from_slice(b"* 3 EXISTS\r\n");
    let e = h.idle_wait(None).unwrap();
    assert!(
        matches!(e, Some(Event::Mailbox(Update::Exists { .. }))),
        "{e:?}"
    );
    h.expect("DONE", "{tag} OK idle done\r\n");
    h.idle_done().unwrap();
    assert!(!h.engine.client().is_idle_pending());
    assert!(h.script_done());
}

#[test]
fn idle_is_ended_before_the_next_command() {
    let mut h = selected();
    h.expect("IDLE", "+ idling\r\n")
        .expect("DONE", "{tag} OK idle done\r\n")
        .expect("NOOP", "{tag} OK noop\r\n");
    h.idle_start().unwrap();
    // Not idle_done: the NOOP ends the IDLE itself.
    h.noop().unwrap();
    assert!(h.script_done());
}

#[test]
fn an_abandoned_idle_wait_keeps_idling_and_the_next_command_ends_it() {
    let mut h = selected();
    h.expect("IDLE", "+ idling\r\n")
        .expect("DONE", "{tag} OK idle done\r\n")
        .expect("NOOP", "{tag} OK noop\r\n");
    h.idle_start().unwrap();
    let mut run = h.engine.start(IdleWait::new(None), h.now);
    assert_eq!(h.turn(&mut run).unwrap_err(), h.engine.poll_timeout());
    drop(run);
    assert!(h.engine.client().is_idling());
    h.noop().unwrap();
    assert!(!h.engine.client().is_idle_pending());
    assert!(h.script_done());
}

#[test]
fn a_closed_connection_fails_the_running_and_later_operations() {
    let mut h = selected();
    h.expect("NOOP", "* BYE going away\r\n");
    let mut run = h.engine.start(noop(), h.now);
    assert!(h.turn(&mut run).is_err());
    h.engine.handle_eof(h.now);
    let r = h.turn(&mut run).expect("finished");
    assert!(matches!(r, Err(OpError::Connection(_))), "{r:?}");
    let e = h.noop().unwrap_err();
    assert!(e.is_fatal(), "{e:?}");
    // The BYE is still there for the caller.
    assert!(h.engine.drain_events().any(|e| matches!(e, Event::Bye(_))));
}

#[test]
fn unsolicited_events_are_bounded() {
    let mut h = selected();
    h.engine.set_max_events(2);
    h.expect(
        "NOOP",
        "* OK one\r\n* OK two\r\n* OK three\r\n{tag} OK noop\r\n",
    );
    h.noop().unwrap();
    assert_eq!(h.engine.pending_events(), 2);
    assert_eq!(h.engine.dropped_events(), 1);
}

#[test]
fn an_idle_abandoned_before_the_server_accepted_it_is_ended_when_it_starts() {
    let mut h = selected();
    // The server takes its time to accept IDLE; the caller gives up waiting.
    h.expect("IDLE", "")
        .expect("DONE", "{tag} OK idle done\r\n")
        .expect("NOOP", "{tag} OK noop\r\n");
    let mut run = h.engine.start(imap_core::ops::op::IdleStart::new(), h.now);
    assert!(h.turn(&mut run).is_err(), "waiting for the `+`");
    drop(run);
    // The NOOP waits behind the IDLE; when the `+` comes, DONE goes out at once.
    let mut run = h.engine.start(noop(), h.now);
    assert!(h.turn(&mut run).is_err(), "NOOP waits behind the IDLE");
    h.peer.output.extend_from_slice(b"+ idling\r\n");
    assert_eq!(h.turn(&mut run), Ok(Ok(())));
    assert!(!h.engine.client().is_idle_pending());
    assert!(h.script_done());
}

#[test]
fn a_connection_lost_while_idling_fails_the_wait_and_keeps_the_bye() {
    let mut h = selected();
    h.expect("IDLE", "+ idling\r\n");
    h.idle_start().unwrap();
    h.peer.output.extend_from_slice(b"* BYE shutting down\r\n");
    // The BYE is an event: the wait returns it; the end of the stream then fails the next.
    let e = h.idle_wait(None).unwrap();
    assert!(matches!(e, Some(Event::Bye(_))), "{e:?}");
    h.engine.handle_eof(h.now);
    let e = h.idle_wait(None).unwrap_err();
    assert!(e.is_fatal(), "{e:?}");
    // Ending the IDLE of a closed connection has nothing to do.
    assert_eq!(h.idle_done(), Ok(()));
}
