//! The protocol layer without threads or sockets: a quinn-style pair of a
//! [`mock_server::session::MockSession`] and a client end built from imap-core's encoder, framer
//! and parser, with a virtual clock. Deterministic: IDLE wake-ups are explicit
//! ([`MockSession::wake`]).

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use imap_core::encode::{EncodeOptions, encode_command};
use imap_core::frame::{Frame, Framer, Limits, Role};
use imap_core::parse::{ParseOptions, parse_response};
use imap_core::secret::Secret;
use imap_core::types::{
    AppendData, AppendMessage, Atom, Command, CommandBody, Data, Mailbox, Response, SelectParams,
    StatusKind, StatusResponse, Str, Tag,
};
use mock_server::listener::MockServer;
use mock_server::session::MockSession;
use mock_server::store::Store;
use std::time::{Duration, Instant};

/// One session and its client end.
struct Pair {
    session: MockSession,
    now: Instant,
    framer: Framer,
    /// COMPRESS, once active: (client deflater, client inflater).
    deflate: Option<(Compress, Decompress)>,
}

impl Pair {
    fn new(server: &MockServer) -> Self {
        let now = Instant::now();
        let mut p = Pair {
            session: server.session(now),
            now,
            framer: Framer::new(Role::Client, Limits::default()),
            deflate: None,
        };
        let greeting = p.responses();
        assert!(matches!(
            &greeting[..],
            [Response::Status(StatusResponse {
                kind: StatusKind::Ok,
                ..
            })]
        ));
        p
    }

    fn responses(&mut self) -> Vec<Response> {
        let mut wire = Vec::new();
        self.session.poll_transmit(&mut wire);
        if let Some((_, inflate)) = &mut self.deflate {
            let mut plain = Vec::with_capacity(wire.len() * 8 + 1024);
            inflate
                .decompress_vec(&wire, &mut plain, FlushDecompress::Sync)
                .unwrap();
            wire = plain;
        }
        self.framer.push(&wire);
        let mut out = Vec::new();
        while let Some(Ok(Frame::Unit(u))) = self.framer.next_frame() {
            out.push(parse_response(&u, &ParseOptions::strict()).unwrap());
        }
        out
    }

    fn send(&mut self, bytes: &[u8]) {
        self.now += Duration::from_millis(5);
        match &mut self.deflate {
            Some((deflate, _)) => {
                let mut wire = Vec::with_capacity(bytes.len() + 64);
                deflate
                    .compress_vec(bytes, &mut wire, FlushCompress::Sync)
                    .unwrap();
                self.session.handle_input(self.now, &wire);
            }
            None => self.session.handle_input(self.now, bytes),
        }
    }

    fn run(&mut self, tag: &str, body: CommandBody) -> Vec<Response> {
        let cmd = Command {
            tag: Tag::try_from(tag).unwrap(),
            body,
        };
        let opts = EncodeOptions {
            literal_plus: true,
            ..EncodeOptions::default()
        };
        self.send(&encode_command(&cmd, &opts).to_vec());
        self.responses()
    }
}

fn tagged_kind(r: &[Response]) -> StatusKind {
    match r.last() {
        Some(Response::Status(s)) if s.tag.is_some() => s.kind,
        other => panic!("{other:?}"),
    }
}

fn login(p: &mut Pair) {
    let r = p.run(
        "l",
        CommandBody::Login {
            username: Str::from("alice"),
            password: Secret::new(Str::from("pw")),
        },
    );
    assert_eq!(tagged_kind(&r), StatusKind::Ok);
}

fn select(p: &mut Pair) {
    let r = p.run(
        "s",
        CommandBody::Select {
            mailbox: Mailbox::inbox(),
            params: SelectParams::default(),
        },
    );
    assert_eq!(tagged_kind(&r), StatusKind::Ok);
}

fn server() -> MockServer {
    let store = Store::builder()
        .user("alice", "pw")
        .message(&b"Subject: one\r\n\r\n1\r\n"[..], &[], None)
        .build()
        .unwrap();
    MockServer::builder().store(store).build().unwrap()
}

/// Another session's APPEND reaches an IDLE-ing session exactly when it is woken.
#[test]
fn idle_announces_on_wake() {
    let server = server();
    let (mut a, mut b) = (Pair::new(&server), Pair::new(&server));
    login(&mut a);
    login(&mut b);
    select(&mut a);
    let r = a.run("i", CommandBody::Idle);
    assert!(matches!(&r[..], [Response::Continue(_)]));
    let msg = AppendMessage {
        flags: vec![],
        date: None,
        data: AppendData::Literal {
            data: Str::from("Subject: two\r\n\r\n2\r\n"),
            binary: false,
        },
    };
    let r = b.run(
        "b",
        CommandBody::Append {
            mailbox: Mailbox::inbox(),
            messages: vec![msg],
        },
    );
    assert_eq!(tagged_kind(&r), StatusKind::Ok);
    assert!(a.responses().is_empty(), "nothing until woken");
    a.session.wake();
    let r = a.responses();
    assert_eq!(r[0], Response::Data(Data::Exists(2)));
    a.send(b"DONE\r\n");
    assert_eq!(tagged_kind(&a.responses()), StatusKind::Ok);
}

/// COMPRESS=DEFLATE through the whole protocol layer: the OK in plaintext, then both
/// directions deflated.
#[test]
fn compress_deflate_end_to_end() {
    let server = server();
    let mut p = Pair::new(&server);
    login(&mut p);
    let r = p.run("c", CommandBody::Compress(Atom::from_static("DEFLATE")));
    assert_eq!(tagged_kind(&r), StatusKind::Ok);
    p.deflate = Some((
        Compress::new(Compression::default(), false),
        Decompress::new(false),
    ));
    select(&mut p);
    let r = p.run("n", CommandBody::Noop);
    assert_eq!(tagged_kind(&r), StatusKind::Ok);
    let r = p.run("c2", CommandBody::Compress(Atom::from_static("DEFLATE")));
    assert_eq!(tagged_kind(&r), StatusKind::No, "COMPRESSIONACTIVE");
}

/// Body sections go out as literals however short, as Dovecot and Cyrus send them: curl
/// cannot read `BODY[1]<0> "1\r\n"`-style quoted sections and imaplib returns them in another
/// shape (issue 12, item 12).
#[test]
fn short_body_sections_are_literals() {
    let server = server();
    let mut p = Pair::new(&server);
    login(&mut p);
    select(&mut p);
    p.send(b"f FETCH 1 (BODY.PEEK[1]<0.1> BODY.PEEK[TEXT] RFC822.HEADER BINARY.PEEK[1])\r\n");
    let mut wire = Vec::new();
    p.session.poll_transmit(&mut wire);
    let wire = String::from_utf8(wire).unwrap();
    assert!(
        wire.starts_with(
            "* 1 FETCH (BODY[1]<0> {1}\r\n1 BODY[TEXT] {3}\r\n1\r\n \
             RFC822.HEADER {16}\r\nSubject: one\r\n\r\n BINARY[1] {3}\r\n1\r\n)\r\n"
        ),
        "{wire}"
    );
    assert!(wire.ends_with("f OK FETCH completed\r\n"), "{wire}");
}

/// A failed LOGIN is answered only when the configured delay has passed, and nothing else
/// is read meanwhile; the answer comes from the timer, not from more input.
#[test]
fn a_failed_login_is_answered_after_the_delay() {
    let store = Store::builder().user("alice", "pw").build().unwrap();
    let server = MockServer::builder()
        .store(store)
        .auth_failures(Duration::from_secs(2), None)
        .build()
        .unwrap();
    let mut p = Pair::new(&server);
    let wrong = |p: &mut Pair| {
        p.run(
            "a",
            CommandBody::Login {
                username: Str::from("alice"),
                password: Secret::new(Str::from("wrong")),
            },
        )
    };
    assert!(wrong(&mut p).is_empty());
    let due = p.session.poll_timeout().unwrap();
    assert_eq!(due, p.now + Duration::from_secs(2));
    // Pipelined input waits behind the held answer.
    p.send(b"b NOOP\r\n");
    assert!(p.responses().is_empty());
    p.session.handle_timeout(due - Duration::from_millis(1));
    assert!(p.responses().is_empty());
    p.session.handle_timeout(due);
    let r = p.responses();
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(matches!(&r[0], Response::Status(s) if s.kind == StatusKind::No));
    assert_eq!(tagged_kind(&r), StatusKind::Ok);
    // The right password still works, at once.
    login(&mut p);
}

/// A large FETCH goes out in pieces, one per `poll_transmit`, and the command pipelined
/// behind it is answered after its tagged response (issue 12, item 9).
#[test]
fn a_streamed_fetch_keeps_pipelined_commands_in_order() {
    let big = format!("Subject: big\r\n\r\n{}", "z".repeat(300_000));
    let mut b = Store::builder().user("alice", "pw");
    for _ in 0..4 {
        b = b.message(big.clone().into_bytes(), &[], None);
    }
    let server = MockServer::builder()
        .store(b.build().unwrap())
        .build()
        .unwrap();
    let mut p = Pair::new(&server);
    login(&mut p);
    select(&mut p);
    p.send(b"f FETCH 1:* BODY.PEEK[]\r\nn NOOP\r\n");
    let mut pieces = Vec::new();
    loop {
        let mut piece = Vec::new();
        if p.session.poll_transmit(&mut piece) == 0 {
            break;
        }
        pieces.push(piece);
    }
    assert!(pieces.len() >= 4, "{} pieces", pieces.len());
    assert!(pieces.iter().all(|x| x.len() < 400_000));
    p.framer.push(&pieces.concat());
    let mut tags = Vec::new();
    let mut fetches = 0;
    while let Some(Ok(Frame::Unit(u))) = p.framer.next_frame() {
        match parse_response(&u, &ParseOptions::strict()).unwrap() {
            Response::Data(Data::Fetch { .. }) => fetches += 1,
            Response::Status(StatusResponse { tag: Some(t), .. }) => tags.push(t.to_string()),
            _ => {}
        }
    }
    assert_eq!(fetches, 4);
    assert_eq!(tags, ["f", "n"]);
}

/// COMPRESS=DEFLATE without stalls (issue 16, item 3): a large reply is deflated a slice at a
/// time as it is taken, each slice sync-flushed, so a small response queued before it goes out
/// with the first piece and every piece decodes on its own; before, the whole message was
/// deflated before the first byte went out.
#[test]
fn compressed_replies_go_out_a_slice_at_a_time() {
    let big = format!("Subject: big\r\n\r\n{}", "z".repeat(1 << 20));
    let store = Store::builder()
        .user("alice", "pw")
        .message(big.into_bytes(), &[], None)
        .build()
        .unwrap();
    let server = MockServer::builder().store(store).build().unwrap();
    let mut p = Pair::new(&server);
    login(&mut p);
    select(&mut p);
    let r = p.run("c", CommandBody::Compress(Atom::from_static("DEFLATE")));
    assert_eq!(tagged_kind(&r), StatusKind::Ok);
    p.deflate = Some((
        Compress::new(Compression::default(), false),
        Decompress::new(false),
    ));
    p.send(b"n NOOP\r\nf UID FETCH 1 (INTERNALDATE BODY.PEEK[])\r\n");
    let (_, inflate) = p.deflate.as_mut().unwrap();
    let mut plain_pieces = Vec::new();
    loop {
        let mut wire = Vec::new();
        if p.session.poll_transmit(&mut wire) == 0 {
            break;
        }
        // Each piece decodes completely by itself: nothing is held back for the next one.
        let mut plain = Vec::with_capacity(256 * 1024);
        let before = inflate.total_in();
        inflate
            .decompress_vec(&wire, &mut plain, FlushDecompress::Sync)
            .unwrap();
        assert_eq!(inflate.total_in() - before, wire.len() as u64);
        plain_pieces.push(plain);
    }
    let first = String::from_utf8_lossy(&plain_pieces[0]);
    assert!(first.starts_with("n OK"), "{first:.80}");
    assert!(
        first.contains("* 1 FETCH ("),
        "the FETCH starts in the first piece"
    );
    // Bounded slices of plaintext: the 1 MiB reply took many pieces.
    assert!(plain_pieces.len() >= 16, "{} pieces", plain_pieces.len());
    assert!(
        plain_pieces.iter().all(|x| x.len() <= 65 * 1024),
        "{:?}",
        plain_pieces.iter().map(Vec::len).max()
    );
    let all = plain_pieces.concat();
    assert!(String::from_utf8_lossy(&all[all.len() - 40..]).ends_with("f OK FETCH completed\r\n"));
}
