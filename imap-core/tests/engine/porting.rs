//! The commands imaplib and IMAPClient users reach for that the rest of the engine tests do
//! not cover: CHECK, PROXYAUTH, XLIST, MULTIAPPEND, FETCH CHANGEDSINCE, SEARCH CHARSET, THREAD
//! and MOVE by sequence numbers, Gmail labels in modified UTF-7.

use crate::harness::Harness;
use crate::session::logged_in;
use imap_core::client::UsageError;
use imap_core::ops::charset::CharsetError;
use imap_core::ops::fetch::FetchQuery;
use imap_core::ops::folders::SpecialUse;
use imap_core::ops::messages::AppendItem;
use imap_core::ops::search::Query;
use imap_core::ops::{Commands, OpError};
use imap_core::types::{Date, DateTime, Flag, Mailbox, SeqSet, Uid, UidSet};

fn uid(n: u32) -> Uid {
    Uid::new(n).unwrap()
}

fn seq(n: u32) -> imap_core::types::SeqNum {
    imap_core::types::SeqNum::new(n).unwrap()
}

/// Logged in to a server with `caps`.
fn server(caps: &str) -> Harness {
    logged_in(&format!(
        "* OK [CAPABILITY {}] hi\r\n",
        format!("IMAP4rev1 {caps}").trim_end()
    ))
}

/// [`server`] with INBOX selected: three messages, UIDs unknown to the model.
fn selected(caps: &str) -> Harness {
    let mut h = server(caps);
    h.expect(
        "SELECT INBOX",
        "* 3 EXISTS\r\n* OK [UIDVALIDITY 1] v\r\n{tag} OK [READ-WRITE] ok\r\n",
    );
    h.select("INBOX").unwrap();
    h
}

fn date(day: u8) -> DateTime {
    DateTime::new(Date::new(2024, 2, day).unwrap(), 9, 30, 0, 60).unwrap()
}

#[test]
fn check_sends_check() {
    let mut h = selected("");
    h.expect("CHECK", "{tag} OK checked\r\n");
    h.check().unwrap();
    assert!(h.script_done());
}

#[test]
fn check_without_a_selected_folder_is_refused_locally() {
    let mut h = server("");
    let sent = h.peer.lines.len();
    assert!(matches!(
        h.check().unwrap_err(),
        OpError::Usage(UsageError::WrongState { .. })
    ));
    assert_eq!(h.peer.lines.len(), sent);
}

#[test]
fn proxy_auth_sends_the_user_as_an_astring() {
    let mut h = server("");
    h.expect("PROXYAUTH \"bob smith\"", "{tag} OK proxied\r\n");
    h.proxy_auth("bob smith").unwrap();
    h.expect("PROXYAUTH carol", "{tag} NO not an admin\r\n");
    assert!(h.proxy_auth("carol").unwrap_err().is_no());
    assert!(h.script_done());
}

#[test]
fn xlist_reads_gmail_roles_as_special_use() {
    let mut h = server("XLIST");
    h.expect(
        "XLIST \"\" *",
        concat!(
            "* XLIST (\\HasNoChildren \\Inbox) \"/\" \"Posteingang\"\r\n",
            "* XLIST (\\Noselect \\HasChildren) \"/\" \"[Gmail]\"\r\n",
            "* XLIST (\\HasNoChildren \\AllMail) \"/\" \"[Gmail]/Alle Nachrichten\"\r\n",
            "* XLIST (\\HasNoChildren \\Spam) \"/\" \"[Gmail]/Spam\"\r\n",
            "* XLIST (\\HasNoChildren \\Starred) \"/\" \"[Gmail]/Markiert\"\r\n",
            "* XLIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Gesendet\"\r\n",
            "* XLIST (\\HasNoChildren \\Trash) \"/\" \"[Gmail]/Papierkorb\"\r\n",
            "{tag} OK done\r\n",
        ),
    );
    let folders = h.xlist_folders("*").unwrap();
    let role = |name: &str| {
        folders
            .iter()
            .find(|f| f.name == Mailbox::new(name))
            .and_then(|f| f.special_use())
    };
    assert_eq!(folders.len(), 7);
    assert_eq!(role("[Gmail]/Alle Nachrichten"), Some(SpecialUse::All));
    assert_eq!(role("[Gmail]/Spam"), Some(SpecialUse::Junk));
    assert_eq!(role("[Gmail]/Markiert"), Some(SpecialUse::Flagged));
    assert_eq!(role("[Gmail]/Gesendet"), Some(SpecialUse::Sent));
    assert_eq!(role("[Gmail]/Papierkorb"), Some(SpecialUse::Trash));
    assert_eq!(role("Posteingang"), None);
    assert!(!folders[1].is_selectable());
}

#[test]
fn multiappend_sends_every_message_in_one_append_and_names_each_uid() {
    let mut h = server("MULTIAPPEND UIDPLUS LITERAL+");
    h.expect(
        "APPEND Archive (\\Seen) \"01-Feb-2024 09:30:00 +0100\" {5+}",
        "",
    )
    .expect(" \"02-Feb-2024 09:30:00 +0100\" {6+}", "")
    .expect("", "{tag} OK [APPENDUID 7 20:21] appended\r\n");
    let appended = h
        .multiappend(
            "Archive",
            vec![
                AppendItem::new(&b"first"[..])
                    .flags(vec![Flag::Seen])
                    .date(Some(date(1))),
                AppendItem::new(&b"second"[..]).date(Some(date(2))),
            ],
        )
        .unwrap();
    assert_eq!(appended.len(), 2);
    assert_eq!(appended[0].uid, Some(uid(20)));
    assert_eq!(appended[1].uid, Some(uid(21)));
    assert_eq!(appended[1].uid_validity.map(|v| v.get()), Some(7));
    assert!(h.script_done());
}

#[test]
fn multiappend_without_the_capability_is_refused_locally() {
    let mut h = server("UIDPLUS");
    let sent = h.peer.lines.len();
    let e = h
        .multiappend("Archive", vec![AppendItem::new(&b"x"[..])])
        .unwrap_err();
    assert_eq!(
        e,
        OpError::Usage(UsageError::MissingCapability("MULTIAPPEND"))
    );
    assert_eq!(h.peer.lines.len(), sent);
    assert_eq!(h.multiappend("Archive", Vec::new()).unwrap(), vec![]);
}

#[test]
fn fetch_changed_since_asks_modseq_with_the_modifier() {
    let mut h = selected("CONDSTORE");
    h.expect(
        "UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE 12345)",
        "* 2 FETCH (UID 8 FLAGS (\\Seen) MODSEQ (12350))\r\n{tag} OK ok\r\n",
    );
    let query = FetchQuery::new().flags().changed_since(12345);
    let m = h.fetch(&UidSet::all(), &query).unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[&uid(8)].modseq, Some(12350));
    h.expect(
        "FETCH 1:3 (UID MODSEQ) (CHANGEDSINCE 7)",
        "{tag} OK nothing changed\r\n",
    );
    let none = h
        .fetch_seq(
            &SeqSet::range(seq(1), seq(3)),
            &FetchQuery::new().changed_since(7),
        )
        .unwrap();
    assert!(none.is_empty());
    assert!(h.script_done());
}

#[test]
fn search_with_a_charset_writes_the_strings_in_it() {
    let mut h = selected("");
    // "Grüße" in ISO-8859-1 is 5 bytes with two non-ASCII ones: a literal.
    h.expect("UID SEARCH CHARSET ISO-8859-1 SUBJECT {5}", "+ go on\r\n")
        .expect("", "* SEARCH 4 9\r\n{tag} OK done\r\n");
    let found = h
        .search_charset(&Query::new().subject("Grüße"), "ISO-8859-1")
        .unwrap();
    assert_eq!(found.iter().collect::<Vec<_>>(), vec![uid(4), uid(9)]);
    assert!(h.script_done());
}

#[test]
fn search_with_a_charset_uses_esearch_when_offered_and_seq_numbers_when_asked() {
    let mut h = selected("ESEARCH");
    h.expect(
        "UID SEARCH RETURN (ALL) CHARSET KOI8-R FROM alice",
        "* ESEARCH (TAG \"{tag}\") UID ALL 3:5\r\n{tag} OK done\r\n",
    );
    let found = h
        .search_charset(&Query::new().from("alice"), "KOI8-R")
        .unwrap();
    assert_eq!(found.len(), 3);
    h.expect(
        "SEARCH CHARSET US-ASCII UNSEEN",
        "* SEARCH 1 3\r\n{tag} OK done\r\n",
    );
    let seqs = h
        .search_seq_charset(&Query::new().unseen(), "US-ASCII")
        .unwrap();
    assert_eq!(seqs.iter().collect::<Vec<_>>(), vec![seq(1), seq(3)]);
    assert!(h.script_done());
}

#[test]
fn search_text_the_charset_cannot_write_sends_nothing() {
    let mut h = selected("");
    let sent = h.peer.lines.len();
    let e = h
        .search_charset(&Query::new().subject("€ 5"), "ISO-8859-1")
        .unwrap_err();
    assert_eq!(
        e,
        OpError::Charset(CharsetError::Unmappable {
            charset: "ISO-8859-1".into(),
            ch: '€'
        })
    );
    let e = h
        .search_seq_charset(&Query::new().subject("日本"), "US-ASCII")
        .unwrap_err();
    assert!(matches!(e, OpError::Charset(_)));
    assert_eq!(h.peer.lines.len(), sent);
}

#[test]
fn sort_and_thread_take_the_charset_of_the_query() {
    let mut h = selected("SORT THREAD=REFERENCES");
    let query = Query::new()
        .subject("Grüße")
        .in_charset("ISO-8859-1")
        .unwrap();
    h.expect("THREAD REFERENCES ISO-8859-1 SUBJECT {5}", "+ go on\r\n")
        .expect("", "* THREAD (2)\r\n{tag} OK done\r\n");
    assert_eq!(
        h.thread_seq("REFERENCES", &query).unwrap()[0].members,
        vec![2]
    );
    h.expect("UID SORT (DATE) ISO-8859-1 SUBJECT {5}", "+ go on\r\n")
        .expect("", "* SORT 7\r\n{tag} OK done\r\n");
    let sorted = h
        .sort(
            &[imap_core::ops::search::sort_by(
                imap_core::types::SortKey::Date,
            )],
            &query,
        )
        .unwrap();
    assert_eq!(sorted, vec![uid(7)]);
    assert!(h.script_done());
}

#[test]
fn thread_by_sequence_numbers() {
    let mut h = selected("THREAD=REFERENCES");
    h.expect(
        "THREAD REFERENCES UTF-8 ALL",
        "* THREAD (1 3)(2)\r\n{tag} OK done\r\n",
    );
    let threads = h.thread_seq("REFERENCES", &Query::all()).unwrap();
    assert_eq!(threads.len(), 2);
    assert_eq!(threads[0].members, vec![1, 3]);
    assert!(h.script_done());
}

#[test]
fn move_by_sequence_numbers_uses_move_when_offered() {
    let mut h = selected("MOVE UIDPLUS");
    h.expect(
        "MOVE 2:3 Archive",
        "* OK [COPYUID 9 11:12 1:2] moved\r\n* 2 EXPUNGE\r\n* 2 EXPUNGE\r\n{tag} OK done\r\n",
    );
    let mapping = h
        .move_seq(&SeqSet::range(seq(2), seq(3)), "Archive")
        .unwrap()
        .unwrap();
    assert_eq!(mapping.destination(uid(12)), Some(uid(2)));
    assert_eq!(h.engine.selected().unwrap().exists(), 1);
    assert!(h.script_done());
}

#[test]
fn move_by_sequence_numbers_without_move_asks_their_uids_first() {
    let mut h = selected("UIDPLUS");
    h.expect(
        "FETCH 2:3 UID",
        "* 2 FETCH (UID 11)\r\n* 3 FETCH (UID 12)\r\n{tag} OK ok\r\n",
    )
    .expect(
        "UID COPY 11:12 Archive",
        "{tag} OK [COPYUID 9 11:12 1:2] copied\r\n",
    )
    .expect(
        "UID STORE 11:12 +FLAGS (\\Deleted)",
        "* 2 FETCH (FLAGS (\\Deleted))\r\n* 3 FETCH (FLAGS (\\Deleted))\r\n{tag} OK ok\r\n",
    );
    // The model does not know the UID of message 1: UID EXPUNGE looks it up first.
    h.expect("UID FETCH 11:12 UID", "{tag} OK ok\r\n").expect(
        "UID EXPUNGE 11:12",
        "* 2 EXPUNGE\r\n* 2 EXPUNGE\r\n{tag} OK expunged\r\n",
    );
    let mapping = h
        .move_seq(&SeqSet::range(seq(2), seq(3)), "Archive")
        .unwrap()
        .unwrap();
    assert_eq!(mapping.destination(uid(11)), Some(uid(1)));
    assert_eq!(h.engine.selected().unwrap().exists(), 1);
    assert!(h.script_done());
}

#[test]
fn move_by_sequence_numbers_of_nothing_moves_nothing() {
    let mut h = selected("UIDPLUS");
    h.expect("FETCH 3 UID", "{tag} OK ok\r\n");
    assert_eq!(
        h.move_seq(&SeqSet::single(seq(3)), "Archive").unwrap(),
        None
    );
    assert!(h.script_done());
}

#[test]
fn gmail_labels_are_read_and_written_in_modified_utf7() {
    let mut h = selected("X-GM-EXT-1");
    h.expect(
        "UID FETCH 5 (UID X-GM-LABELS)",
        "* 1 FETCH (UID 5 X-GM-LABELS (\\Important \"Gr&APwA3w-e\" &ZeVnLIqe- \"R&-D\"))\r\n{tag} OK ok\r\n",
    );
    let labels = h.labels(UidSet::single(uid(5))).unwrap();
    assert_eq!(
        labels[&uid(5)],
        vec!["\\Important", "Grüße", "日本語", "R&D"]
    );
    h.expect(
        "UID STORE 5 +X-GM-LABELS (Gr&APwA3w-e R&-D)",
        "{tag} OK stored\r\n",
    );
    h.add_labels(UidSet::single(uid(5)), &["Grüße", "R&D"])
        .unwrap();
    h.expect(
        "UID SEARCH X-GM-LABELS &ZeVnLIqe-",
        "* SEARCH 5\r\n{tag} OK done\r\n",
    );
    let found = h.search(&Query::new().gmail_label("日本語")).unwrap();
    assert_eq!(found.iter().collect::<Vec<_>>(), vec![uid(5)]);
    assert!(h.script_done());
}
