//! The client under a hostile server: responses of a few dozen bytes that claim billions of
//! messages. Memory is measured by a peak-tracking global allocator, never by time: whatever a
//! response claims, the client's peak heap stays within a small bound.

use imap_core::client::{ClientConfig, ClientMachine, Completion, Event};
use imap_core::mailbox::Update;
use imap_core::ops::{messages, search};
use imap_core::types::*;
use peak_alloc::PeakAlloc;
use std::sync::Mutex;
use std::time::Instant;

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

/// The tests of this binary share the allocator's counters: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Peak heap growth allowed while one hostile exchange is handled and its results are read.
const BOUND: usize = 256 * 1024;

/// A logged-in client with INBOX selected, fed by the test as the server.
struct Script {
    client: ClientMachine,
    now: Instant,
}

impl Script {
    fn selected(exists: u32) -> Script {
        let now = Instant::now();
        let mut s = Script {
            client: ClientMachine::new(
                ClientConfig {
                    allow_plaintext_login: true,
                    ..ClientConfig::default()
                },
                now,
            ),
            now,
        };
        s.server("* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS MOVE ESEARCH QRESYNC] hi\r\n");
        s.run(CommandBody::Enable(vec![Capability::QResync]), "");
        s.run(
            CommandBody::Select {
                mailbox: Mailbox::inbox(),
                params: SelectParams::default(),
            },
            &format!("* {exists} EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n"),
        );
        s
    }

    fn server(&mut self, bytes: &str) {
        self.client.handle_input(self.now, bytes.as_bytes());
    }

    /// Sends `body`, answers with `untagged` then a tagged OK, returns the completion and the
    /// mailbox updates.
    fn run(&mut self, body: CommandBody, untagged: &str) -> (Completion, Vec<Update>) {
        self.run_with_code(body, untagged, "")
    }

    fn run_with_code(
        &mut self,
        body: CommandBody,
        untagged: &str,
        code: &str,
    ) -> (Completion, Vec<Update>) {
        self.client.send(self.now, body).expect("command accepted");
        let mut out = Vec::new();
        self.client.poll_transmit(&mut out);
        let sent = String::from_utf8(out).expect("text");
        let tag = sent.split(' ').next().expect("a tag").to_owned();
        self.server(&format!("{untagged}{tag} OK {code}done\r\n"));
        let mut updates = Vec::new();
        let mut done = None;
        while let Some(e) = self.client.poll_event() {
            match e {
                Event::Mailbox(u) => updates.push(u),
                Event::Completed(c) => done = Some(c),
                _ => {}
            }
        }
        (done.expect("the command completed"), updates)
    }
}

/// Runs `f` and returns its result with the growth of the peak heap while it ran.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = PEAK.current_usage();
    PEAK.reset_peak_usage();
    let out = f();
    (out, PEAK.peak_usage().saturating_sub(base))
}

fn uid(n: u32) -> Uid {
    Uid::new(n).unwrap()
}

#[test]
fn esearch_all_of_every_uid_stays_a_range() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = Script::selected(3);
    let ((uids, seqs), peak) = peak_of(|| {
        let (c, _) = s.run(
            search::Query::all().command(true),
            "* ESEARCH (TAG \"x\") UID ALL 1:4294967295\r\n",
        );
        (search::uids(&c), search::seqs(&c))
    });
    assert!(peak < BOUND, "peak {peak} bytes");
    assert_eq!(uids.len(), u64::from(u32::MAX));
    assert!(uids.contains(uid(4_000_000_000)));
    assert_eq!(uids.iter().rev().nth(1), Some(uid(u32::MAX - 1)));
    assert_eq!(seqs.len(), u64::from(u32::MAX));
}

#[test]
fn appenduid_of_every_uid_stays_a_range() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = Script::selected(3);
    let (appended, peak) = peak_of(|| {
        let (c, _) = s.run_with_code(
            messages::append_command(
                Mailbox::inbox(),
                &b"Subject: x\r\n\r\nx\r\n"[..],
                vec![],
                None,
            ),
            "",
            "[APPENDUID 9 1:4294967295] ",
        );
        let (_, uids) = c.append_uid().expect("APPENDUID");
        (messages::appended(&c), uids.len())
    });
    assert!(peak < BOUND, "peak {peak} bytes");
    assert_eq!(appended.0.uid, Some(uid(1)));
    assert_eq!(appended.1, u64::from(u32::MAX));
}

#[test]
fn copyuid_of_every_uid_maps_without_pairs() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = Script::selected(3);
    let (mapping, peak) = peak_of(|| {
        let (c, _) = s.run_with_code(
            messages::copy_command(UidSet::all(), Mailbox::new("Archive")),
            "",
            "[COPYUID 9 1:4294967295 1:4294967295] ",
        );
        messages::uid_mapping(&c).expect("COPYUID")
    });
    assert!(peak < BOUND, "peak {peak} bytes");
    assert_eq!(mapping.len(), u64::from(u32::MAX));
    assert_eq!(
        mapping.destination(uid(4_000_000_000)),
        Some(uid(4_000_000_000))
    );
    assert_eq!(mapping.pairs().nth(2), Some((uid(3), uid(3))));
}

#[test]
fn vanished_of_every_uid_costs_what_the_model_knows() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Four billion messages claimed, a thousand of them fetched (known UIDs 2, 4, ..., 2000).
    let mut s = Script::selected(u32::MAX);
    let fetched: String = (1..=1000)
        .map(|i| format!("* {i} FETCH (UID {})\r\n", 2 * i))
        .collect();
    s.run(CommandBody::Noop, &fetched);
    let ((expunged, exists), peak) = peak_of(|| {
        let (c, updates) = s.run(CommandBody::Noop, "* VANISHED 1:4294967295\r\n");
        let exists = s.client.selected().map(|m| m.exists());
        (messages::expunged(&c, &updates), exists)
    });
    assert!(peak < BOUND, "peak {peak} bytes");
    // The thousand known messages go by UID. The odd UIDs below 2000 fit between known
    // neighbours, where no message can be; the UIDs above 2000 fall in the never-fetched run,
    // which held 1000 messages more than that: those survive, which ones unknown.
    assert_eq!(expunged.messages.len(), 1000);
    assert_eq!(expunged.vanished_uids.len(), u64::from(u32::MAX) - 2000);
    assert_eq!(expunged.count(), u64::from(u32::MAX) - 1000);
    assert_eq!(exists, Some(1000));
}

#[test]
fn vanished_of_every_uid_after_exists_names_the_run() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = Script::selected(u32::MAX);
    let ((expunged, updates), peak) = peak_of(|| {
        let (c, updates) = s.run(CommandBody::Noop, "* VANISHED 1:4294967295\r\n");
        (messages::expunged(&c, &updates), updates)
    });
    assert!(peak < BOUND, "peak {peak} bytes");
    // Exactly as many UIDs as messages: each never-fetched message pairs with its UID.
    assert_eq!(expunged.vanished_uids.len(), u64::from(u32::MAX));
    assert_eq!(expunged.uids().len(), u64::from(u32::MAX));
    let [Update::Vanished(v)] = &updates[..] else {
        panic!("one VANISHED update: {updates:?}");
    };
    let [run] = &v.removed_runs[..] else {
        panic!("one run: {v:?}");
    };
    assert_eq!((run.first.get(), run.count), (1, u32::MAX));
    assert_eq!(v.messages().nth(9).and_then(|m| m.uid), Some(uid(10)));
}

#[test]
fn a_partial_page_of_every_uid_stays_a_range() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = Script::selected(3);
    let (uids, peak) = peak_of(|| {
        let (c, _) = s.run(
            search::Query::all().command(true),
            "* ESEARCH (TAG \"x\") UID PARTIAL (1:500 1:4294967295)\r\n",
        );
        search::uids(&c)
    });
    assert!(peak < BOUND, "peak {peak} bytes");
    assert_eq!(uids.len(), u64::from(u32::MAX));
}

#[test]
fn search_of_every_sequence_number_has_a_size_without_a_vector() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = Script::selected(100_000_000);
    let (seqs, peak) = peak_of(|| {
        let (c, _) = s.run(
            search::Query::all().command(false),
            "* ESEARCH (TAG \"x\") ALL 1:100000000\r\n",
        );
        search::seqs(&c)
    });
    assert!(peak < BOUND, "peak {peak} bytes");
    assert_eq!(seqs.len(), 100_000_000);
    assert_eq!(seqs.last(), SeqNum::new(100_000_000));
}

/// Feeds `line` (numbered by `{}` when present) to a client that runs SELECT with
/// `max_command_data` = `limit`, 4 KiB at a time, draining events as a driver would, until
/// the client closes or `total` bytes went in. Returns the events that matter and the peak.
fn flood_select(limit: u64, line: &str, total: usize) -> (Vec<Event>, usize, ClientMachine) {
    let now = Instant::now();
    let mut client = ClientMachine::new(
        ClientConfig {
            max_command_data: limit,
            ..ClientConfig::default()
        },
        now,
    );
    client.handle_input(now, b"* PREAUTH hi\r\n");
    while client.poll_event().is_some() {}
    client
        .send(
            now,
            CommandBody::Select {
                mailbox: Mailbox::inbox(),
                params: SelectParams::default(),
            },
        )
        .expect("SELECT accepted");
    client.poll_transmit(&mut Vec::new());
    let (kept, peak) = peak_of(|| {
        let mut kept = Vec::new();
        let mut sent = 0usize;
        let mut n = 1u64;
        while sent < total && !client.is_closed() {
            let mut chunk = String::with_capacity(4096);
            while chunk.len() < 4000 {
                chunk.push_str(&line.replace("{}", &n.to_string()));
                n += 1;
            }
            client.handle_input(now, chunk.as_bytes());
            sent += chunk.len();
            while let Some(e) = client.poll_event() {
                if matches!(e, Event::Completed(_) | Event::Closed(_)) {
                    kept.push(e);
                }
            }
        }
        kept
    });
    (kept, peak, client)
}

#[test]
fn endless_exists_during_select_hits_the_data_cap() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limit = 256 * 1024;
    let (events, peak, mut client) = flood_select(limit, "* {} EXISTS\r\n", 64 << 20);
    // The cap counts wire bytes plus each element; the vector may hold twice what it counts.
    assert!(peak < 3 * limit as usize, "peak {peak} bytes");
    let [Event::Completed(c), Event::Closed(Some(e))] = &events[..] else {
        panic!("the SELECT aborted, then the connection closed: {events:?}");
    };
    assert_eq!(c.outcome, imap_core::client::Outcome::Aborted);
    assert!(c.data.is_empty());
    assert_eq!(
        *e,
        imap_core::client::ConnectionError::TooMuchData { limit }
    );
    assert_eq!(
        client.send(Instant::now(), CommandBody::Noop),
        Err(imap_core::client::UsageError::Closed)
    );
}

#[test]
fn endless_response_codes_during_select_hit_the_data_cap() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let limit = 256 * 1024;
    let (events, peak, _) = flood_select(limit, "* OK [UNSEEN {}] x\r\n", 64 << 20);
    assert!(peak < 3 * limit as usize, "peak {peak} bytes");
    assert!(matches!(
        events.last(),
        Some(Event::Closed(Some(
            imap_core::client::ConnectionError::TooMuchData { .. }
        )))
    ));
}

#[test]
fn data_below_the_cap_completes() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (events, _, client) = flood_select(1 << 20, "* {} EXISTS\r\n", 64 * 1024);
    assert!(events.is_empty(), "{events:?}");
    assert!(!client.is_closed());
}

/// Feeds `transcript` in 4 KiB pieces as unsolicited untagged data (no command running, so
/// the client keeps none of it for a command), draining events as a driver would; returns the
/// peak heap growth while it ran. The transcript is built before.
fn feed_unsolicited(s: &mut Script, transcript: &str) -> usize {
    let ((), peak) = peak_of(|| {
        for piece in transcript.as_bytes().chunks(4096) {
            s.client.handle_input(s.now, piece);
            while s.client.poll_event().is_some() {}
        }
    });
    peak
}

/// The selected mailbox's message count, and the UID <-> sequence number mapping of `uid`.
fn model(s: &Script, uid: u32) -> (u32, Option<u32>, Option<u32>) {
    let m = s.client.selected().expect("selected");
    let seq = m.seq(self::uid(uid)).map(SeqNum::get);
    let back = seq
        .and_then(|q| m.uid(SeqNum::new(q).unwrap()))
        .map(Uid::get);
    (m.exists(), seq, back)
}

/// A FETCH for message 10,000,000 right after `* 10000000 EXISTS`: about 50 bytes. The model
/// keeps the message and one run of unknowns before it, not a slot per earlier message (it
/// made ten million, some 500 MB, before issue 12 was closed).
#[test]
fn a_fetch_far_past_the_known_messages_costs_what_was_sent() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = Script::selected(0);
    let (_, peak) = peak_of(|| {
        s.run(
            CommandBody::Noop,
            "* 10000000 EXISTS\r\n* 10000000 FETCH (FLAGS ())\r\n",
        )
    });
    assert!(peak < 1 << 20, "peak {peak} bytes");
    let m = s.client.selected().expect("selected");
    assert_eq!(m.exists(), 10_000_000);
    assert_eq!(
        m.messages().flags(SeqNum::new(10_000_000).unwrap()),
        Some(&[][..])
    );
    assert_eq!(m.messages().flags(SeqNum::new(9_999_999).unwrap()), None);
}

#[test]
fn a_fetch_of_the_last_of_four_billion_messages_costs_what_was_sent() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = Script::selected(u32::MAX);
    let (_, peak) = peak_of(|| {
        s.run(
            CommandBody::Noop,
            "* 4294967295 FETCH (UID 4294967295 FLAGS (\\Seen))\r\n\
             * 1 FETCH (UID 1)\r\n* 2147483648 FETCH (UID 2147483648)\r\n",
        )
    });
    assert!(peak < 1 << 20, "peak {peak} bytes");
    assert_eq!(
        model(&s, u32::MAX),
        (u32::MAX, Some(u32::MAX), Some(u32::MAX))
    );
    assert_eq!(model(&s, 1 << 31), (u32::MAX, Some(1 << 31), Some(1 << 31)));
    assert_eq!(
        s.client.selected().unwrap().messages().unknown_uids(),
        u32::MAX - 3
    );
}

#[test]
fn far_fetches_from_both_ends_cost_what_was_sent() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // 1, 10^7, 2, 10^7 - 1, ...: every FETCH splits the one run in the middle.
    const N: u32 = 10_000_000;
    const K: u32 = 10_000;
    let mut s = Script::selected(N);
    let transcript: String = (0..K)
        .map(|i| {
            let q = if i % 2 == 0 { 1 + i / 2 } else { N - i / 2 };
            format!("* {q} FETCH (UID {q} FLAGS (\\Seen))\r\n")
        })
        .collect();
    let peak = feed_unsolicited(&mut s, &transcript);
    // What the model keeps for a message is a small multiple of the bytes that described it.
    assert!(
        peak < 4 * transcript.len(),
        "peak {peak} bytes for {} sent",
        transcript.len()
    );
    assert_eq!(
        model(&s, N - K / 2 + 1),
        (N, Some(N - K / 2 + 1), Some(N - K / 2 + 1))
    );
    assert_eq!(model(&s, K / 2), (N, Some(K / 2), Some(K / 2)));
    assert_eq!(model(&s, K / 2 + 1).1, None);
}

#[test]
fn expunging_message_1_again_and_again_in_a_sparse_mailbox_costs_what_was_sent() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    const N: u32 = 10_000_000;
    let mut s = Script::selected(N);
    // A hundred messages known, a hundred thousand apart.
    let known: String = (1..=100)
        .map(|i| format!("* {} FETCH (UID {})\r\n", i * 100_000, i * 10))
        .collect();
    s.run(CommandBody::Noop, &known);
    let expunges = "* 1 EXPUNGE\r\n".repeat(10_000);
    let peak = feed_unsolicited(&mut s, &expunges);
    // The model allocates nothing; what peaks is the client's queue of events for one piece.
    assert!(
        peak < 2 * BOUND,
        "peak {peak} bytes for {} sent",
        expunges.len()
    );
    assert_eq!(model(&s, 10), (N - 10_000, Some(90_000), Some(10)));
    assert_eq!(model(&s, 1000), (N - 10_000, Some(N - 10_000), Some(1000)));
}

/// A `VANISHED` that removes a whole run of never-fetched messages lying before a fetched one:
/// three short lines. The run goes as one `RemovedRun` (it was listed message by message
/// before issue 12 was closed: ten million entries, a 201 MB peak).
#[test]
fn vanished_of_a_run_before_a_fetched_message_costs_what_was_sent() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = Script::selected(10_000_000);
    s.run(CommandBody::Noop, "* 10000000 FETCH (UID 4294967295)\r\n");
    let ((expunged, updates), peak) = peak_of(|| {
        let (c, updates) = s.run(CommandBody::Noop, "* VANISHED 1:4294967294\r\n");
        (messages::expunged(&c, &updates), updates)
    });
    assert!(peak < BOUND, "peak {peak} bytes");
    assert_eq!(model(&s, u32::MAX), (1, Some(1), Some(u32::MAX)));
    // More UIDs than the run held: all of it goes, its UIDs unnamed.
    assert_eq!((expunged.count(), expunged.unnamed), (9_999_999, 9_999_999));
    let [Update::Vanished(v)] = &updates[..] else {
        panic!("one VANISHED update: {updates:?}");
    };
    assert_eq!(v.removed_runs.len(), 1);
    assert_eq!(v.unmatched, u64::from(u32::MAX - 1) - 9_999_999);
}

/// Runs in the middle of the mailbox, each removed whole by exactly its UIDs, reported by an
/// EXPUNGE (as a driver's expunge result reads the completion): one entry per run.
#[test]
fn an_expunge_of_runs_between_fetched_messages_costs_what_was_sent() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = Script::selected(10_000_000);
    // Known messages 1, 100001, 200001, ...: their UIDs equal their sequence numbers.
    let known: String = (0..100)
        .map(|i| format!("* {n} FETCH (UID {n})\r\n", n = i * 100_000 + 1))
        .collect();
    s.run(CommandBody::Noop, &known);
    // Every message but the known ones.
    let vanished: String = (0..100)
        .map(|i| format!("{}:{}", i * 100_000 + 2, (i + 1) * 100_000))
        .collect::<Vec<_>>()
        .join(",");
    let ((expunged, removals), peak) = peak_of(|| {
        let (c, _) = s.run(CommandBody::Expunge, &format!("* VANISHED {vanished}\r\n"));
        (messages::expunged(&c, &c.removals), c.removals)
    });
    assert!(
        peak < BOUND,
        "peak {peak} bytes for {} sent",
        vanished.len()
    );
    assert_eq!(expunged.count(), 10_000_000 - 100);
    assert_eq!(expunged.vanished_uids.len(), 10_000_000 - 100);
    assert!(expunged.messages.is_empty());
    let [Update::Vanished(v)] = &removals[..] else {
        panic!("one VANISHED update: {removals:?}");
    };
    assert_eq!(v.removed_runs.len(), 100);
    assert_eq!(v.unmatched, 0);
    assert_eq!(model(&s, 9_900_001), (100, Some(100), Some(9_900_001)));
    assert_eq!(model(&s, 100_001), (100, Some(2), Some(100_001)));
}

/// `VANISHED (EARLIER)` of every UID after a huge `EXISTS` and a few FETCHes: nothing is
/// renumbered, and the result names only the known messages it lists.
#[test]
fn vanished_earlier_of_every_uid_costs_what_the_model_knows() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = Script::selected(u32::MAX);
    let known: String = (1..=100u32)
        .map(|i| format!("* {n} FETCH (UID {n})\r\n", n = i * 40_000_000))
        .collect();
    s.run(CommandBody::Noop, &known);
    let ((expunged, updates), peak) = peak_of(|| {
        let (c, updates) = s.run(CommandBody::Noop, "* VANISHED (EARLIER) 1:4294967295\r\n");
        (messages::expunged(&c, &updates), updates)
    });
    assert!(peak < BOUND, "peak {peak} bytes");
    assert_eq!(expunged.count(), 0);
    let [
        Update::VanishedEarlier {
            uids,
            still_present,
        },
    ] = &updates[..]
    else {
        panic!("one VANISHED (EARLIER) update: {updates:?}");
    };
    assert_eq!(
        UidRanges::from_set(uids, u32::MAX).len(),
        u64::from(u32::MAX)
    );
    assert_eq!(still_present.len(), 100);
    assert_eq!(
        model(&s, 40_000_000),
        (u32::MAX, Some(40_000_000), Some(40_000_000))
    );
}
