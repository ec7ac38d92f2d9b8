//! The client's side of the connection-state rules: which command may be sent in which state
//! and which may expunge (both from [`crate::protocol`], shared with the server), and what a
//! completed command does to the state (RFC 9051 section 3, figure in section 3.5).
//!
//! Rule: everything that affects the client's state transitions lives in this file.

use crate::protocol::{CommandKind, forbids_expunge};
use crate::types::{CommandBody, MessageSet, SearchKey};

pub use crate::protocol::ConnState;

/// A command's name for messages.
pub(crate) fn command_name(body: &CommandBody) -> &'static str {
    CommandKind::of(body).label()
}

/// Whether `body` may be sent in `state`: the shared rule of [`CommandKind::valid_in`]
/// (RFC 9051 sections 6.1-6.4 and the extension RFCs), which the server applies too.
pub(crate) fn allowed(body: &CommandBody, state: ConnState) -> bool {
    CommandKind::of(body).valid_in(state)
}

/// The state after `body` completes with OK, starting from `state`.
pub(crate) fn after_ok(body: &CommandBody, state: ConnState) -> ConnState {
    use CommandBody::*;
    match body {
        Login { .. } | Authenticate { .. } => ConnState::Authenticated,
        Select { .. } | Examine { .. } => ConnState::Selected,
        Close | Unselect => ConnState::Authenticated,
        Logout => ConnState::Logout,
        _ => state,
    }
}

/// The state after `body` completes with NO or BAD: a failed SELECT/EXAMINE leaves no mailbox
/// selected (RFC 9051 6.3.2); everything else keeps the state.
pub(crate) fn after_failure(body: &CommandBody, state: ConnState) -> ConnState {
    match body {
        CommandBody::Select { .. } | CommandBody::Examine { .. }
            if state == ConnState::Selected =>
        {
            ConnState::Authenticated
        }
        _ => state,
    }
}

/// Whether the command's arguments or results use message sequence numbers (RFC 9051 5.5:
/// such commands must not be sent while a command that may expunge is in progress).
pub(crate) fn uses_seq_numbers(body: &CommandBody) -> bool {
    use CommandBody::*;
    match body {
        Fetch { set, .. } | Store { set, .. } | Copy { set, .. } | Move { set, .. } => {
            matches!(set, MessageSet::Seq(_) | MessageSet::Saved { uid: false })
        }
        Search { uid, criteria, .. } => !uid || criteria.iter().any(key_uses_seq),
        Sort { uid, search, .. } | Thread { uid, search, .. } => {
            !uid || search.iter().any(key_uses_seq)
        }
        _ => false,
    }
}

fn key_uses_seq(k: &SearchKey) -> bool {
    match k {
        SearchKey::SeqSet(_) => true,
        SearchKey::Not(k) => key_uses_seq(k),
        SearchKey::Or(a, b) => key_uses_seq(a) || key_uses_seq(b),
        SearchKey::And(v) => v.iter().any(key_uses_seq),
        _ => false,
    }
}

/// Whether the server may send EXPUNGE while processing `body`: every command but those
/// [`forbids_expunge`] names (the non-UID FETCH, STORE, SEARCH, SORT and THREAD; RFC 9051
/// section 7.5.1, RFC 5256), the rule the server applies too.
pub(crate) fn may_expunge(body: &CommandBody) -> bool {
    !forbids_expunge(body)
}

/// Commands after which nothing may be pipelined until they complete: their completion changes
/// how bytes flow (STARTTLS, COMPRESS), they hold the line (AUTHENTICATE, IDLE), or they end
/// the session (LOGOUT).
pub(crate) fn is_barrier(body: &CommandBody) -> bool {
    use CommandBody::*;
    matches!(
        body,
        StartTls | Compress(_) | Authenticate { .. } | Idle | Logout
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{FetchItems, Mailbox, SelectParams, SeqSet, UidSet};

    fn fetch(set: MessageSet) -> CommandBody {
        CommandBody::Fetch {
            set,
            items: FetchItems::Fast,
            changed_since: None,
            vanished: false,
        }
    }

    #[test]
    fn state_rules() {
        let select = CommandBody::Select {
            mailbox: Mailbox::inbox(),
            params: SelectParams::default(),
        };
        assert!(!allowed(&select, ConnState::NotAuthenticated));
        assert!(allowed(&select, ConnState::Authenticated));
        assert!(!allowed(
            &fetch(MessageSet::Seq(SeqSet::all())),
            ConnState::Authenticated
        ));
        assert!(allowed(&CommandBody::Noop, ConnState::NotAuthenticated));
        assert!(!allowed(&CommandBody::StartTls, ConnState::Authenticated));
        let enable = CommandBody::Enable(vec![crate::types::Capability::QResync]);
        assert!(allowed(&enable, ConnState::Authenticated));
        assert!(!allowed(&enable, ConnState::Selected), "RFC 9051 6.3.1");
        assert!(!allowed(&enable, ConnState::NotAuthenticated));
        assert_eq!(
            after_ok(&select, ConnState::Authenticated),
            ConnState::Selected
        );
        assert_eq!(
            after_failure(&select, ConnState::Selected),
            ConnState::Authenticated
        );
    }

    #[test]
    fn sequence_number_rules() {
        let seq = fetch(MessageSet::Seq(SeqSet::all()));
        let uid = fetch(MessageSet::Uid(UidSet::all()));
        assert!(uses_seq_numbers(&seq));
        assert!(!uses_seq_numbers(&uid));
        assert!(!may_expunge(&seq));
        assert!(may_expunge(&uid));
        assert!(may_expunge(&CommandBody::Noop));
    }
}
