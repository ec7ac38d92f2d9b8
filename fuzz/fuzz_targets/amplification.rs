//! Amplification: whatever N bytes a peer sends, handling them costs at most a stated multiple
//! of N in memory and in work (issue 12, point 19). Memory and work are counted by the global
//! allocator, reset per input, never by time.
//!
//! Input layout: a control byte, then the peer's bytes. Control bit 0 picks the side:
//!
//! * **client** (0): a `ClientMachine` logged in with INBOX selected (EXISTS from control bits 1-7,
//!   times 1000) sends `UID SEARCH ALL`, `UID FETCH 1:* (FLAGS)`, `UID COPY 1:* Other` and
//!   `NOOP`; the bytes arrive as the server's, in one piece; then each of the four commands is
//!   answered OK (their tags are `A0002` to `A0005`: the bytes may answer them first), and every
//!   completion is read the way an application reads it (search results, fetched messages,
//!   COPYUID, the mailbox model);
//! * **server** (1): a mock-server `MockSession` over a small seeded store (the three messages of
//!   the `server` target and one of 64 KiB), logged in with INBOX selected, reads the bytes as
//!   the client's in pieces of control bits 1-5 + 1 bytes, its output drained and dropped
//!   after each piece (a client that reads everything).
//!
//! Checks, from just before the peer's first byte to the end of the input, with `N` the
//! number of peer bytes:
//!
//! * peak heap growth ≤ `MEM_PER_BYTE * N + MEM_BASE`;
//! * allocator calls (allocations and reallocations) ≤ `CALLS_PER_BYTE * N + CALLS_BASE`;
//! * bytes allocated in all (reallocations' growth included) ≤ `BYTES_PER_BYTE * N +
//!   BYTES_BASE`: a proxy for copying work, which quadratic behaviour shows in.
//!
//! The constants are the project's stated bound. The bases are room for the fixed cost of a
//! session (the seeded store's messages, one 64 KiB message in flight, buffers that grow to a
//! fixed size); the factors allow typed values larger than the bytes they come from (a
//! two-byte `()` becomes a body structure of about a hundred bytes, in a vector that doubles).
//! An input over the bound panics with the figures, so libFuzzer keeps it.
#![no_main]

use imap_core::client::{ClientConfig, ClientMachine, Event};
use imap_core::ops;
use imap_core::types::*;
use libfuzzer_sys::fuzz_target;
use mock_server::listener::MockServer;
use mock_server::store::Store;
use peak_alloc::PeakAlloc;
use stats_alloc::{Region, StatsAlloc};
use std::time::Instant;

/// Peak tracking (`PeakAlloc`'s counters) under call and byte counting (`StatsAlloc`'s).
#[global_allocator]
static GLOBAL: StatsAlloc<PeakAlloc> = StatsAlloc::new(PeakAlloc);

/// Peak heap bytes a peer byte may cost.
const MEM_PER_BYTE: usize = 128;
/// Peak heap bytes allowed whatever the input.
const MEM_BASE: usize = 1 << 20;
/// Allocator calls a peer byte may cost.
const CALLS_PER_BYTE: usize = 8;
/// Allocator calls allowed whatever the input.
const CALLS_BASE: usize = 20_000;
/// Bytes allocated in all that a peer byte may cost.
const BYTES_PER_BYTE: usize = 512;
/// Bytes allocated in all whatever the input.
const BYTES_BASE: usize = 4 << 20;

fn message(n: usize) -> String {
    format!("From: x@y.org\r\nSubject: m{n}\r\nMessage-ID: <{n}@y.org>\r\n\r\nbody {n}\r\n")
}

/// A 64 KiB message.
fn big_message() -> String {
    let mut m = String::from("From: x@y.org\r\nSubject: big\r\n\r\n");
    while m.len() < 64 * 1024 {
        m.push_str("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n");
    }
    m
}

/// What handling one input cost.
struct Cost {
    peak: usize,
    calls: usize,
    bytes: usize,
}

/// Runs `f`, measuring from its start.
fn measure(f: impl FnOnce()) -> Cost {
    let peak = PeakAlloc;
    let base = peak.current_usage();
    peak.reset_peak_usage();
    let region = Region::new(&GLOBAL);
    f();
    let s = region.change();
    Cost {
        peak: peak.peak_usage().saturating_sub(base),
        calls: s.allocations + s.reallocations,
        bytes: s.bytes_allocated + usize::try_from(s.bytes_reallocated.max(0)).unwrap_or(0),
    }
}

fn client_side(exists: u32, bytes: &[u8]) {
    let now = Instant::now();
    let mut client = ClientMachine::new(
        ClientConfig {
            allow_plaintext_login: true,
            ..ClientConfig::default()
        },
        now,
    );
    client.handle_input(
        now,
        b"* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS MOVE ESEARCH CONDSTORE QRESYNC] hi\r\n",
    );
    let mut out = Vec::new();
    let select = client.send(
        now,
        CommandBody::Select {
            mailbox: Mailbox::inbox(),
            params: SelectParams::default(),
        },
    );
    client.poll_transmit(&mut out);
    let tag = String::from_utf8_lossy(&out)
        .split(' ')
        .next()
        .unwrap_or("")
        .to_owned();
    client.handle_input(
        now,
        format!("* {exists} EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n{tag} OK done\r\n").as_bytes(),
    );
    assert!(select.is_ok());
    while client.poll_event().is_some() {}
    out.clear();

    let cost = measure(|| {
        let all = || UidSet::all();
        let commands = [
            CommandBody::Search {
                uid: true,
                returns: None,
                charset: None,
                criteria: vec![SearchKey::All],
            },
            CommandBody::Fetch {
                set: MessageSet::Uid(all()),
                items: FetchItems::Items(vec![FetchItem::Flags]),
                changed_since: None,
                vanished: false,
            },
            CommandBody::Copy {
                set: MessageSet::Uid(all()),
                mailbox: "Other".into(),
            },
            CommandBody::Noop,
        ];
        let mut tags = Vec::new();
        for body in commands {
            if client.send(now, body).is_ok() {
                client.poll_transmit(&mut out);
                if let Some(t) = String::from_utf8_lossy(&out).split(' ').next() {
                    tags.push(t.to_owned());
                }
                out.clear();
            }
        }
        client.handle_input(now, bytes);
        for t in &tags {
            client.handle_input(now, format!("\r\n{t} OK done\r\n").as_bytes());
        }
        // Read everything the way an application does.
        while let Some(e) = client.poll_event() {
            match e {
                Event::Completed(c) => {
                    std::hint::black_box(ops::search::uids(&c));
                    std::hint::black_box(ops::search::esearch(&c));
                    std::hint::black_box(ops::search::sorted_uids(&c));
                    std::hint::black_box(ops::fetch::messages(&c));
                    std::hint::black_box(ops::messages::uid_mapping(&c));
                    std::hint::black_box(ops::messages::appended(&c));
                    std::hint::black_box(c.copy_uid());
                }
                other => {
                    std::hint::black_box(other);
                }
            }
        }
        if let Some(m) = client.selected() {
            std::hint::black_box(m.exists());
        }
        client.poll_transmit(&mut out);
    });
    check("client", bytes.len(), &cost);
}

fn server_side(piece: usize, bytes: &[u8]) {
    let mut b = Store::builder().user("u", "p").mailbox("INBOX");
    for i in 0..3 {
        b = b.message(message(i), &[], None);
    }
    // A large message, so that a short command naming it many times would cost far more than
    // its bytes if replies were built whole.
    b = b.message(big_message(), &[], None);
    let srv = MockServer::builder()
        .store(b.mailbox("Other").build().expect("seed store"))
        .build()
        .expect("server");
    let now = Instant::now();
    let mut session = srv.session(now);
    let mut out = Vec::new();
    session.handle_input(now, b"p1 LOGIN u p\r\np2 SELECT INBOX\r\n");
    session.poll_transmit(&mut out);
    out.clear();

    let cost = measure(|| {
        for chunk in bytes.chunks(piece) {
            session.handle_input(now, chunk);
            session.poll_transmit(&mut out);
            session.wake();
            session.poll_transmit(&mut out);
            out.clear();
        }
    });
    check("server", bytes.len(), &cost);
}

/// Checks `c` against the bound; with `AMPLIFICATION_REPORT` set, prints it too (to read the
/// headroom over a corpus: `cargo fuzz run amplification <dir> -- -runs=0`).
fn check(side: &str, n: usize, c: &Cost) {
    let mem = MEM_PER_BYTE * n + MEM_BASE;
    let calls = CALLS_PER_BYTE * n + CALLS_BASE;
    let bytes = BYTES_PER_BYTE * n + BYTES_BASE;
    if std::env::var_os("AMPLIFICATION_REPORT").is_some() {
        eprintln!(
            "amplification {side}: N={n} peak={} calls={} bytes={}",
            c.peak, c.calls, c.bytes
        );
    }
    assert!(
        c.peak <= mem && c.calls <= calls && c.bytes <= bytes,
        "{side}: {n} peer bytes cost peak {} B (bound {mem}), {} allocator calls (bound {calls}), {} B allocated (bound {bytes})",
        c.peak,
        c.calls,
        c.bytes
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, rest)) = data.split_first() else {
        return;
    };
    if ctl & 1 == 0 {
        client_side(u32::from(ctl >> 1) * 1000, rest);
    } else {
        server_side(usize::from((ctl >> 1) & 0x1f) + 1, rest);
    }
});
