//! Structured commands: the input's first 32 bytes seed a ChaCha RNG that draws one value
//! from `imap_core::arbitrary::command()`; the next byte (if any) picks the encoder options
//! (default, LITERAL+, LITERAL-, UTF8=ACCEPT). Checks `parse(encode(x)) == x`, and that the
//! encoded bytes frame as exactly one unit.
#![no_main]

use imap_core::arbitrary;
use imap_core::types::Command;
use imap_core_fuzz::{command_round_trip, encode_opts, generate, parse_opts, seed};
use libfuzzer_sys::fuzz_target;
use proptest::strategy::{BoxedStrategy, Strategy};

thread_local! {
    // Built once: building the strategy tree costs more than drawing a value from it.
    static COMMAND: BoxedStrategy<Command> = arbitrary::command().boxed();
}

fuzz_target!(|data: &[u8]| {
    let (seed, rest) = seed(data);
    let cmd = COMMAND.with(|s| generate(s, &seed));
    let opts = encode_opts(rest.first());
    command_round_trip(&cmd, &opts, &parse_opts(&opts));
});
