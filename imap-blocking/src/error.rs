//! The error type, shared with the other driver: [`imap_connect::Error`].

pub use imap_connect::{Error, Result, TimedOut};
