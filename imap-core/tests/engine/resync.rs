//! Resynchronising a folder after a reconnection (`op::Resync`): each way of catching up
//! (QRESYNC, CONDSTORE, neither) finds the same changes and reports them as the ordinary
//! mailbox events; a changed UIDVALIDITY resets everything.

use crate::harness::Harness;
use crate::session::logged_in;
use imap_core::client::Event;
use imap_core::mailbox::{MessageRef, Update};
use imap_core::ops::Commands;
use imap_core::ops::op::{MailboxState, Resync, ResyncMethod};
use imap_core::types::{Flag, SeqNum, Uid, UidValidity};

fn uid(n: u32) -> Uid {
    Uid::new(n).unwrap()
}

fn seq(n: u32) -> SeqNum {
    SeqNum::new(n).unwrap()
}

/// What the client knew before the connection was lost: INBOX, UIDVALIDITY 7, messages 1, 2
/// and 3 (1 `\Seen`), and HIGHESTMODSEQ 10 when `modseq`.
fn old_state(modseq: bool) -> MailboxState {
    let mut h = logged_in("* OK [CAPABILITY IMAP4rev1] hi\r\n");
    let hms = if modseq {
        "* OK [HIGHESTMODSEQ 10] m\r\n"
    } else {
        ""
    };
    h.expect(
        "SELECT INBOX",
        &format!("* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n{hms}{{tag}} OK [READ-WRITE] ok\r\n"),
    );
    h.select("INBOX").unwrap();
    h.expect(
        "NOOP",
        "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* 2 FETCH (UID 2 FLAGS ())\r\n* 3 FETCH (UID 3 FLAGS ())\r\n{tag} OK ok\r\n",
    );
    h.noop().unwrap();
    MailboxState::of(h.engine.selected().unwrap())
}

/// The mailbox events queued on the new connection.
fn mailbox_events(h: &mut Harness) -> Vec<Update> {
    h.engine
        .drain_events()
        .filter_map(|e| match e {
            Event::Mailbox(u) => Some(u),
            _ => None,
        })
        .collect()
}

/// While away: message 2 was expunged, message 1 lost `\Seen`, message 4 arrived. The events
/// say so in the order a session would have received them, and the new model knows every UID.
fn assert_the_changes(h: &mut Harness) {
    let events = mailbox_events(h);
    assert_eq!(events.len(), 4, "{events:#?}");
    let Update::Vanished(v) = &events[0] else {
        panic!("{events:#?}")
    };
    let removed = MessageRef {
        seq: seq(2),
        uid: Some(uid(2)),
    };
    assert_eq!(v.removed, [removed]);
    assert_eq!(
        events[1],
        Update::Exists {
            previous: 2,
            exists: 3
        }
    );
    let fetched: Vec<_> = events[2..]
        .iter()
        .map(|e| match e {
            Update::Fetched(f) => (f.message.seq, f.message.uid, f.uid_learned, f.flags_changed),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        fetched,
        [
            (seq(1), Some(uid(1)), false, true),
            (seq(3), Some(uid(4)), true, true)
        ]
    );
    let m = h.engine.selected().unwrap();
    let uids: Vec<_> = (1..=3).map(|n| m.uid(seq(n))).collect();
    assert_eq!(uids, [Some(uid(1)), Some(uid(3)), Some(uid(4))]);
    assert_eq!(
        m.messages().flags(seq(2)),
        Some(&[][..]),
        "kept from before"
    );
    assert!(h.script_done(), "{:?}", h.peer.lines);
}

#[test]
fn qresync_reselects_with_the_known_state_and_fills_in_what_did_not_change() {
    let old = old_state(true);
    let mut h = logged_in("* OK [CAPABILITY IMAP4rev1 CONDSTORE QRESYNC ENABLE] hi\r\n");
    h.expect("ENABLE QRESYNC", "* ENABLED QRESYNC\r\n{tag} OK on\r\n");
    h.expect(
        "SELECT INBOX (QRESYNC (7 10 1:3))",
        "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [HIGHESTMODSEQ 14] m\r\n* VANISHED (EARLIER) 2\r\n* 1 FETCH (UID 1 FLAGS () MODSEQ (12))\r\n* 3 FETCH (UID 4 FLAGS () MODSEQ (14))\r\n{tag} OK [READ-WRITE] ok\r\n",
    );
    let r = h.run(Resync::new(old)).unwrap();
    assert_eq!(r.method, ResyncMethod::QResync);
    assert_eq!((r.new, r.vanished), (vec![uid(4)], vec![uid(2)]));
    assert_eq!(r.flags_changed, [uid(1)]);
    assert_the_changes(&mut h);
}

#[test]
fn condstore_fetches_what_changed_and_searches_for_what_is_left() {
    let old = old_state(true);
    let mut h = logged_in("* OK [CAPABILITY IMAP4rev1 CONDSTORE] hi\r\n");
    h.expect(
        "SELECT INBOX (CONDSTORE)",
        "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [HIGHESTMODSEQ 14] m\r\n{tag} OK [READ-WRITE] ok\r\n",
    );
    h.expect(
        "UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 10)",
        "* 1 FETCH (UID 1 FLAGS () MODSEQ (12))\r\n* 3 FETCH (UID 4 FLAGS () MODSEQ (14))\r\n{tag} OK ok\r\n",
    );
    h.expect("UID SEARCH UID 1:3", "* SEARCH 1 3\r\n{tag} OK ok\r\n");
    let r = h.run(Resync::new(old)).unwrap();
    assert_eq!(r.method, ResyncMethod::CondStore);
    assert_the_changes(&mut h);
}

#[test]
fn without_either_it_fetches_every_flag() {
    let old = old_state(false);
    let mut h = logged_in("* OK [CAPABILITY IMAP4rev1] hi\r\n");
    h.expect(
        "SELECT INBOX",
        "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n{tag} OK [READ-WRITE] ok\r\n",
    );
    h.expect(
        "UID FETCH 1:* (UID FLAGS)",
        "* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 3 FLAGS ())\r\n* 3 FETCH (UID 4 FLAGS ())\r\n{tag} OK ok\r\n",
    );
    let r = h.run(Resync::new(old)).unwrap();
    assert_eq!(r.method, ResyncMethod::Full);
    assert_the_changes(&mut h);
}

/// The old state knew UIDs the server's count cannot hold (a model that missed some UIDs):
/// QRESYNC's answer is not enough to fill in the rest, so every flag is fetched.
#[test]
fn qresync_falls_back_to_fetching_everything_when_the_counts_disagree() {
    let old = old_state(true);
    let mut h = logged_in("* OK [CAPABILITY IMAP4rev1 CONDSTORE QRESYNC ENABLE] hi\r\n");
    h.expect("ENABLE QRESYNC", "* ENABLED QRESYNC\r\n{tag} OK on\r\n");
    h.expect(
        "SELECT INBOX (QRESYNC (7 10 1:3))",
        "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [HIGHESTMODSEQ 14] m\r\n* 1 FETCH (UID 1 FLAGS () MODSEQ (12))\r\n* 3 FETCH (UID 4 FLAGS () MODSEQ (14))\r\n{tag} OK [READ-WRITE] ok\r\n",
    );
    h.expect(
        "UID FETCH 1:* (UID FLAGS)",
        "* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 3 FLAGS ())\r\n* 3 FETCH (UID 4 FLAGS ())\r\n{tag} OK ok\r\n",
    );
    let r = h.run(Resync::new(old)).unwrap();
    assert_eq!(r.method, ResyncMethod::Full);
    assert_the_changes(&mut h);
}

#[test]
fn a_changed_uidvalidity_resets_everything() {
    let old = old_state(true);
    let mut h = logged_in("* OK [CAPABILITY IMAP4rev1 CONDSTORE] hi\r\n");
    h.expect(
        "SELECT INBOX (CONDSTORE)",
        "* 2 EXISTS\r\n* OK [UIDVALIDITY 9] v\r\n* OK [HIGHESTMODSEQ 3] m\r\n{tag} OK [READ-WRITE] ok\r\n",
    );
    h.expect(
        "UID FETCH 1:* (UID FLAGS)",
        "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* 2 FETCH (UID 2 FLAGS ())\r\n{tag} OK ok\r\n",
    );
    let r = h.run(Resync::new(old)).unwrap();
    assert!(r.uid_validity_changed);
    assert!(r.new.is_empty() && r.vanished.is_empty() && r.flags_changed.is_empty());
    let events = mailbox_events(&mut h);
    assert_eq!(
        events,
        [
            Update::UidValidity {
                previous: UidValidity::new(7),
                uid_validity: UidValidity::new(9).unwrap(),
                invalidated: true
            },
            Update::Exists {
                previous: 0,
                exists: 2
            }
        ]
    );
    let m = h.engine.selected().unwrap();
    assert_eq!(m.messages().flags(seq(1)), Some(&[Flag::Seen][..]));
    assert!(h.script_done());
}

/// A server that refuses ENABLE is caught up with CONDSTORE.
#[test]
fn a_refused_enable_falls_back_to_condstore() {
    let old = old_state(true);
    let mut h = logged_in("* OK [CAPABILITY IMAP4rev1 CONDSTORE QRESYNC ENABLE] hi\r\n");
    h.expect("ENABLE QRESYNC", "{tag} NO not today\r\n");
    h.expect(
        "SELECT INBOX (CONDSTORE)",
        "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [HIGHESTMODSEQ 10] m\r\n{tag} OK [READ-WRITE] ok\r\n",
    );
    h.expect(
        "UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 10)",
        "{tag} OK ok\r\n",
    );
    h.expect("UID SEARCH UID 1:3", "* SEARCH 1 2 3\r\n{tag} OK ok\r\n");
    let r = h.run(Resync::new(old)).unwrap();
    assert_eq!(r.method, ResyncMethod::CondStore);
    assert!(r.new.is_empty() && r.vanished.is_empty() && r.flags_changed.is_empty());
    assert!(mailbox_events(&mut h).is_empty(), "nothing changed");
    let m = h.engine.selected().unwrap();
    assert_eq!(m.uid(seq(3)), Some(uid(3)));
}
