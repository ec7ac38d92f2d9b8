//! The connection states (RFC 9051 section 3, the figure in section 3.5).

/// The connection state (RFC 9051 section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnState {
    /// Waiting for the server's greeting (a client-side state: no command may be sent yet).
    Greeting,
    /// Connected, not authenticated.
    NotAuthenticated,
    /// Authenticated, no mailbox selected.
    Authenticated,
    /// A mailbox is selected.
    Selected,
    /// LOGOUT sent or BYE received; the connection is ending.
    Logout,
}

impl ConnState {
    /// Every state, in the order of RFC 9051's figure.
    pub const ALL: [ConnState; 5] = [
        ConnState::Greeting,
        ConnState::NotAuthenticated,
        ConnState::Authenticated,
        ConnState::Selected,
        ConnState::Logout,
    ];

    /// The state's name for messages.
    pub fn name(self) -> &'static str {
        match self {
            ConnState::Greeting => "greeting",
            ConnState::NotAuthenticated => "not authenticated",
            ConnState::Authenticated => "authenticated",
            ConnState::Selected => "selected",
            ConnState::Logout => "logout",
        }
    }
}
