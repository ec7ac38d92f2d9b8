//! FETCH, streamed sections, search, sort, thread, flags.

use crate::session::logged_in;
use imap_core::ops::fetch::FetchQuery;
use imap_core::ops::op::Missing;
use imap_core::ops::search::Query;
use imap_core::ops::{Commands, OpError};
use imap_core::types::{Flag, Section, SeqSet, Uid, UidSet};

fn uid(n: u32) -> Uid {
    Uid::new(n).unwrap()
}

fn selected(caps: &str) -> crate::harness::Harness {
    let mut h = logged_in(&format!(
        "* OK [CAPABILITY {}] hi\r\n",
        format!("IMAP4rev1 {caps}").trim_end()
    ));
    h.expect("SELECT INBOX", "* 2 EXISTS\r\n{tag} OK [READ-WRITE] ok\r\n");
    h.select("INBOX").unwrap();
    h
}

#[test]
fn fetch_keys_by_uid_and_its_results_are_not_events() {
    let mut h = selected("");
    h.expect(
        "UID FETCH 1:2 (UID FLAGS)",
        "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* 2 FETCH (UID 2 FLAGS ())\r\n{tag} OK ok\r\n",
    );
    let m = h
        .fetch(&UidSet::range(uid(1), uid(2)), &FetchQuery::new().flags())
        .unwrap();
    assert_eq!(m[&uid(1)].flags.as_deref(), Some(&[Flag::Seen][..]));
    assert_eq!(h.engine.pending_events(), 0, "FETCH results are its own");
}

/// A streamed FETCH (issue 16 point 5): each response handed out as a message, `None` at the
/// end and after it; the model learns every UID; the answers are not events.
#[test]
fn a_streamed_fetch_hands_out_each_message_then_none() {
    use imap_core::ops::{FetchStream, op};
    let mut h = selected("");
    h.expect(
        "UID FETCH 1:* (UID FLAGS)",
        "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* 2 FETCH (UID 2 FLAGS ())\r\n{tag} OK ok\r\n",
    );
    let query = FetchQuery::new().flags();
    let id = h
        .run(op::FetchStart::new(query.command(UidSet::all())))
        .unwrap();
    let mut stream = FetchStream::new(&mut h, id);
    let first = stream.next().unwrap().unwrap();
    assert_eq!(
        (first.uid, first.flags.as_deref()),
        (Some(uid(1)), Some(&[Flag::Seen][..]))
    );
    let second = stream.next().unwrap().unwrap();
    assert_eq!(second.uid, Some(uid(2)));
    assert!(stream.next().unwrap().is_none());
    assert!(stream.next().unwrap().is_none());
    assert_eq!(
        h.engine.pending_events(),
        0,
        "FETCH results are the stream's"
    );
    let seq2 = imap_core::types::SeqNum::new(2).unwrap();
    assert_eq!(h.engine.selected().unwrap().uid(seq2), Some(uid(2)));
}

/// A streamed FETCH the server refuses fails at `next`; one dropped half way leaves the rest of
/// its answer to the next operation, which drops it and runs as usual.
#[test]
fn a_refused_or_abandoned_streamed_fetch_leaves_the_connection_usable() {
    use imap_core::ops::{FetchStream, op};
    let mut h = selected("");
    h.expect("UID FETCH 1:* (UID FLAGS)", "{tag} NO [SERVERBUG] no\r\n");
    let query = FetchQuery::new().flags();
    let id = h
        .run(op::FetchStart::new(query.command(UidSet::all())))
        .unwrap();
    let e = FetchStream::new(&mut h, id).next().unwrap_err();
    assert!(e.is_no(), "{e:?}");
    h.expect(
        "UID FETCH 1:* (UID FLAGS)",
        "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* 2 FETCH (UID 2 FLAGS ())\r\n{tag} OK ok\r\n",
    );
    let id = h
        .run(op::FetchStart::new(query.command(UidSet::all())))
        .unwrap();
    // Abandoned after its first message.
    assert!(FetchStream::new(&mut h, id).next().unwrap().is_some());
    h.expect("NOOP", "{tag} OK done\r\n");
    h.noop().unwrap();
    assert_eq!(
        h.engine.pending_events(),
        0,
        "the abandoned answer is dropped"
    );
    h.expect(
        "UID FETCH 2 (UID FLAGS)",
        "* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\n{tag} OK ok\r\n",
    );
    let m = h.fetch(&UidSet::single(uid(2)), &query).unwrap();
    assert_eq!(m[&uid(2)].flags.as_deref(), Some(&[Flag::Flagged][..]));
}

/// Text forms (issue 14 point 8): a set and FETCH items as imaplib takes them, sent as written
/// (`UID` added); a typo fails before anything is sent, pointing at the offending character.
#[test]
fn fetch_text_sends_what_the_text_says_and_a_typo_sends_nothing() {
    let mut h = selected("");
    h.expect(
        "UID FETCH 1:2,5 (UID FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])",
        "* 1 FETCH (UID 1 FLAGS (\\Seen) BODY[HEADER.FIELDS (FROM SUBJECT)] {9}\r\nFrom: a\r\n)\r\n{tag} OK ok\r\n",
    );
    let m = h
        .fetch_text("1:2,5", "(FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])")
        .unwrap();
    assert_eq!(m[&uid(1)].flags.as_deref(), Some(&[Flag::Seen][..]));
    let sent = h.peer.lines.len();
    let e = h
        .fetch_text("1:2,5", "(FLAGS BODY.PEEK[HEADER.FIELDS FROM])")
        .unwrap_err();
    let OpError::Query(e) = e else {
        panic!("{e:?}")
    };
    assert_eq!((e.column, e.expected), (32, "("));
    let e = h.fetch_seq_text("1:x", "FLAGS").unwrap_err();
    assert!(matches!(&e, OpError::Query(t) if t.column == 3), "{e:?}");
    assert_eq!(h.peer.lines.len(), sent);
}

#[test]
fn fetch_one_missing_is_not_found() {
    let mut h = selected("");
    h.expect("UID FETCH 9 UID", "{tag} OK nothing\r\n");
    let e = h.fetch_one(uid(9), &FetchQuery::new()).unwrap_err();
    assert_eq!(e, OpError::NotFound(Missing::Message(uid(9))));
}

#[test]
fn a_small_section_is_handed_over_whole() {
    let mut h = selected("");
    h.expect(
        "UID FETCH 1 (UID BODY.PEEK[])",
        "* 1 FETCH (UID 1 BODY[] {5}\r\nhello)\r\n{tag} OK ok\r\n",
    );
    assert_eq!(h.stream_section(uid(1), Section::default()).unwrap(), 5);
    assert_eq!(h.sink, b"hello");
}

#[test]
fn a_large_section_is_streamed_in_chunks() {
    let mut h = selected("");
    let body = vec![b'x'; 200 * 1024];
    let mut reply = format!("* 1 FETCH (UID 1 BODY[] {{{}}}\r\n", body.len()).into_bytes();
    reply.extend_from_slice(&body);
    reply.extend_from_slice(b")\r\n{tag} OK ok\r\n");
    h.expect(
        "UID FETCH 1 (UID BODY.PEEK[])",
        &String::from_utf8(reply).unwrap(),
    );
    let n = h.stream_section(uid(1), Section::default()).unwrap();
    assert_eq!(n, body.len() as u64);
    assert_eq!(h.sink, body);
    // The threshold is back to what it was.
    assert_eq!(h.engine.client().stream_threshold(), None);
}

#[test]
fn an_abandoned_stream_is_discarded_and_the_connection_goes_on() {
    let mut h = selected("");
    h.expect(
        "UID FETCH 1 (UID BODY.PEEK[])",
        "* 1 FETCH (UID 1 BODY[] {200000}\r\n",
    )
    .expect("NOOP", "{tag} OK noop\r\n");
    let mut run = h.engine.start(
        imap_core::ops::op::StreamSection::new(uid(1), Section::default()),
        h.now,
    );
    assert!(h.turn(&mut run).is_err(), "waiting for the literal");
    // Half the literal arrives while the operation runs: it is streamed.
    h.peer.output.extend_from_slice(&vec![b'x'; 100_000]);
    assert!(h.turn(&mut run).is_err());
    let streamed = h.sink.len();
    assert!(streamed > 0);
    drop(run);
    // The rest arrives during the next operation: read and discarded.
    h.peer.output.extend_from_slice(&vec![b'x'; 100_000]);
    h.peer.output.extend_from_slice(b")\r\nA0004 OK done\r\n");
    h.noop().unwrap();
    assert_eq!(h.sink.len(), streamed, "nothing more reached the sink");
    assert_eq!(h.engine.client().stream_threshold(), None);
    assert!(h.script_done());
}

#[test]
fn search_uses_esearch_when_offered() {
    let mut h = selected("ESEARCH");
    h.expect(
        "UID SEARCH RETURN (ALL) UNSEEN",
        "* ESEARCH (TAG \"{tag}\") UID ALL 1:3,7\r\n{tag} OK ok\r\n",
    );
    let found = h.search(&Query::new().unseen()).unwrap();
    assert_eq!(found.len(), 4);
    assert!(h.script_done());
}

#[test]
fn search_without_esearch_is_plain() {
    let mut h = selected("");
    h.expect("UID SEARCH UNSEEN", "* SEARCH 3 1 2\r\n{tag} OK ok\r\n");
    let found = h.search(&Query::new().unseen()).unwrap();
    assert_eq!(
        found.iter().collect::<Vec<_>>(),
        vec![uid(1), uid(2), uid(3)]
    );
}

#[test]
fn search_text_that_does_not_parse_sends_nothing() {
    let mut h = selected("");
    let sent = h.peer.lines.len();
    let e = h.search_text("SINCE yesterday(").unwrap_err();
    assert!(matches!(e, OpError::Query(_)), "{e:?}");
    assert_eq!(h.peer.lines.len(), sent);
}

#[test]
fn sort_keeps_the_servers_order_and_thread_checks_the_algorithm() {
    let mut h = selected("SORT");
    h.expect(
        "UID SORT (DATE) UTF-8 ALL",
        "* SORT 5 2 9\r\n{tag} OK ok\r\n",
    );
    let sorted = h
        .sort(
            &[imap_core::ops::search::sort_by(
                imap_core::types::SortKey::Date,
            )],
            &Query::all(),
        )
        .unwrap();
    assert_eq!(sorted, vec![uid(5), uid(2), uid(9)]);
    let e = h.thread("NOT AN ATOM", &Query::all()).unwrap_err();
    assert!(matches!(e, OpError::Usage(_)), "{e:?}");
}

#[test]
fn store_by_sequence_numbers_names_messages_by_uid_from_the_model() {
    let mut h = selected("");
    h.expect(
        "FETCH 1:* UID",
        "* 1 FETCH (UID 4)\r\n* 2 FETCH (UID 8)\r\n{tag} OK ok\r\n",
    )
    .expect(
        "STORE 2 +FLAGS (\\Flagged)",
        "* 2 FETCH (FLAGS (\\Flagged))\r\n{tag} OK ok\r\n",
    );
    h.fetch_seq(&SeqSet::all(), &FetchQuery::new()).unwrap();
    let flags = h
        .add_flags(
            SeqSet::single(imap_core::types::SeqNum::new(2).unwrap()),
            &[Flag::Flagged],
        )
        .unwrap();
    assert_eq!(flags[&uid(8)], vec![Flag::Flagged]);
    let e = h
        .add_keywords(UidSet::single(uid(4)), &["not one"])
        .unwrap_err();
    assert!(matches!(e, OpError::Usage(_)), "{e:?}");
}
