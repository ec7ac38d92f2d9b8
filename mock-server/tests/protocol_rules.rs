//! The mock server applies the shared protocol rules of `imap_core::protocol`, over the wire:
//! every command kind, in every state, gets `BAD ... not valid in the ... state` exactly when
//! `CommandKind::valid_in` says so, and another session's EXPUNGE is announced during exactly
//! the commands that `forbids_expunge` does not name. `imap-core/tests/protocol_rules.rs`
//! proves the same table on the client side.

mod common;

use bytes::Bytes;
use common::{MSG, Raw, tagged};
use imap_core::parse::{ParseOptions, parse_command};
use imap_core::protocol::{CommandKind, ConnState, forbids_expunge};
use imap_core::types::{Data, Response, StatusKind};
use mock_server::listener::{MemoryConnection, MockServer};
use mock_server::store::Store;

fn server() -> MockServer {
    let mut b = Store::builder().user("alice", "pw").mailbox("INBOX");
    for _ in 0..3 {
        b = b.message(MSG, &[], None);
    }
    MockServer::builder()
        .store(b.build().unwrap())
        .build()
        .unwrap()
}

/// A connection in `state` (not authenticated, authenticated or selected).
fn session_in(server: &MockServer, state: ConnState) -> Raw<MemoryConnection> {
    let mut c = Raw::new(server.connect_in_memory());
    c.recv().expect("greeting");
    if state != ConnState::NotAuthenticated {
        assert_eq!(tagged(&c.run("l", "LOGIN alice pw")).kind, StatusKind::Ok);
    }
    if state == ConnState::Selected {
        assert_eq!(tagged(&c.run("s", "SELECT INBOX")).kind, StatusKind::Ok);
    }
    c
}

/// Whether the tagged response refuses the command for the state it was sent in.
fn refused_for_state(responses: &[Response]) -> bool {
    let t = tagged(responses);
    t.kind == StatusKind::Bad && String::from_utf8_lossy(t.text.as_bytes()).contains(" state")
}

#[test]
fn every_command_kind_is_refused_exactly_where_the_rules_say() {
    let server = server();
    for &kind in CommandKind::ALL {
        for state in [
            ConnState::NotAuthenticated,
            ConnState::Authenticated,
            ConnState::Selected,
        ] {
            let valid = kind.valid_in(state);
            // IDLE waits for DONE and COMPRESS changes the byte stream once accepted: only
            // their refusals are checked here.
            if valid && matches!(kind, CommandKind::Idle | CommandKind::Compress) {
                continue;
            }
            let mut c = session_in(&server, state);
            let r = c.run("t", kind.example());
            assert_eq!(
                refused_for_state(&r),
                !valid,
                "{} in the {} state: {r:?}",
                kind.example(),
                state.name()
            );
        }
    }
}

/// The commands that keep the selected state and the plain byte stream. (An unknown command,
/// [`CommandKind::Other`], is answered BAD without being run: no announcement is due.)
fn keeps_selection(kind: CommandKind) -> bool {
    use CommandKind as K;
    kind.valid_in(ConnState::Selected)
        && kind != K::Other
        && !matches!(
            kind,
            K::Logout
                | K::StartTls
                | K::Authenticate
                | K::Select
                | K::Examine
                | K::Close
                | K::Unselect
                | K::Idle
                | K::Compress
        )
}

/// The example and, where the command has one, its UID form.
fn forms(kind: CommandKind) -> Vec<String> {
    let uid = kind
        .has_uid_form()
        .then(|| format!("UID {}", kind.example()));
    [Some(kind.example().to_owned()), uid]
        .into_iter()
        .flatten()
        .collect()
}

#[test]
fn another_sessions_expunge_is_announced_exactly_where_the_rules_allow() {
    let mut held_back = Vec::new();
    for &kind in CommandKind::ALL.iter().filter(|&&k| keeps_selection(k)) {
        for line in forms(kind) {
            let server = server();
            let mut c = session_in(&server, ConnState::Selected);
            let mut other = session_in(&server, ConnState::Selected);
            let r = other.run("x", "STORE 3 +FLAGS.SILENT (\\Deleted)");
            assert_eq!(tagged(&r).kind, StatusKind::Ok);
            assert_eq!(tagged(&other.run("y", "EXPUNGE")).kind, StatusKind::Ok);
            let r = c.run("t", &line);
            let announced = r
                .iter()
                .any(|r| matches!(r, Response::Data(Data::Expunge(n)) if n.get() == 3));
            let unit = Bytes::from(format!("t {line}\r\n"));
            let body = parse_command(&unit, &ParseOptions::default()).unwrap().body;
            assert_eq!(announced, !forbids_expunge(&body), "{line}: {r:?}");
            if !announced {
                held_back.push(line);
            }
        }
    }
    assert_eq!(
        held_back,
        [
            "SEARCH ALL",
            "FETCH 1 (FLAGS)",
            "STORE 1 +FLAGS (\\Seen)",
            "SORT (DATE) UTF-8 ALL",
            "THREAD REFERENCES UTF-8 ALL"
        ]
    );
}
