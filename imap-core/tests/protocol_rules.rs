//! The client applies the shared protocol rules of `imap_core::protocol`: every command kind,
//! in every state, is refused locally exactly when `CommandKind::valid_in` says so, and a
//! sequence-number command is pipelined behind exactly the commands `forbids_expunge` names.
//! `mock-server/tests/protocol_rules.rs` proves the same table on the server side.

use bytes::Bytes;
use imap_core::client::{ClientConfig, ClientMachine, ConnState, UsageError};
use imap_core::parse::{ParseOptions, parse_command};
use imap_core::protocol::{CommandKind, forbids_expunge};
use imap_core::types::CommandBody;
use std::time::Instant;

const CAPS: &str = "IMAP4rev1 IMAP4rev2 AUTH=PLAIN SASL-IR IDLE UIDPLUS MOVE ENABLE UNSELECT ID \
    NAMESPACE SORT THREAD=REFERENCES QUOTA ACL METADATA NOTIFY COMPRESS=DEFLATE CONDSTORE \
    CONTEXT=SEARCH LITERAL+ ESEARCH SEARCHRES";

/// The command `line` (without tag and CRLF) as a typed body.
fn body(line: &str) -> CommandBody {
    let unit = Bytes::from(format!("t {line}\r\n"));
    parse_command(&unit, &ParseOptions::default())
        .unwrap_or_else(|e| panic!("{line}: {e}"))
        .body
}

/// A client in `state` (not authenticated, authenticated or selected), its output drained.
fn client_in(state: ConnState) -> (ClientMachine, Instant) {
    let now = Instant::now();
    let mut c = ClientMachine::new(
        ClientConfig {
            allow_plaintext_login: true,
            ..ClientConfig::default()
        },
        now,
    );
    let mut out = Vec::new();
    let mut step = |c: &mut ClientMachine, body: Option<CommandBody>, reply: &str| {
        if let Some(body) = body {
            c.send(now, body).expect("setup command accepted");
        }
        out.clear();
        c.poll_transmit(&mut out);
        let tag = String::from_utf8_lossy(&out)
            .split(' ')
            .next()
            .unwrap_or("")
            .to_owned();
        c.handle_input(now, reply.replace("{tag}", &tag).as_bytes());
        while c.poll_event().is_some() {}
    };
    step(&mut c, None, &format!("* OK [CAPABILITY {CAPS}] ready\r\n"));
    if state != ConnState::NotAuthenticated {
        let login = body("LOGIN alice pw");
        step(
            &mut c,
            Some(login),
            &format!("{{tag}} OK [CAPABILITY {CAPS}] in\r\n"),
        );
    }
    if state == ConnState::Selected {
        step(
            &mut c,
            Some(body("SELECT INBOX")),
            "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 4] n\r\n{tag} OK [READ-WRITE] s\r\n",
        );
    }
    assert_eq!(c.state(), state);
    out.clear();
    c.poll_transmit(&mut out);
    (c, now)
}

const STATES: [ConnState; 3] = [
    ConnState::NotAuthenticated,
    ConnState::Authenticated,
    ConnState::Selected,
];

#[test]
fn every_command_kind_is_refused_locally_exactly_where_the_rules_say() {
    for &kind in CommandKind::ALL {
        let example = body(kind.example());
        assert_eq!(CommandKind::of(&example), kind, "{}", kind.example());
        for state in STATES {
            let (mut c, now) = client_in(state);
            let result = c.send(now, example.clone());
            let refused = matches!(result, Err(UsageError::WrongState { .. }));
            assert_eq!(
                refused,
                !kind.valid_in(state),
                "{} in the {} state: {result:?}",
                kind.example(),
                state.name()
            );
        }
    }
}

/// The commands that keep the selected state and the plain byte stream: after any of them a
/// sequence-number command can follow in the same state.
fn keeps_selection(kind: CommandKind) -> bool {
    use CommandKind as K;
    kind.valid_in(ConnState::Selected)
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
fn sequence_numbers_pipeline_exactly_behind_the_commands_that_forbid_expunge() {
    let mut forbidding = Vec::new();
    for &kind in CommandKind::ALL.iter().filter(|&&k| keeps_selection(k)) {
        for line in forms(kind) {
            let first = body(&line);
            let (mut c, now) = client_in(ConnState::Selected);
            c.send(now, first.clone()).expect("first command accepted");
            c.send(now, body("FETCH 2 (FLAGS)"))
                .expect("FETCH accepted");
            let mut out = Vec::new();
            c.poll_transmit(&mut out);
            let sent = String::from_utf8_lossy(&out).into_owned();
            let fetch_went = sent.contains("FETCH 2 ");
            assert_eq!(
                fetch_went,
                forbids_expunge(&first),
                "FETCH 2 after {line}: sent {sent:?}"
            );
            if fetch_went {
                forbidding.push(line);
            }
        }
    }
    assert_eq!(
        forbidding,
        [
            "SEARCH ALL",
            "FETCH 1 (FLAGS)",
            "STORE 1 +FLAGS (\\Seen)",
            "SORT (DATE) UTF-8 ALL",
            "THREAD REFERENCES UTF-8 ALL"
        ]
    );
}
