//! imap-blocking (filled by a later issue).
