//! Porting from Python's `imaplib` and IMAPClient: a table from each of their methods to the
//! method here, with the differences. The table is `docs/porting.md`; `tests/porting_table.rs`
//! checks that every method it names exists and that no method of theirs is missing.
#![doc = include_str!("../../docs/porting.md")]
