//! Structured responses: the input's first 32 bytes seed a ChaCha RNG that draws one value
//! from `imap_core::arbitrary::response()`; the next byte (if any) picks the encoder options
//! (default, LITERAL+, LITERAL-, UTF8=ACCEPT). Checks `parse(encode(x)) == x`, and that the
//! encoded bytes frame as exactly one unit.
#![no_main]

use imap_core::arbitrary;
use imap_core::types::Response;
use imap_core_fuzz::{encode_opts, generate, parse_opts, response_round_trip, seed};
use libfuzzer_sys::fuzz_target;
use proptest::strategy::{BoxedStrategy, Strategy};

thread_local! {
    // Built once: building the strategy tree costs more than drawing a value from it.
    static RESPONSE: BoxedStrategy<Response> = arbitrary::response().boxed();
}

fuzz_target!(|data: &[u8]| {
    let (seed, rest) = seed(data);
    let resp = RESPONSE.with(|s| generate(s, &seed));
    let opts = encode_opts(rest.first());
    response_round_trip(&resp, &opts, &parse_opts(&opts));
});
