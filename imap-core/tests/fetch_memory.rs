//! What a large FETCH costs the client in memory (issue 16 point 5), counted with a tracking
//! global allocator, never timed:
//!
//! - a streamed FETCH ([`imap_core::ops::FetchStream`]) of N messages, each dropped as it
//!   comes, holds at most a bound independent of N above what the mailbox model keeps (its
//!   UIDs and flags), and the model keeps at most a few dozen bytes a message;
//! - a collected FETCH ([`imap_core::ops::Commands::fetch`]) holds each datum once: its peak is
//!   the result it returns plus a bound, not the result and every response again in the
//!   command's completion.
//!
//! The server is a generator in this file that hands the client 16 KiB at a time, as a
//! socket read does.

use imap_core::client::ClientConfig;
use imap_core::engine::{Engine, Step};
use imap_core::ops::fetch::FetchQuery;
use imap_core::ops::{Commands, FetchStream, OpError, Operation, op};
use imap_core::types::UidSet;
use peak_alloc::PeakAlloc;
use std::sync::Mutex;
use std::time::Instant;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// The allocator's counters are the process's: one measurement at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// What one read hands the client.
const READ: usize = 16 * 1024;

/// A FETCH response of about 1 KB: flags, an envelope with names and a reply, and a
/// multipart BODYSTRUCTURE with parameters, a disposition and extension data.
fn response(i: u32) -> String {
    let flags = ["", "\\Seen", "\\Seen \\Answered", "\\Seen \\Flagged"][i as usize % 4];
    format!(
        "* {i} FETCH (UID {i} FLAGS ({flags}) INTERNALDATE \"07-Dec-2026 05:33:12 +0000\" \
         RFC822.SIZE 981 ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800\" \"Metadata message {i}\" \
         ((\"Sender {i}\" NIL \"sender.{i}\" \"example.org\")) ((\"Sender {i}\" NIL \"sender.{i}\" \
         \"example.org\")) ((\"Sender {i}\" NIL \"sender.{i}\" \"example.org\")) ((\"One\" NIL \
         \"one\" \"example.org\")(NIL NIL \"two\" \"example.net\")) NIL NIL \"<r.{i}@example.org>\" \
         \"<m.{i}@example.org>\") BODYSTRUCTURE (((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL \
         NIL \"QUOTED-PRINTABLE\" 31 1 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") \
         NIL NIL \"QUOTED-PRINTABLE\" 38 1 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \
         \"inner{i}\") NIL NIL NIL)(\"application\" \"pdf\" (\"name\" \"report-{i}.pdf\") NIL NIL \
         \"BASE64\" 64 NIL (\"attachment\" (\"filename\" \"report-{i}.pdf\")) NIL NIL) \"mixed\" \
         (\"boundary\" \"outer{i}\") NIL NIL NIL))\r\n"
    )
}

/// A server with an INBOX of `n` messages: answers LOGIN, SELECT and a FETCH of them all,
/// making the FETCH responses only as the client reads them.
struct Server {
    n: u32,
    input: Vec<u8>,
    out: Vec<u8>,
    /// The FETCH being answered: its tag and the next message.
    fetching: Option<(String, u32)>,
    /// Bytes of FETCH responses made.
    fetched_bytes: usize,
}

impl Server {
    fn handle(&mut self, bytes: &[u8]) {
        self.input.extend_from_slice(bytes);
        while let Some(end) = self.input.windows(2).position(|w| w == b"\r\n") {
            let line: Vec<u8> = self.input.drain(..end + 2).collect();
            let line = String::from_utf8_lossy(&line[..end]).into_owned();
            let (tag, command) = line.split_once(' ').expect("a tagged command");
            if command.starts_with("LOGIN") {
                self.out
                    .extend_from_slice(format!("{tag} OK logged in\r\n").as_bytes());
            } else if command.starts_with("SELECT") {
                let n = self.n;
                let reply = format!(
                    "* {n} EXISTS\r\n* OK [UIDVALIDITY 1] ok\r\n{tag} OK [READ-WRITE] done\r\n"
                );
                self.out.extend_from_slice(reply.as_bytes());
            } else if command.starts_with("UID FETCH 1:*") {
                self.fetching = Some((tag.to_owned(), 1));
            } else {
                panic!("unexpected command {line:?}");
            }
        }
    }

    /// What one read of the socket gives.
    fn read(&mut self) -> Vec<u8> {
        while self.out.len() < READ {
            let Some((tag, next)) = self.fetching.as_mut() else {
                break;
            };
            if *next > self.n {
                let done = format!("{tag} OK fetched\r\n");
                self.out.extend_from_slice(done.as_bytes());
                self.fetching = None;
                break;
            }
            let r = response(*next);
            self.fetched_bytes += r.len();
            self.out.extend_from_slice(r.as_bytes());
            *next += 1;
        }
        let k = self.out.len().min(READ);
        self.out.drain(..k).collect()
    }
}

/// An engine on [`Server`], with [`Commands`] as a blocking driver has them.
struct Conn {
    engine: Engine,
    server: Server,
    now: Instant,
}

impl Conn {
    fn new(n: u32) -> Conn {
        let now = Instant::now();
        let config = ClientConfig {
            allow_plaintext_login: true,
            ..ClientConfig::default()
        };
        let mut c = Conn {
            engine: Engine::new(config, now),
            server: Server {
                n,
                input: Vec::new(),
                out: b"* OK [CAPABILITY IMAP4rev1] ready\r\n".to_vec(),
                fetching: None,
                fetched_bytes: 0,
            },
            now,
        };
        c.run(op::Greeting::new()).expect("greeted");
        c.login("user", "pw").expect("logged in");
        c.select("INBOX").expect("selected");
        c
    }
}

impl Commands for Conn {
    type Run<'a, O: Operation + 'a> = Result<O::Output, OpError>;

    fn run<'a, O: Operation + 'a>(&'a mut self, op: O) -> Self::Run<'a, O> {
        let mut run = self.engine.start(op, self.now);
        loop {
            match self.engine.drive(&mut run, self.now) {
                Step::Done(r) => return r,
                Step::Transmit => {
                    let mut out = Vec::new();
                    self.engine.poll_transmit(&mut out);
                    self.server.handle(&out);
                }
                Step::Wait(_) => {
                    let bytes = self.server.read();
                    assert!(!bytes.is_empty(), "the client waits for nothing");
                    self.engine.handle_input(self.now, &bytes);
                }
                _ => panic!("a step this connection does not take"),
            }
        }
    }
}

fn query() -> FetchQuery {
    FetchQuery::new()
        .flags()
        .internal_date()
        .size()
        .envelope()
        .body_structure()
}

/// Streams a FETCH of `n` messages, dropping each: (the peak above what was held before,
/// what is still held after: the model's growth).
fn streamed(n: u32) -> (usize, usize) {
    let mut c = Conn::new(n);
    let base = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let id = c
        .run(op::FetchStart::new(query().command(UidSet::all())))
        .expect("FETCH sent");
    let mut stream = FetchStream::new(&mut c, id);
    let mut count = 0;
    while let Some(m) = stream.next().expect("a message") {
        assert_eq!(m.uid.map(|u| u.get()), Some(count + 1));
        assert!(m.envelope.is_some() && m.body_structure.is_some());
        count += 1;
    }
    assert_eq!(count, n);
    assert!(stream.next().expect("the end again").is_none());
    let peak = HEAP.peak_usage().saturating_sub(base);
    let kept = HEAP.current_usage().saturating_sub(base);
    let selected = c.engine.selected().expect("selected");
    assert_eq!(
        selected
            .uid(imap_core::types::SeqNum::new(n).unwrap())
            .map(|u| u.get()),
        Some(n)
    );
    (peak, kept)
}

#[test]
fn a_streamed_fetch_holds_a_bound_independent_of_the_message_count() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (small_peak, small_kept) = streamed(2_000);
    let (large_peak, large_kept) = streamed(40_000);
    // What is held beyond the model: the read, the framer's buffer, the messages of one read.
    let bound = 256 * 1024;
    assert!(
        small_peak - small_kept < bound && large_peak - large_kept < bound,
        "streaming held {} bytes for 2,000 messages and {} for 40,000 beyond the model",
        small_peak - small_kept,
        large_peak - large_kept
    );
    // The model: a UID and a flag list a message, nothing of the envelope or the structure.
    let per_message = large_kept / 40_000;
    assert!(
        per_message <= 64,
        "the model keeps {per_message} bytes a message"
    );
}

#[test]
fn a_collected_fetch_holds_each_datum_once() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let n = 20_000;
    let mut c = Conn::new(n);
    let base = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let messages = c.fetch(&UidSet::all(), &query()).expect("fetched");
    let peak = HEAP.peak_usage().saturating_sub(base);
    let held = HEAP.current_usage().saturating_sub(base);
    assert_eq!(messages.len(), n as usize);
    let received = c.server.fetched_bytes;
    // The result and, while the last responses arrive, one read's worth and the keying by
    // UID; not the result twice (every response in the completion, then the messages).
    assert!(
        peak <= held + held / 8 + 256 * 1024,
        "peak {peak} bytes for a result of {held} ({received} bytes received)"
    );
    // At most twice the bytes received (issue 16 point 5): the received bytes, which the
    // values are slices of, and per message about 250 bytes of ENVELOPE and BODYSTRUCTURE
    // tables, its flags and the `Message` in its map (1.94 times on this corpus). A tree of
    // `Vec`s and `Str`s for those two cost about 7 times the bytes; holding every response
    // twice, as the completion once did, 12.
    assert!(
        peak <= 2 * received,
        "peak {peak} bytes for {received} bytes received"
    );
    drop(messages);
}
