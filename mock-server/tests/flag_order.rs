//! Issue 15, item 1: a session is never told a message's flags or MODSEQ going backwards.
//!
//! Each `FETCH (FLAGS ..)` replaces the client's flag set for the message (RFC 9051 section
//! 7.5.2) and mod-sequences only grow (RFC 7162 section 3.1). Another session's older change,
//! still queued for this session when it runs its own STORE or FETCH, must not be sent after
//! the newer state that command reported.

mod common;
mod text;

use text::{Conn, MSG, server_with};

/// A selected first and took `\\Recent` for both messages; B did not.
fn two_sessions() -> (Conn, Conn) {
    let srv = server_with(&[MSG, MSG]);
    // ENABLE before SELECT: RFC 9051 section 6.3.1, which the server checks.
    let condstore_selected = || {
        let mut c = Conn::new(&srv);
        c.ok("l LOGIN u pw");
        c.ok("e ENABLE CONDSTORE");
        c.ok("s SELECT INBOX");
        c
    };
    let a = condstore_selected();
    let b = condstore_selected();
    (a, b)
}

/// The conversation of the issue: B sets `\Seen`, then A sets `\Flagged` on the same message.
/// A was told the state after both (MODSEQ 5) and must not then hear B's (MODSEQ 4).
#[test]
fn another_sessions_older_store_is_not_sent_after_a_newer_one() {
    let (mut a, mut b) = two_sessions();
    assert_eq!(
        b.cmd("b1 STORE 1 +FLAGS (\\Seen)"),
        "* 1 FETCH (FLAGS (\\Seen) MODSEQ (4))\r\nb1 OK STORE completed\r\n"
    );
    assert_eq!(
        a.cmd("a1 STORE 1 +FLAGS (\\Flagged)"),
        "* 1 FETCH (FLAGS (\\Seen \\Flagged \\Recent) MODSEQ (5))\r\na1 OK STORE completed\r\n"
    );
    // B hears A's change, once, as it is now.
    assert_eq!(
        b.cmd("b2 NOOP"),
        "* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged) MODSEQ (5))\r\nb2 OK NOOP completed\r\n"
    );
    assert_eq!(a.cmd("a2 NOOP"), "a2 OK NOOP completed\r\n");
}

/// The same with FETCH FLAGS instead of STORE: what FETCH reported is not followed by the
/// older change it already includes.
#[test]
fn fetch_flags_is_not_followed_by_an_older_change() {
    let (mut a, mut b) = two_sessions();
    b.ok("b1 STORE 2 +FLAGS (\\Answered)");
    b.ok("b2 STORE 2 +FLAGS (\\Draft)");
    assert_eq!(
        a.cmd("a1 FETCH 2 (FLAGS)"),
        "* 2 FETCH (FLAGS (\\Answered \\Draft \\Recent) MODSEQ (5))\r\na1 OK FETCH completed\r\n"
    );
    assert_eq!(a.cmd("a2 NOOP"), "a2 OK NOOP completed\r\n");
}

/// Several changes by others to one message since the session last looked: one FETCH, the
/// latest state. A change after the session's own STORE is still announced.
#[test]
fn changes_by_others_collapse_to_the_current_state() {
    let (mut a, mut b) = two_sessions();
    b.ok("b1 STORE 1 +FLAGS (\\Seen)");
    a.ok("a1 STORE 1 +FLAGS.SILENT (\\Flagged)");
    b.ok("b2 STORE 1 -FLAGS (\\Seen)");
    assert_eq!(
        a.cmd("a2 NOOP"),
        "* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent) MODSEQ (6))\r\na2 OK NOOP completed\r\n"
    );
}

/// Checks that every FETCH of message 1 in `responses` has a MODSEQ at least the last one's
/// (the same MODSEQ, the same flags); returns the last (MODSEQ, flags without `\Recent`).
fn monotone(
    responses: &[imap_core::types::Response],
    mut last: Option<(u64, Vec<String>)>,
) -> Result<Option<(u64, Vec<String>)>, String> {
    use imap_core::types::{Data, FetchData, Flag, Response};
    for resp in responses {
        let Response::Data(Data::Fetch { seq, data }) = resp else {
            continue;
        };
        if seq.get() != 1 {
            continue;
        }
        let mut flags: Vec<String> = Vec::new();
        let mut modseq = None;
        for d in data {
            match d {
                FetchData::Flags(f) => {
                    flags = f
                        .iter()
                        .filter(|f| **f != Flag::Recent)
                        .map(|f| format!("{f:?}"))
                        .collect();
                    flags.sort();
                }
                FetchData::ModSeq(m) => modseq = Some(*m),
                _ => {}
            }
        }
        let m = modseq.ok_or("a FETCH without MODSEQ")?;
        if let Some((lm, lf)) = &last
            && (m < *lm || (m == *lm && flags != *lf))
        {
            return Err(format!(
                "told {flags:?} MODSEQ {m} after {lf:?} MODSEQ {lm}"
            ));
        }
        last = Some((m, flags));
    }
    Ok(last)
}

/// The stress run of the issue: three connections on their own threads store flags on the
/// same message as fast as they can. Every FETCH each one is told about message 1 (STORE
/// answers and announcements alike, all with MODSEQ) has a MODSEQ at least the last one's
/// (the same MODSEQ, the same flags); after a final NOOP each has the store's flags. On the
/// code before the fix, a client is told an older state within the first few stores.
#[test]
fn concurrent_stores_never_go_backwards() {
    use common::Raw;
    use mock_server::store::Store;
    use std::sync::{Arc, Barrier};

    let store = Store::builder()
        .user("u", "pw")
        .mailbox("INBOX")
        .message(MSG, &[], None)
        .build()
        .unwrap();
    let srv = mock_server::listener::MockServer::builder()
        .store(store)
        .build()
        .unwrap();
    let clients = 3;
    let mut conns: Vec<_> = (0..clients)
        .map(|_| {
            let mut c = Raw::new(srv.connect_in_memory());
            c.recv();
            c.run("l", "LOGIN u pw");
            c.run("e", "ENABLE CONDSTORE");
            c.run("s", "SELECT INBOX");
            c
        })
        .collect();
    // Each thread only stores and collects; the checks run here, so a failure cannot leave a
    // thread waiting.
    let start = Arc::new(Barrier::new(clients));
    let threads: Vec<_> = conns
        .drain(..)
        .enumerate()
        .map(|(i, mut c)| {
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                let mut told = Vec::new();
                for n in 0..150 {
                    let op = if n % 2 == 0 { '+' } else { '-' };
                    told.extend(c.run("t", &format!("STORE 1 {op}FLAGS (k{i}{})", n % 3)));
                }
                (c, told)
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let m = srv
        .store()
        .account("u")
        .unwrap()
        .message("INBOX", imap_core::types::Uid::new(1).unwrap())
        .unwrap()
        .unwrap();
    let mut want: Vec<String> = m.flags.iter().map(|f| format!("{f:?}")).collect();
    want.sort();
    for (i, (mut c, told)) in results.into_iter().enumerate() {
        let last = monotone(&told, None).unwrap_or_else(|e| panic!("client {i}: {e}"));
        let last =
            monotone(&c.run("n", "NOOP"), last).unwrap_or_else(|e| panic!("client {i}, NOOP: {e}"));
        assert_eq!(last, Some((m.modseq, want.clone())), "client {i}");
    }
}
