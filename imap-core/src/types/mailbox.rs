//! Mailbox names ([`Mailbox`]).

use bytes::Bytes;
use std::fmt;

/// A mailbox name as users see it: Unicode text. INBOX is case-insensitive and always held as
/// `INBOX`.
///
/// On the wire the codec writes modified UTF-7 (RFC 3501 section 5.1.3), or UTF-8 once
/// `UTF8=ACCEPT` is enabled. A received name that decodes as neither is kept byte for byte
/// ([`Mailbox::raw`]), so it can be sent back unchanged.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mailbox(Repr);

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Repr {
    Name(String),
    Raw(Bytes),
}

impl Mailbox {
    /// The mailbox `INBOX`.
    pub fn inbox() -> Self {
        Mailbox(Repr::Name("INBOX".into()))
    }

    /// A mailbox from its Unicode name.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        if name.eq_ignore_ascii_case("INBOX") {
            Self::inbox()
        } else {
            Mailbox(Repr::Name(name))
        }
    }

    /// A mailbox whose wire bytes could not be decoded; they are sent back unchanged.
    pub fn from_raw(bytes: Bytes) -> Self {
        Mailbox(Repr::Raw(bytes))
    }

    /// The Unicode name, or `None` when the name is held as undecodable raw bytes.
    pub fn name(&self) -> Option<&str> {
        match &self.0 {
            Repr::Name(n) => Some(n),
            Repr::Raw(_) => None,
        }
    }

    /// The raw bytes of a name that could not be decoded.
    pub fn raw(&self) -> Option<&Bytes> {
        match &self.0 {
            Repr::Name(_) => None,
            Repr::Raw(b) => Some(b),
        }
    }

    /// The name for display: the Unicode name, or the raw bytes decoded lossily.
    pub fn display_name(&self) -> std::borrow::Cow<'_, str> {
        match &self.0 {
            Repr::Name(n) => n.as_str().into(),
            Repr::Raw(b) => String::from_utf8_lossy(b),
        }
    }

    /// Whether this is INBOX.
    pub fn is_inbox(&self) -> bool {
        self.name() == Some("INBOX")
    }
}

impl fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Name(n) => write!(f, "{n:?}"),
            Repr::Raw(b) => write!(f, "raw\"{}\"", b.escape_ascii()),
        }
    }
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_name())
    }
}

impl From<&str> for Mailbox {
    fn from(s: &str) -> Self {
        Mailbox::new(s)
    }
}

impl From<String> for Mailbox {
    fn from(s: String) -> Self {
        Mailbox::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inbox_is_case_insensitive() {
        assert_eq!(Mailbox::new("inBox"), Mailbox::inbox());
        assert!(Mailbox::new("Inbox").is_inbox());
        assert_ne!(Mailbox::new("INBOX/sub"), Mailbox::inbox());
    }
}
