//! imap-tokio (filled by a later issue).
