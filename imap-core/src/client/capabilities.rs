//! The server's capabilities as the client tracks them ([`Capabilities`]).

use crate::types::Capability;

/// The capability set, replaced whenever the server announces a new one (greeting code,
/// CAPABILITY response or response code) and discarded after STARTTLS and after
/// authentication, as RFC 9051 sections 6.2.1 and 6.2.2 require.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    list: Vec<Capability>,
    known: bool,
}

impl Capabilities {
    /// A set from a list.
    pub fn new(list: Vec<Capability>) -> Self {
        Capabilities { list, known: true }
    }

    /// Whether the server told us its capabilities since they were last discarded.
    pub fn is_known(&self) -> bool {
        self.known
    }

    /// The capabilities, as announced.
    pub fn list(&self) -> &[Capability] {
        &self.list
    }

    /// Whether `cap` is advertised.
    pub fn has(&self, cap: &Capability) -> bool {
        self.list.contains(cap)
    }

    /// Whether `AUTH=<mechanism>` is advertised.
    pub fn has_auth(&self, mechanism: &str) -> bool {
        self.list.iter().any(|c| c.is_auth(mechanism))
    }

    /// Whether the server speaks IMAP4rev2.
    pub fn is_rev2(&self) -> bool {
        self.has(&Capability::Imap4rev2)
    }

    pub(crate) fn forget(&mut self) {
        self.list.clear();
        self.known = false;
    }
}
