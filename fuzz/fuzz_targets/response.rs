//! Arbitrary bytes into the client-role framer (in pieces sized by the input's first bytes,
//! and compared with framing them whole), then every unit into the response parser, tolerant
//! and strict. Whatever parses must encode, frame as one unit and parse back to the same value,
//! and the accessors of its ENVELOPE and BODYSTRUCTURE must read what the whole values hold.
//!
//! Input layout: see `imap_core_fuzz::RawInput`.
#![no_main]

use imap_core::encode::EncodeOptions;
use imap_core::frame::Role;
use imap_core::parse::{ParseOptions, parse_response};
use imap_core::types::Response;
use imap_core_fuzz::{
    RawInput, frame_raw, packed_views_agree, response_round_trip, tolerant_agrees,
};
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
    for unit in frame_raw(Role::Client, &input) {
        let loose = parse_response(&unit, &tolerant);
        if let Ok(s) = parse_response(&unit, &strict) {
            // Strict mode accepts a subset of what tolerant mode accepts, with the same value
            // (but for spaces around a status text, see `tolerant_agrees`).
            let Ok(t) = &loose else {
                panic!("strict mode accepts, tolerant mode rejects")
            };
            assert!(
                tolerant_agrees(t, &s),
                "strict and tolerant disagree:\n{s:?}\n{t:?}"
            );
            // A value read from valid grammar is written as valid grammar, except an empty
            // status text: the encoder writes `* OK` without the SP that `resp-text` needs, as
            // servers do and parsers accept (imap-core's encode module, "Empty `resp-text`");
            // strict mode rejects that form, tolerant mode reads it back (checked below).
            let empty_status_text = matches!(
                &s,
                Response::Status(st) if st.code.is_none() && st.text.is_empty()
            );
            if !empty_status_text {
                response_round_trip(&s, &encode, &strict);
            }
        }
        if let Ok(r) = loose {
            packed_views_agree(&r);
            response_round_trip(&r, &encode, &tolerant);
        }
    }
});
