//! The differential property of `tests/tests/differential.rs`, driven by fuzz bytes: 2-4
//! clients (`imap_tests::Pair`) on one mock-server mailbox run a script of operations (append,
//! store flags, expunge, UID expunge, move, copy, fetch, search, noop, idle, reselect,
//! pipelining, delivery and expunge from outside, FETCH of a body setting `\Seen`). After
//! every operation each client's mailbox model agrees with what the server announced to that
//! session, and after a final NOOP and UID FETCH on every session it equals the store.
//!
//! The oracle also checks every session's flags and MODSEQ: they only move forward in what it is
//! told, and equal the store's at each of its tagged responses.
//!
//! Input layout: byte 0: number of sessions (2 + b % 3) and which enable CONDSTORE (bit i of
//! b / 3 for session i); byte 1: initial messages (b % 8);
//! then up to 40 steps of a session byte, an op byte (op % 15, in the order of `Op`) and the
//! op's argument bytes (`pick`, then a flag byte for `Flag`, `Fetch` and `Search`). The scenario
//! itself is `imap_tests::differential`, shared with the test.
#![no_main]

use imap_core_fuzz::Cursor;
use imap_tests::differential::{Op, run_script};
use libfuzzer_sys::fuzz_target;

fn decode(c: &mut Cursor<'_>) -> Op {
    let (op, pick, bits) = (c.byte() % 15, c.byte(), c.byte());
    let by_uid = bits & 1 != 0;
    match op {
        0 => Op::Append,
        1 => Op::Flag {
            by_uid,
            pick,
            add: bits & 2 != 0,
            deleted: bits & 4 != 0,
        },
        2 => Op::Expunge,
        3 => Op::UidExpunge { pick },
        4 => Op::Move { pick },
        5 => Op::Copy { pick },
        6 => Op::Fetch { by_uid },
        7 => Op::Search { by_uid },
        8 => Op::Noop,
        9 => Op::Idle,
        10 => Op::Reselect,
        11 => Op::Pipelined { pick },
        12 => Op::Deliver,
        13 => Op::ExpungeElsewhere { pick },
        _ => Op::FetchBody { pick },
    }
}

fuzz_target!(|data: &[u8]| {
    let mut c = Cursor::new(data);
    let b = c.byte();
    let sessions = 2 + usize::from(b % 3);
    let condstore = b / 3;
    let initial = usize::from(c.byte() % 8);
    let mut script = Vec::new();
    while !c.is_empty() && script.len() < 40 {
        let who = usize::from(c.byte());
        script.push((who, decode(&mut c)));
    }
    if let Err(e) = run_script(sessions, initial, condstore, &script) {
        panic!("{e}\nscript: {script:?}");
    }
});
