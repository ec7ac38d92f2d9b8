//! Arbitrary bytes into the server-role framer (in pieces sized by the input's first bytes,
//! and compared with framing them whole), then every unit into the command parser, tolerant
//! and strict. Whatever parses must encode, frame as one unit and parse back to the same value.
//!
//! Input layout: see `imap_core_fuzz::RawInput`.
#![no_main]

use imap_core::encode::EncodeOptions;
use imap_core::frame::Role;
use imap_core::parse::{ParseOptions, parse_command};
use imap_core_fuzz::{RawInput, command_round_trip, frame_raw, tolerant_agrees_command};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(input) = RawInput::new(data) else {
        return;
    };
    let tolerant = ParseOptions {
        utf8: input.utf8,
        ..ParseOptions::default()
    };
    let strict = ParseOptions {
        utf8: input.utf8,
        ..ParseOptions::strict()
    };
    let encode = EncodeOptions {
        utf8: input.utf8,
        ..EncodeOptions::default()
    };
    for unit in frame_raw(Role::Server, &input) {
        let loose = parse_command(&unit, &tolerant);
        if let Ok(s) = parse_command(&unit, &strict) {
            // Strict mode accepts a subset of what tolerant mode accepts, with the same value
            // (but for spaces around raw arguments, see `tolerant_agrees_command`).
            let Ok(t) = &loose else {
                panic!("strict mode accepts, tolerant mode rejects")
            };
            assert!(
                tolerant_agrees_command(t, &s),
                "strict and tolerant disagree:\n{s:?}\n{t:?}"
            );
            // A value read from valid grammar is written as valid grammar.
            command_round_trip(&s, &encode, &strict);
        }
        if let Ok(r) = loose {
            command_round_trip(&r, &encode, &tolerant);
        }
    }
});
