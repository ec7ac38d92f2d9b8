//! mock-server: an in-memory IMAP server with real RFC semantics.

pub mod mime;
