//! FETCH responses the session writes itself (kept ENVELOPE / BODY / BODYSTRUCTURE encodings,
//! many messages to a buffer) are byte for byte what the encoder writes for the same FETCH: a
//! session with a transcript takes the encoder's way for every response, one without takes the
//! written way for metadata, and two such sessions over identical stores doing the same things
//! must send the same bytes. Flags changed by STORE, renumbering after EXPUNGE, CONDSTORE's
//! MODSEQ, CHANGEDSINCE, UTF8=ACCEPT and IMAP4rev2 (no `\Recent`) are all in the conversation.

use imap_core::types::{DateTime, Flag};
use mock_server::listener::MockServer;
use mock_server::seed::utc;
use mock_server::session::MockSession;
use mock_server::store::Store;
use mock_server::transcript::Transcript;
use std::time::{Duration, Instant};

const MIXED: &str = "Date: Mon, 4 Mar 2024 10:00:00 +0100\r\nFrom: \"Doe, Jane\" <jane@example.com>\r\nTo: team: a@x, b@y;, c@z\r\nSubject: =?utf-8?q?Caf=C3=A9?= menu\r\nMessage-ID: <menu@example.com>\r\nIn-Reply-To: <q@example.com>\r\nContent-Type: multipart/mixed; boundary=\"sep\"\r\n\r\n--sep\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nToday:   soup =E2=80=93 bread\r\n--sep\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nFrom: x@y\r\n\r\ninner body\r\n--sep\r\nContent-Type: application/octet-stream; name=x.bin\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC/w==\r\n--sep--\r\n";

fn messages() -> Vec<(Vec<u8>, Vec<Flag>)> {
    let long_subject = format!("Subject: {}\r\n\r\nbody\r\n", "long ".repeat(300));
    vec![
        (MIXED.as_bytes().to_vec(), vec![Flag::Seen]),
        (
            "From: Ren\u{e9} <r@example.org>\r\nSubject: caf\u{e9} \"quoted\" \\ back\r\n\r\nhi\r\n"
                .as_bytes()
                .to_vec(),
            vec![Flag::Flagged, Flag::Keyword("$Label1".try_into().unwrap())],
        ),
        (long_subject.into_bytes(), vec![]),
        (b"no header at all".to_vec(), vec![Flag::Answered]),
        (
            b"Subject: with\r\n\tfolding\r\nCc: <a@b>, \"x\" <c@d>\r\n\r\nx\r\n".to_vec(),
            vec![],
        ),
    ]
}

fn store(now: DateTime) -> Store {
    let mut b = Store::builder()
        .clock(now)
        .uid_validity_seed(std::num::NonZeroU32::new(77).unwrap())
        .user("alice", "pw")
        .mailbox("INBOX");
    for (raw, flags) in messages() {
        b = b.message(raw, &flags, Some(now));
    }
    b.build().unwrap()
}

/// Sends `line`, then takes the output until the session has nothing more to do.
fn run(s: &mut MockSession, now: &mut Instant, line: &str) -> Vec<u8> {
    *now += Duration::from_millis(5);
    s.handle_input(*now, format!("{line}\r\n").as_bytes());
    let mut out = Vec::new();
    while s.poll_transmit(&mut out) > 0 || s.has_work() {}
    out
}

#[test]
fn written_fetch_responses_are_the_encoder_s_bytes() {
    let now = utc(2024, 5, 1, 12, 0);
    let plain = MockServer::builder().store(store(now)).build().unwrap();
    let recorded = MockServer::builder()
        .store(store(now))
        .transcript(Transcript::new())
        .build()
        .unwrap();
    let mut t = Instant::now();
    let mut a = plain.session(t);
    let mut b = recorded.session(t);
    let (mut wa, mut wb) = (Vec::new(), Vec::new());
    a.poll_transmit(&mut wa);
    b.poll_transmit(&mut wb);
    assert_eq!(wa, wb);
    let script = [
        "l LOGIN alice pw",
        "s SELECT INBOX",
        "f1 FETCH 1:* (FLAGS ENVELOPE)",
        "f2 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)",
        "f3 FETCH 2:4 (BODY FLAGS ENVELOPE)",
        "f4 FETCH 1:* (EMAILID THREADID SAVEDATE X-GM-MSGID X-GM-THRID PREVIEW)",
        "st STORE 1:2 +FLAGS ($Other)",
        "sd STORE 2 +FLAGS (\\Deleted)",
        "f5 FETCH 1:* (FLAGS)",
        "f6 FETCH 3 (FLAGS BODY.PEEK[HEADER] ENVELOPE)",
        "f7 FETCH 4 (BODY[TEXT] ENVELOPE)",
        "f8 FETCH 4 FLAGS",
        "e EXPUNGE",
        "f9 FETCH 1:* (FLAGS ENVELOPE)",
        "c1 FETCH 1:* (FLAGS MODSEQ)",
        "c2 FETCH 1:* (ENVELOPE FLAGS)",
        "c3 STORE 1 -FLAGS (\\Seen)",
        "c4 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1)",
        "un UNSELECT",
        "u ENABLE UTF8=ACCEPT IMAP4rev2",
        "us SELECT INBOX",
        "u1 FETCH 1:* (ENVELOPE BODYSTRUCTURE)",
        "r1 FETCH 1:* (FLAGS ENVELOPE)",
        "x FETCH 1:* ALL",
        "y FETCH 1:* FULL",
    ];
    for line in script {
        let x = run(&mut a, &mut t, line);
        let y = run(&mut b, &mut t, line);
        assert_eq!(
            String::from_utf8_lossy(&x),
            String::from_utf8_lossy(&y),
            "after {line}"
        );
        assert!(
            String::from_utf8_lossy(&x)
                .contains(&format!("{} OK", line.split(' ').next().unwrap())),
            "{line}: {}",
            String::from_utf8_lossy(&x)
        );
        wa.extend(x);
        wb.extend(y);
    }
    let text = String::from_utf8_lossy(&wa);
    // What the written way said is right, not only the same: STORE's flags are in the next
    // FETCH, EXPUNGE renumbered, MODSEQ came once CONDSTORE was on, rev2 dropped \Recent.
    assert!(
        text.contains("* 1 FETCH (FLAGS (\\Seen $Other \\Recent))"),
        "{text}"
    );
    assert!(text.contains("* 2 EXPUNGE"), "{text}");
    assert!(
        text.contains("* 2 FETCH (FLAGS (\\Recent) ENVELOPE (NIL {"),
        "{text}"
    );
    assert!(text.contains("* 1 FETCH (ENVELOPE ("), "{text}");
    assert!(text.contains(" MODSEQ ("), "{text}");
    let after_rev2 = &text[text.find("u OK").unwrap_or(0)..];
    assert!(!after_rev2.contains("\\Recent"), "{after_rev2}");
    assert_eq!(wa.len(), wb.len());
}
