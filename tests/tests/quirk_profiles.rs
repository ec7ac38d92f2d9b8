//! The sans-IO client against the mock server's byte-level quirk profiles, in memory:
//! [`Quirks::ExchangeBodyStructure`] (a Content-Disposition as a bare string, as Exchange /
//! Office 365 sends it) and [`Quirks::BareContinuation`] (`+` with neither space nor text, as
//! Yandex, public-inbox-imapd and SmarterMail send it). Each test checks the wire really
//! carries the quirk, then that the client reads through it.

use imap_core::client::Event;
use imap_core::types::*;
use imap_tests::Pair;
use mock_server::listener::MockServer;
use mock_server::session::options::Quirks;
use mock_server::store::Store;
use std::time::Instant;

const ATTACHED: &str = "From: a@example.org\r\nTo: b@example.org\r\nSubject: report\r\n\
Date: Mon, 7 Feb 1994 21:52:25 -0800\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\
Content-Type: text/plain; charset=us-ascii\r\nContent-Disposition: inline\r\n\r\nHi.\r\n\
--b1\r\nContent-Type: application/pdf; name=\"r.pdf\"\r\n\
Content-Disposition: attachment; filename=\"r.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
JVBERi0xLjQK\r\n--b1--\r\n";

fn server(quirks: Quirks) -> MockServer {
    let store = Store::builder()
        .user("u", "p")
        .mailbox("INBOX")
        .message(ATTACHED, &[], None)
        .build()
        .expect("store");
    MockServer::builder()
        .store(store)
        .quirks(quirks)
        .build()
        .expect("server")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn bodystructure(p: &mut Pair) -> BodyStructure {
    let c = p.call(CommandBody::Fetch {
        set: MessageSet::Uid(UidSet::all()),
        items: FetchItems::Items(vec![FetchItem::Uid, FetchItem::BodyStructure]),
        changed_since: None,
        vanished: false,
    });
    assert!(c.is_ok(), "{c:?}");
    let msgs: Vec<_> = c.fetched().collect();
    assert_eq!(msgs.len(), 1);
    msgs[0]
        .data
        .iter()
        .find_map(|d| match d {
            FetchData::BodyStructure(b) => Some(b.to_structure()),
            _ => None,
        })
        .expect("BODYSTRUCTURE")
}

fn disposition(b: &BodyStructure, path: &[u32]) -> Disposition {
    let Some(ext) = b.part(path).and_then(|p| match p {
        BodyStructure::Single { part } => part.ext.as_ref(),
        _ => None,
    }) else {
        panic!("no extension data for part {path:?}: {b:?}")
    };
    ext.tail
        .disposition
        .clone()
        .expect("level")
        .expect("not NIL")
}

#[test]
fn standard_profile_sends_disposition_lists() {
    let srv = server(Quirks::Standard);
    let mut a = Pair::connect(&srv, Instant::now());
    a.login_select("u", "p", "INBOX");
    let b = bodystructure(&mut a);
    assert!(contains(
        &a.server_bytes,
        b"(\"attachment\" (\"filename\" \"r.pdf\"))"
    ));
    let d = disposition(&b, &[2]);
    assert_eq!(d.params, vec![(Str::from("filename"), Str::from("r.pdf"))]);
}

#[test]
fn client_reads_exchange_bare_string_dispositions() {
    let srv = server(Quirks::ExchangeBodyStructure);
    let mut a = Pair::connect(&srv, Instant::now());
    a.login_select("u", "p", "INBOX");
    let b = bodystructure(&mut a);
    // On the wire: bare strings where the lists belong, parameters dropped, as Exchange does.
    let wire = String::from_utf8_lossy(&a.server_bytes).into_owned();
    assert!(wire.contains("NIL \"inline\" NIL NIL)"), "{wire}");
    assert!(wire.contains("NIL \"attachment\" NIL NIL)"), "{wire}");
    assert!(!wire.contains("(\"attachment\""), "{wire}");
    assert!(!wire.contains("X-MOCK-SERVER"), "{wire}");
    // The client reads them as dispositions without parameters and keeps the session going.
    assert_eq!(b.mime_type(), "multipart/mixed");
    assert_eq!(b.part(&[2]).unwrap().mime_type(), "application/pdf");
    let d1 = disposition(&b, &[1]);
    assert_eq!(d1.kind, Str::from("inline"));
    let d2 = disposition(&b, &[2]);
    assert_eq!(d2.kind, Str::from("attachment"));
    assert!(d2.params.is_empty());
    let c = a.call(CommandBody::Noop);
    assert!(c.is_ok(), "{c:?}");
}

#[test]
fn client_idles_through_a_bare_continuation() {
    let srv = server(Quirks::BareContinuation);
    let mut a = Pair::connect(&srv, Instant::now());
    a.login_select("u", "p", "INBOX");
    let idle = a.client.send(a.now, CommandBody::Idle).unwrap();
    a.run();
    assert!(
        a.server_bytes.ends_with(b"+\r\n"),
        "{}",
        String::from_utf8_lossy(&a.server_bytes)
    );
    assert!(a.events.iter().any(|e| *e == Event::IdleStarted(idle)));
    srv.store()
        .account("u")
        .unwrap()
        .deliver("INBOX", ATTACHED, &[], None)
        .unwrap();
    a.wake();
    assert_eq!(a.client.selected().unwrap().exists(), 2);
    a.client.idle_done(a.now).unwrap();
    a.run();
    assert!(a.take_completion(idle).unwrap().is_ok());
}

#[test]
fn client_appends_under_the_bare_continuation_profile() {
    let srv = server(Quirks::BareContinuation);
    let mut a = Pair::connect(&srv, Instant::now());
    a.login_select("u", "p", "INBOX");
    let c = a.call(CommandBody::Append {
        mailbox: Mailbox::inbox(),
        messages: vec![AppendMessage {
            flags: vec![],
            date: None,
            data: AppendData::Literal {
                data: ATTACHED.into(),
                binary: false,
            },
        }],
    });
    let (_, uids) = c.append_uid().expect("APPENDUID");
    assert_eq!(uids, [Uid::new(2).unwrap()]);
    assert!(!contains(&a.server_bytes, b"\r\n+ "));
}

#[test]
fn synchronizing_literal_gets_a_bare_continuation() {
    // A raw client (the imap-core client prefers LITERAL+): the server's `+ Ready` for a
    // synchronizing literal goes out bare, and the command completes after the literal.
    let srv = server(Quirks::BareContinuation);
    let now = Instant::now();
    let mut s = srv.session(now);
    let mut out = Vec::new();
    s.poll_transmit(&mut out);
    s.handle_input(now, b"a1 LOGIN u p\r\na2 APPEND INBOX {5}\r\n");
    out.clear();
    s.poll_transmit(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    assert!(text.ends_with("Logged in\r\n+\r\n"), "{text}");
    assert!(!text.contains("\r\n+ "), "{text}");
    s.handle_input(now, b"x: y\n\r\n");
    out.clear();
    s.poll_transmit(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    assert!(text.contains("a2 OK"), "{text}");
}
