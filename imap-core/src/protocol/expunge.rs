//! Which commands forbid untagged EXPUNGE responses while the server answers them.
//!
//! RFC 9051 section 7.5.1: "An EXPUNGE response MUST NOT be sent when no command is in
//! progress, nor while responding to a FETCH, STORE, or SEARCH command. This rule is necessary
//! to prevent a loss of synchronization of message sequence numbers between client and server."
//! and "UID FETCH, UID STORE, and UID SEARCH are different commands from FETCH, STORE, and
//! SEARCH. An EXPUNGE response MAY be sent during a UID command."
//!
//! SORT and THREAD are not in that list because they are not in RFC 9051; RFC 5256, which
//! defines them, adds them to it in the same words: "Untagged EXPUNGE responses are not
//! permitted while the server is responding to a SORT command, but are permitted during a UID
//! SORT command." (section BASE.6.4.SORT) and the same sentence for THREAD and UID THREAD
//! (section BASE.6.4.THREAD). The reason is the one of section 7.5.1: their results are
//! sequence numbers, which an EXPUNGE in the middle of the answer would shift. So the non-UID
//! SORT and THREAD forbid EXPUNGE, as FETCH, STORE and SEARCH do, and their UID forms allow it.
//! (The client used to count SORT and THREAD as commands that may expunge, which only held
//! back pipelined commands needlessly; the mock server already held EXPUNGE back.)
//!
//! A FETCH or STORE of `$` (SEARCHRES, RFC 9051 section 6.4.4.1) is a UID command only in its
//! `UID` form, like any other set. Every other command (NOOP, CHECK, COPY, MOVE, EXPUNGE, IDLE,
//! ...) allows EXPUNGE; RFC 9051 section 5.5 lists the client's side of the same rule: "if the
//! client sends any command other than FETCH, STORE, or SEARCH, it MUST wait for the completion
//! result response before sending a command with message sequence numbers".

use super::{CommandKind, is_uid_form};
use crate::types::CommandBody;

/// Whether a server must not send untagged EXPUNGE responses while it answers `body`: the
/// sequence-number forms of FETCH, STORE, SEARCH (RFC 9051 section 7.5.1), SORT and THREAD
/// (RFC 5256). The client relies on it to pipeline sequence-number commands behind them.
pub fn forbids_expunge(body: &CommandBody) -> bool {
    use CommandKind as K;
    matches!(
        CommandKind::of(body),
        K::Fetch | K::Store | K::Search | K::Sort | K::Thread
    ) && !is_uid_form(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{MessageSet, SeqSet, UidSet};

    #[test]
    fn saved_sets_follow_their_uid_form() {
        let fetch = |set| CommandBody::Fetch {
            set,
            items: crate::types::FetchItems::Fast,
            changed_since: None,
            vanished: false,
        };
        assert!(forbids_expunge(&fetch(MessageSet::Seq(SeqSet::all()))));
        assert!(forbids_expunge(&fetch(MessageSet::Saved { uid: false })));
        assert!(!forbids_expunge(&fetch(MessageSet::Uid(UidSet::all()))));
        assert!(!forbids_expunge(&fetch(MessageSet::Saved { uid: true })));
        assert!(!forbids_expunge(&CommandBody::Noop));
    }
}
