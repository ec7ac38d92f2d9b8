//! Whole-message operations: MOVE and its fallback, UID EXPUNGE and its UID look-up,
//! delete-and-expunge, APPEND, COPY.

use crate::harness::Harness;
use crate::session::logged_in;
use imap_core::client::UsageError;
use imap_core::ops::{Commands, OpError};
use imap_core::types::{Uid, UidSet};

fn uid(n: u32) -> Uid {
    Uid::new(n).unwrap()
}

fn uids(a: u32, b: u32) -> UidSet {
    UidSet::range(uid(a), uid(b))
}

/// Logged in to a server with `caps`, INBOX selected with three messages of UIDs 10..=12
/// (known to the model).
fn selected(caps: &str) -> Harness {
    let mut h = logged_in(&format!(
        "* OK [CAPABILITY {}] hi\r\n",
        format!("IMAP4rev1 {caps}").trim_end()
    ));
    h.expect(
        "SELECT INBOX",
        "* 3 EXISTS\r\n* OK [UIDVALIDITY 1] v\r\n{tag} OK [READ-WRITE] ok\r\n",
    )
    .expect(
        "FETCH 1:* UID",
        "* 1 FETCH (UID 10)\r\n* 2 FETCH (UID 11)\r\n* 3 FETCH (UID 12)\r\n{tag} OK ok\r\n",
    );
    h.select("INBOX").unwrap();
    h.fetch_set(
        imap_core::types::SeqSet::all(),
        &imap_core::ops::fetch::FetchQuery::new(),
    )
    .unwrap();
    h
}

#[test]
fn move_uses_move_when_offered() {
    let mut h = selected("MOVE UIDPLUS");
    h.expect(
        "UID MOVE 11:12 Archive",
        "* OK [COPYUID 9 11:12 1:2] moved\r\n* 2 EXPUNGE\r\n* 2 EXPUNGE\r\n{tag} OK done\r\n",
    );
    let mapping = h.move_messages(&uids(11, 12), "Archive").unwrap().unwrap();
    assert_eq!(mapping.destination(uid(12)), Some(uid(2)));
    assert_eq!(h.engine.selected().unwrap().exists(), 1);
    assert_eq!(h.engine.pending_events(), 0, "MOVE's expunges are its own");
    assert!(h.script_done());
}

#[test]
fn move_without_move_copies_flags_and_uid_expunges() {
    let mut h = selected("UIDPLUS");
    h.expect(
        "UID COPY 11:12 Archive",
        "{tag} OK [COPYUID 9 11:12 1:2] copied\r\n",
    )
    .expect(
        "UID STORE 11:12 +FLAGS (\\Deleted)",
        "* 2 FETCH (FLAGS (\\Deleted))\r\n* 3 FETCH (FLAGS (\\Deleted))\r\n{tag} OK ok\r\n",
    )
    .expect(
        "UID EXPUNGE 11:12",
        "* 2 EXPUNGE\r\n* 2 EXPUNGE\r\n{tag} OK expunged\r\n",
    );
    let mapping = h.move_messages(&uids(11, 12), "Archive").unwrap().unwrap();
    assert_eq!(mapping.destination(uid(11)), Some(uid(1)));
    assert_eq!(h.engine.selected().unwrap().exists(), 1);
    assert!(h.script_done());
}

#[test]
fn move_without_move_or_uidplus_is_refused_locally() {
    let mut h = selected("IDLE");
    let sent = h.peer.lines.len();
    let e = h.move_messages(&uids(11, 12), "Archive").unwrap_err();
    assert_eq!(
        e,
        OpError::Usage(UsageError::MissingCapability("MOVE or UIDPLUS"))
    );
    assert_eq!(h.peer.lines.len(), sent, "nothing sent");
}

#[test]
fn uid_expunge_names_the_removed_messages_by_uid() {
    let mut h = selected("UIDPLUS");
    h.expect("UID EXPUNGE 12", "* 3 EXPUNGE\r\n{tag} OK ok\r\n");
    let gone = h.expunge_uids(&UidSet::single(uid(12))).unwrap();
    assert_eq!(gone.uids().iter().collect::<Vec<_>>(), vec![uid(12)]);
    assert_eq!(gone.messages[0].seq.get(), 3);
    assert!(h.script_done());
}

#[test]
fn uid_expunge_looks_up_unknown_uids_first() {
    let mut h = selected("UIDPLUS");
    // A new message arrives; the model does not know its UID.
    h.expect("NOOP", "* 4 EXISTS\r\n{tag} OK ok\r\n");
    h.noop().unwrap();
    h.expect("UID FETCH 13 UID", "* 4 FETCH (UID 13)\r\n{tag} OK ok\r\n")
        .expect("UID EXPUNGE 13", "* 4 EXPUNGE\r\n{tag} OK ok\r\n");
    let gone = h.expunge_uids(&UidSet::single(uid(13))).unwrap();
    assert_eq!(gone.uids().iter().collect::<Vec<_>>(), vec![uid(13)]);
    assert!(h.script_done());
}

#[test]
fn uid_expunge_without_uidplus_is_refused_locally() {
    let mut h = selected("IDLE");
    let e = h.expunge_uids(&UidSet::single(uid(12))).unwrap_err();
    assert_eq!(e, OpError::Usage(UsageError::MissingCapability("UIDPLUS")));
}

#[test]
fn delete_and_expunge_without_uidplus_falls_back_to_expunge() {
    let mut h = selected("IDLE");
    h.expect("UID STORE 11 +FLAGS.SILENT (\\Deleted)", "{tag} OK ok\r\n")
        .expect("EXPUNGE", "* 2 EXPUNGE\r\n{tag} OK ok\r\n");
    let gone = h.delete_and_expunge(&UidSet::single(uid(11))).unwrap();
    assert_eq!(gone.uids().iter().collect::<Vec<_>>(), vec![uid(11)]);
    assert!(h.script_done());
}

#[test]
fn delete_and_expunge_with_uidplus_expunges_only_those() {
    let mut h = selected("UIDPLUS");
    h.expect("UID STORE 11 +FLAGS.SILENT (\\Deleted)", "{tag} OK ok\r\n")
        .expect("UID EXPUNGE 11", "* 2 EXPUNGE\r\n{tag} OK ok\r\n");
    let gone = h.delete_and_expunge(&UidSet::single(uid(11))).unwrap();
    assert_eq!(gone.count(), 1);
    assert!(h.script_done());
}

#[test]
fn append_without_literal_plus_waits_for_the_continuation() {
    let mut h = selected("UIDPLUS");
    // Without a date, APPEND sends now in the local zone (not `+0000`).
    h.expect("APPEND Sent (\\Seen) \"", "")
        .expect("", "{tag} OK [APPENDUID 9 44] appended\r\n");
    let a = h
        .append("Sent", b"hello", &[imap_core::types::Flag::Seen], None)
        .unwrap();
    assert_eq!(a.uid, Some(uid(44)));
    assert!(h.script_done());
    let line = h.peer.lines.iter().find(|l| l.contains("APPEND")).unwrap();
    let (_, rest) = line.split_once('"').unwrap();
    let (date, literal) = rest.split_once('"').unwrap();
    assert_eq!(literal, " {5}");
    let date = imap_core::ops::date::parse_date_time(date).unwrap();
    assert_eq!(
        date.zone_minutes,
        imap_core::decode::date::local_offset_minutes(date.unix_timestamp())
    );
}

#[test]
fn copy_without_uidplus_has_no_mapping() {
    let mut h = selected("IDLE");
    h.expect("UID COPY 10 Archive", "{tag} OK copied\r\n");
    assert_eq!(h.copy(UidSet::single(uid(10)), "Archive").unwrap(), None);
}
