//! The client state machine driven through its public API by a scripted server: bytes in,
//! events and bytes out, with a virtual clock.

use imap_core::client::{
    ClientConfig, ClientMachine, CommandId, ConnState, ConnectionError, Event, Outcome, UsageError,
};
use imap_core::mailbox::Update;
use imap_core::sasl::{Credentials, Mechanism};
use imap_core::types::*;
use std::time::{Duration, Instant};

/// A client plus a virtual clock, fed by the test as the server.
struct Script {
    client: ClientMachine,
    now: Instant,
}

impl Script {
    fn new(config: ClientConfig) -> Script {
        let now = Instant::now();
        Script {
            client: ClientMachine::new(config, now),
            now,
        }
    }

    fn plaintext_ok() -> Script {
        Script::new(ClientConfig {
            allow_plaintext_login: true,
            ..ClientConfig::default()
        })
    }

    fn greeted(caps: &str) -> Script {
        let mut s = Script::plaintext_ok();
        s.server(&format!("* OK [CAPABILITY {caps}] ready\r\n"));
        s.events();
        s
    }

    fn server(&mut self, bytes: &str) {
        self.client.handle_input(self.now, bytes.as_bytes());
    }

    fn server_bytes(&mut self, bytes: &[u8]) {
        self.client.handle_input(self.now, bytes);
    }

    fn sent(&mut self) -> String {
        let mut out = Vec::new();
        self.client.poll_transmit(&mut out);
        String::from_utf8(out).expect("client output is text in these tests")
    }

    fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.client.poll_event()).collect()
    }

    fn send(&mut self, body: CommandBody) -> CommandId {
        self.client.send(self.now, body).expect("command accepted")
    }

    fn advance(&mut self, d: Duration) {
        self.now += d;
        self.client.handle_timeout(self.now);
    }

    fn login(&mut self) {
        self.send(CommandBody::Login {
            username: "user".into(),
            password: imap_core::secret::Secret::new("pw".into()),
        });
        let sent = self.sent();
        let tag = sent.split(' ').next().unwrap().to_owned();
        self.server(&format!(
            "{tag} OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS MOVE] done\r\n"
        ));
        self.events();
    }

    fn select(&mut self, exists: u32) {
        self.send(CommandBody::Select {
            mailbox: Mailbox::inbox(),
            params: SelectParams::default(),
        });
        let sent = self.sent();
        let tag = sent.split(' ').next().unwrap().to_owned();
        self.server(&format!(
            "* {exists} EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 100] n\r\n{tag} OK [READ-WRITE] selected\r\n"
        ));
        self.events();
    }
}

fn completions(events: &[Event]) -> Vec<&imap_core::client::Completion> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Completed(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn fetch_uid_flags(set: MessageSet) -> CommandBody {
    CommandBody::Fetch {
        set,
        items: FetchItems::Items(vec![FetchItem::Uid, FetchItem::Flags]),
        changed_since: None,
        vanished: false,
    }
}

#[test]
fn greeting_capabilities_and_preauth() {
    let mut s = Script::plaintext_ok();
    assert_eq!(s.client.state(), ConnState::Greeting);
    s.server("* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] hi\r\n");
    assert!(matches!(s.events()[0], Event::Greeting(_)));
    assert_eq!(s.client.state(), ConnState::NotAuthenticated);
    assert!(s.client.capabilities().has(&Capability::LiteralPlus));

    let mut p = Script::plaintext_ok();
    p.server("* PREAUTH welcome\r\n");
    assert_eq!(p.client.state(), ConnState::Authenticated);
}

#[test]
fn bye_greeting_closes_with_a_reason() {
    let mut s = Script::plaintext_ok();
    s.server("* BYE go away\r\n");
    let ev = s.events();
    assert!(matches!(ev[0], Event::Bye(_)));
    assert!(matches!(
        ev.last(),
        Some(Event::Closed(Some(ConnectionError::Refused(_))))
    ));
    assert_eq!(s.client.poll_event(), None, "the error is delivered once");
}

#[test]
fn login_in_the_clear_is_refused_unless_allowed() {
    let mut s = Script::new(ClientConfig::default());
    s.server("* OK ready\r\n");
    let err = s
        .client
        .send(
            s.now,
            CommandBody::Login {
                username: "u".into(),
                password: imap_core::secret::Secret::new("p".into()),
            },
        )
        .unwrap_err();
    assert_eq!(err, UsageError::PlaintextLogin);
    assert_eq!(s.sent(), "", "nothing was sent");

    let mut d = Script::greeted("IMAP4rev1 LOGINDISABLED");
    let err = d
        .client
        .send(
            d.now,
            CommandBody::Login {
                username: "u".into(),
                password: imap_core::secret::Secret::new("p".into()),
            },
        )
        .unwrap_err();
    assert_eq!(err, UsageError::LoginDisabled);
}

#[test]
fn commands_invalid_in_the_state_are_refused_locally() {
    let mut s = Script::greeted("IMAP4rev1");
    let err = s
        .client
        .send(s.now, fetch_uid_flags(MessageSet::Seq(SeqSet::all())))
        .unwrap_err();
    assert!(matches!(err, UsageError::WrongState { .. }));
    assert_eq!(s.sent(), "");
    // Pipelining: SELECT after a queued LOGIN is judged in the state LOGIN leads to.
    s.send(CommandBody::Login {
        username: "u".into(),
        password: imap_core::secret::Secret::new("p".into()),
    });
    s.send(CommandBody::Select {
        mailbox: Mailbox::inbox(),
        params: SelectParams::default(),
    });
}

#[test]
fn pipelined_commands_complete_with_their_typed_data() {
    let mut s = Script::greeted("IMAP4rev1");
    s.login();
    s.select(3);
    let list = s.send(CommandBody::List {
        selection: vec![],
        reference: Mailbox::new(""),
        patterns: vec![Mailbox::new("*")],
        returns: vec![],
    });
    let fetch = s.send(fetch_uid_flags(MessageSet::Uid(UidSet::all())));
    let out = s.sent();
    assert!(out.contains("A0003 LIST \"\" *\r\n"), "{out}");
    assert!(out.contains("A0004 UID FETCH 1:* (UID FLAGS)\r\n"), "{out}");
    s.server(concat!(
        "* LIST (\\HasNoChildren) \"/\" INBOX\r\n",
        "* LIST (\\Sent) \"/\" Sent\r\n",
        "A0003 OK listed\r\n",
        "* 1 FETCH (UID 10 FLAGS (\\Seen))\r\n",
        "* 2 FETCH (UID 11 FLAGS ())\r\n",
        "A0004 OK fetched\r\n",
    ));
    let ev = s.events();
    let done = completions(&ev);
    assert_eq!(done.len(), 2);
    assert_eq!(done[0].id, list);
    assert_eq!(done[0].list().len(), 2);
    assert_eq!(done[1].id, fetch);
    let fetched: Vec<_> = done[1].fetched().collect();
    assert_eq!(fetched.len(), 2);
    assert_eq!(fetched[1].uid, Uid::new(11));
    // The model learnt the UIDs.
    let m = s.client.selected().unwrap();
    assert_eq!(m.uid(SeqNum::new(2).unwrap()), Uid::new(11));
}

#[test]
fn select_yields_the_mailbox_summary() {
    let mut s = Script::greeted("IMAP4rev1");
    s.login();
    s.send(CommandBody::Select {
        mailbox: Mailbox::inbox(),
        params: SelectParams::default(),
    });
    s.sent();
    s.server(concat!(
        "* FLAGS (\\Answered \\Seen)\r\n",
        "* 172 EXISTS\r\n",
        "* 1 RECENT\r\n",
        "* OK [UNSEEN 12] first unseen\r\n",
        "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n",
        "* OK [UIDNEXT 4392] next\r\n",
        "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] limited\r\n",
        "A0002 OK [READ-WRITE] SELECT completed\r\n",
    ));
    let ev = s.events();
    let c = completions(&ev)[0];
    let sum = c.summary.as_ref().expect("summary");
    assert_eq!(sum.exists, 172);
    assert_eq!(sum.recent, Some(1));
    assert_eq!(sum.uid_validity, UidValidity::new(3857529045));
    assert_eq!(sum.uid_next, Uid::new(4392));
    assert_eq!(sum.unseen, SeqNum::new(12));
    assert_eq!(sum.flags, vec![Flag::Answered, Flag::Seen]);
    assert!(!sum.read_only);
    assert_eq!(s.client.state(), ConnState::Selected);
}

#[test]
fn synchronizing_literal_waits_for_continuation() {
    let mut s = Script::greeted("IMAP4rev1");
    s.login();
    s.send(CommandBody::Append {
        mailbox: Mailbox::inbox(),
        messages: vec![AppendMessage {
            flags: vec![],
            date: None,
            data: AppendData::Literal {
                data: "Subject: hi\r\n\r\nbody\r\n".into(),
                binary: false,
            },
        }],
    });
    let noop = s.send(CommandBody::Noop);
    let first = s.sent();
    assert_eq!(first, "A0002 APPEND INBOX {21}\r\n");
    s.server("+ go ahead\r\n");
    assert_eq!(s.sent(), "Subject: hi\r\n\r\nbody\r\n\r\nA0003 NOOP\r\n");
    s.server("A0002 OK [APPENDUID 7 42] appended\r\nA0003 OK noop\r\n");
    let ev = s.events();
    let done = completions(&ev);
    let (validity, uids) = done[0].append_uid().expect("APPENDUID");
    assert_eq!(
        (validity.get(), uids),
        (7, [Uid::new(42).unwrap()].into_iter().collect())
    );
    assert_eq!(done[1].id, noop);
}

#[test]
fn refused_literal_fails_only_that_command() {
    let mut s = Script::greeted("IMAP4rev1");
    s.login();
    s.send(CommandBody::Append {
        mailbox: Mailbox::inbox(),
        messages: vec![AppendMessage {
            flags: vec![],
            date: None,
            data: AppendData::Literal {
                data: "x".repeat(100).into(),
                binary: false,
            },
        }],
    });
    s.send(CommandBody::Noop);
    assert_eq!(s.sent(), "A0002 APPEND INBOX {100}\r\n");
    s.server("A0002 NO [TOOBIG] too big\r\n");
    assert_eq!(s.sent(), "A0003 NOOP\r\n", "the literal is never sent");
    let ev = s.events();
    assert_eq!(completions(&ev)[0].outcome, Outcome::No);
    s.server("A0003 OK\r\n");
    assert_eq!(completions(&s.events())[0].outcome, Outcome::Ok);
    assert!(!s.client.is_closed());
}

#[test]
fn literal_plus_is_used_when_advertised() {
    let mut s = Script::greeted("IMAP4rev1 LITERAL+");
    s.send(CommandBody::Login {
        username: "user".into(),
        password: imap_core::secret::Secret::new("p\"w\r\n".into()),
    });
    assert_eq!(s.sent(), "A0001 LOGIN user {5+}\r\np\"w\r\n\r\n");
}

#[test]
fn starttls_discards_injected_bytes() {
    let mut s = Script::greeted("IMAP4rev1 STARTTLS");
    s.send(CommandBody::StartTls);
    assert_eq!(s.sent(), "A0001 STARTTLS\r\n");
    // A man in the middle appends a response after the OK, in plaintext.
    s.server("A0001 OK begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n");
    let ev = s.events();
    assert!(ev.iter().any(|e| matches!(e, Event::StartTls)));
    assert!(
        !ev.iter().any(|e| matches!(e, Event::Status(_))),
        "injected bytes must never be parsed: {ev:?}"
    );
    // More plaintext before the handshake is dropped too.
    s.server("* 5 EXISTS\r\n");
    assert!(s.events().is_empty());
    s.client.handle_tls_established(s.now);
    assert!(s.client.is_tls());
    assert!(
        !s.client.capabilities().is_known(),
        "capabilities are discarded"
    );
    assert!(!s.client.capabilities().has_auth("PLAIN"));
}

#[test]
fn idle_receives_updates_and_is_reissued_before_the_deadline() {
    let mut s = Script::new(ClientConfig {
        allow_plaintext_login: true,
        idle_reissue: Duration::from_secs(29 * 60),
        ..ClientConfig::default()
    });
    s.server("* OK [CAPABILITY IMAP4rev1 IDLE] hi\r\n");
    s.login();
    s.select(2);
    let idle = s.send(CommandBody::Idle);
    assert_eq!(s.sent(), "A0003 IDLE\r\n");
    let noop = s.send(CommandBody::Noop);
    s.server("+ idling\r\n");
    assert_eq!(s.events(), vec![Event::IdleStarted(idle)]);
    assert_eq!(s.sent(), "", "commands wait while idling");
    s.server("* 3 EXISTS\r\n* 1 EXPUNGE\r\n");
    let ev = s.events();
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::Mailbox(Update::Exists { .. })))
    );
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::Mailbox(Update::Expunged(_))))
    );
    assert_eq!(s.client.selected().unwrap().exists(), 2);
    // The deadline: the client ends IDLE by itself, then re-issues it.
    let deadline = s.client.poll_timeout().unwrap();
    assert_eq!(deadline, s.now + Duration::from_secs(29 * 60));
    s.advance(Duration::from_secs(29 * 60));
    assert_eq!(s.sent(), "DONE\r\n");
    s.server("A0003 OK idle done\r\n");
    // The queued NOOP goes first; IDLE is re-issued once nothing else is in flight.
    assert_eq!(s.sent(), "A0004 NOOP\r\n");
    s.server("A0004 OK\r\n");
    assert_eq!(s.sent(), "A0005 IDLE\r\n");
    s.server("+ idling\r\n");
    let ev = s.events();
    assert!(completions(&ev).iter().any(|c| c.id == noop));
    assert!(ev.iter().any(|e| matches!(e, Event::IdleStarted(_))));
    // The caller ends it.
    s.client.idle_done(s.now).unwrap();
    assert_eq!(s.sent(), "DONE\r\n");
    s.server("A0005 OK\r\n");
    assert!(!s.client.is_idling());
}

#[test]
fn idle_liveness_detects_a_dead_connection() {
    let mut s = Script::new(ClientConfig {
        allow_plaintext_login: true,
        idle_liveness: Some(Duration::from_secs(60)),
        ..ClientConfig::default()
    });
    s.server("* OK [CAPABILITY IMAP4rev1 IDLE] hi\r\n");
    s.login();
    s.select(1);
    s.send(CommandBody::Idle);
    s.server("+ idling\r\n");
    s.advance(Duration::from_secs(50));
    s.server("* OK still here\r\n");
    s.advance(Duration::from_secs(50));
    assert!(!s.client.is_closed(), "a keep-alive resets liveness");
    s.advance(Duration::from_secs(61));
    let ev = s.events();
    assert!(matches!(
        ev.last(),
        Some(Event::Closed(Some(ConnectionError::Timeout(_))))
    ));
}

#[test]
fn expunge_burst_renumbers_and_names_uids() {
    let mut s = Script::greeted("IMAP4rev1");
    s.login();
    s.select(5);
    s.send(fetch_uid_flags(MessageSet::Seq(SeqSet::all())));
    s.sent();
    s.server(concat!(
        "* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 2 FLAGS ())\r\n",
        "* 3 FETCH (UID 3 FLAGS ())\r\n* 4 FETCH (UID 4 FLAGS ())\r\n",
        "* 5 FETCH (UID 5 FLAGS ())\r\nA0003 OK\r\n",
    ));
    s.events();
    s.send(CommandBody::Expunge);
    s.sent();
    s.server("* 3 EXPUNGE\r\n* 3 EXPUNGE\r\n* 3 EXPUNGE\r\nA0004 OK\r\n");
    let ev = s.events();
    // The removals are the EXPUNGE's own result: in its completion, not events.
    assert!(
        !ev.iter()
            .any(|e| matches!(e, Event::Mailbox(_) | Event::Data(_))),
        "{ev:?}"
    );
    let Some(Event::Completed(done)) = ev.last() else {
        panic!("EXPUNGE completed: {ev:?}");
    };
    let gone: Vec<(u32, Option<u32>)> = done
        .removals
        .iter()
        .filter_map(|u| match u {
            Update::Expunged(r) => Some((r.seq.get(), r.uid.map(Uid::get))),
            _ => None,
        })
        .collect();
    assert_eq!(gone, vec![(3, Some(3)), (3, Some(4)), (3, Some(5))]);
    let m = s.client.selected().unwrap();
    assert_eq!(m.exists(), 2);
    assert_eq!(m.uid(SeqNum::new(2).unwrap()), Uid::new(2));
}

#[test]
fn sequence_number_commands_wait_behind_a_command_that_may_expunge() {
    let mut s = Script::greeted("IMAP4rev1");
    s.login();
    s.select(3);
    s.send(CommandBody::Noop);
    s.send(fetch_uid_flags(MessageSet::Seq(SeqSet::single(
        SeqNum::new(2).unwrap(),
    ))));
    assert_eq!(s.sent(), "A0003 NOOP\r\n", "FETCH 2 is held back");
    s.server("* 1 EXPUNGE\r\nA0003 OK\r\n");
    assert_eq!(s.sent(), "A0004 FETCH 2 (UID FLAGS)\r\n");
}

#[test]
fn authenticate_plain_uses_sasl_ir() {
    let mut s = Script::greeted("IMAP4rev1 SASL-IR AUTH=PLAIN");
    s.client
        .authenticate(
            s.now,
            Mechanism::Plain,
            Credentials::password("tim", "tanstaaftanstaaf"),
        )
        .unwrap();
    assert_eq!(
        s.sent(),
        "A0001 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n"
    );
    s.server("A0001 OK [CAPABILITY IMAP4rev1 IDLE] welcome\r\n");
    assert_eq!(s.client.state(), ConnState::Authenticated);
    assert!(s.client.capabilities().has(&Capability::Idle));
}

#[test]
fn authenticate_without_sasl_ir_answers_the_empty_challenge() {
    let mut s = Script::greeted("IMAP4rev1 AUTH=PLAIN");
    s.client
        .authenticate(s.now, Mechanism::Plain, Credentials::password("tim", "pw"))
        .unwrap();
    assert_eq!(s.sent(), "A0001 AUTHENTICATE PLAIN\r\n");
    s.server("+ \r\n");
    assert_eq!(s.sent(), "AHRpbQBwdw==\r\n");
    s.server("A0001 OK done\r\n");
    assert_eq!(s.client.state(), ConnState::Authenticated);
    assert!(
        !s.client.capabilities().is_known(),
        "capabilities refreshed after auth"
    );
}

#[test]
fn untagged_capability_before_the_login_completion_is_kept() {
    // Dovecot, after a pre-login CAPABILITY command, announces the post-login capabilities in
    // an untagged CAPABILITY before the tagged OK, which has no response code.
    let mut s = Script::greeted("IMAP4rev1 AUTH=PLAIN");
    s.send(CommandBody::Capability);
    s.send(CommandBody::Login {
        username: "user".into(),
        password: imap_core::secret::Secret::new("pw".into()),
    });
    assert_eq!(s.sent(), "A0001 CAPABILITY\r\nA0002 LOGIN user pw\r\n");
    s.server("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nA0001 OK listed\r\n");
    s.server("* CAPABILITY IMAP4rev1 IDLE MOVE\r\nA0002 OK Logged in\r\n");
    s.events();
    assert_eq!(s.client.state(), ConnState::Authenticated);
    assert!(s.client.capabilities().is_known());
    assert!(s.client.capabilities().has(&Capability::Move));
    assert!(!s.client.capabilities().has_auth("PLAIN"));
}

#[test]
fn xoauth2_error_challenge_is_answered_with_an_empty_line() {
    let mut s = Script::greeted("IMAP4rev1 SASL-IR AUTH=XOAUTH2");
    s.client
        .authenticate(
            s.now,
            Mechanism::XOAuth2,
            Credentials::oauth2("me@x.org", "tok"),
        )
        .unwrap();
    s.sent();
    // {"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}
    s.server("+ eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==\r\n");
    assert_eq!(s.sent(), "\r\n");
    s.server("A0001 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n");
    let ev = s.events();
    assert_eq!(completions(&ev)[0].outcome, Outcome::No);
    assert_eq!(s.client.state(), ConnState::NotAuthenticated);
}

#[test]
fn scram_rejects_a_server_that_cannot_prove_the_password() {
    let mut s = Script::greeted("IMAP4rev1 AUTH=SCRAM-SHA-256");
    s.client
        .authenticate(
            s.now,
            Mechanism::ScramSha256,
            Credentials::password("user", "pencil"),
        )
        .unwrap();
    s.sent();
    s.server("+ \r\n");
    let client_first = s.sent();
    assert!(!client_first.is_empty());
    // The server skips its proof and just says OK: the client must not trust it.
    s.server("A0001 OK welcome\r\n");
    let ev = s.events();
    assert!(matches!(
        ev.last(),
        Some(Event::Closed(Some(ConnectionError::Authentication(_))))
    ));
}

#[test]
fn unknown_and_unparseable_untagged_responses_keep_the_connection() {
    let mut s = Script::greeted("IMAP4rev1");
    s.server("* XSTRANGE 1 2 (3)\r\n* 1 FETCH (((\r\n* OK still fine\r\n");
    let ev = s.events();
    assert!(matches!(ev[0], Event::Data(Data::Other { .. })));
    assert!(matches!(ev[1], Event::Unparsed(_)));
    assert!(matches!(ev[2], Event::Status(_)));
    assert!(!s.client.is_closed());
}

/// A line that answers none of the commands in flight is skipped like unparseable untagged
/// data: Xeams sends the FETCH items after a literal on a line of their own, with no `*`
/// (paperless-ngx/paperless-ngx#13412). An unparseable line with the tag of a command in flight
/// still ends the connection: that command could never complete.
#[test]
fn an_unparseable_line_without_a_pending_tag_is_skipped() {
    let mut s = Script::greeted("IMAP4rev1");
    s.login();
    let noop = s.send(CommandBody::Noop);
    s.sent();
    s.server("FLAGS (\\Seen) RFC822.SIZE 1234)\r\nA0002 OK done\r\n");
    let ev = s.events();
    assert!(matches!(ev[0], Event::Unparsed(_)), "{ev:?}");
    let c = completions(&ev);
    assert_eq!((c[0].id, c[0].outcome), (noop, Outcome::Ok));
    assert!(!s.client.is_closed());
    s.send(CommandBody::Noop);
    s.sent();
    s.server("A0003 WHAT\r\n");
    assert!(matches!(
        s.events().last(),
        Some(Event::Closed(Some(ConnectionError::Protocol(_))))
    ));
}

#[test]
fn connection_error_is_sticky_and_comes_after_parsed_events() {
    let mut s = Script::greeted("IMAP4rev1");
    s.login();
    let noop = s.send(CommandBody::Noop);
    s.sent();
    s.server("* OK one\r\n");
    s.client.handle_eof(s.now);
    let ev = s.events();
    assert!(matches!(ev[0], Event::Status(_)));
    let c = completions(&ev);
    assert_eq!(c[0].id, noop);
    assert_eq!(c[0].outcome, Outcome::Aborted);
    assert!(matches!(
        ev.last(),
        Some(Event::Closed(Some(ConnectionError::Closed { .. })))
    ));
    assert_eq!(s.client.poll_event(), None);
    assert_eq!(
        s.client.send(s.now, CommandBody::Noop).unwrap_err(),
        UsageError::Closed
    );
}

#[test]
fn logout_ends_cleanly() {
    let mut s = Script::greeted("IMAP4rev1");
    s.send(CommandBody::Logout);
    s.sent();
    s.server("* BYE bye\r\nA0001 OK logged out\r\n");
    s.client.handle_eof(s.now);
    let ev = s.events();
    assert_eq!(ev.last(), Some(&Event::Closed(None)));
}

#[test]
fn uidvalidity_change_is_reported() {
    let mut s = Script::greeted("IMAP4rev1");
    s.login();
    s.select(1);
    s.server("* OK [UIDVALIDITY 8] changed\r\n");
    let ev = s.events();
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::Mailbox(Update::UidValidity {
            invalidated: true,
            ..
        })
    )));
}

#[test]
fn compress_deflate_round_trip() {
    use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
    let mut s = Script::greeted("IMAP4rev1 COMPRESS=DEFLATE");
    s.login();
    s.send(CommandBody::Compress(Atom::try_from("DEFLATE").unwrap()));
    assert_eq!(s.sent(), "A0002 COMPRESS DEFLATE\r\n");
    // The server's OK, then its first compressed response in the same read.
    let mut server_out = Compress::new(Compression::default(), false);
    let mut compressed = Vec::with_capacity(256);
    server_out
        .compress_vec(
            b"* OK compressed hello\r\n",
            &mut compressed,
            FlushCompress::Sync,
        )
        .unwrap();
    let mut input = b"A0002 OK DEFLATE active\r\n".to_vec();
    input.extend(&compressed);
    s.server_bytes(&input);
    let ev = s.events();
    assert!(ev.iter().any(|e| matches!(e, Event::Compressing)));
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::Status(st) if st.text.as_bytes() == b"compressed hello"))
    );
    // Output is compressed now.
    s.send(CommandBody::Noop);
    let mut wire = Vec::new();
    s.client.poll_transmit(&mut wire);
    let mut server_in = Decompress::new(false);
    let mut plain = Vec::with_capacity(64);
    server_in
        .decompress_vec(&wire, &mut plain, FlushDecompress::Sync)
        .unwrap();
    assert_eq!(plain, b"A0003 NOOP\r\n");
}

/// What is queued while COMPRESS is active is deflated 64 KiB of plaintext per
/// `poll_transmit`, each piece sync-flushed (decodable alone), so that a large literal goes out
/// as it is deflated: 10,000 NOOPs (130 KB) take three calls, and the server reads them all.
#[test]
fn queued_output_is_deflated_a_piece_at_a_time() {
    use flate2::{Decompress, FlushDecompress};
    let mut s = Script::greeted("IMAP4rev1 COMPRESS=DEFLATE");
    s.login();
    s.send(CommandBody::Compress(Atom::try_from("DEFLATE").unwrap()));
    s.sent();
    s.server("A0002 OK DEFLATE active\r\n");
    s.events();
    for _ in 0..10_000 {
        s.send(CommandBody::Noop);
    }
    let mut server_in = Decompress::new(false);
    let mut plain = Vec::new();
    let mut calls = 0;
    while s.client.wants_write() {
        let mut wire = Vec::new();
        assert!(s.client.poll_transmit(&mut wire) > 0);
        calls += 1;
        let mut piece = Vec::with_capacity(128 * 1024);
        server_in
            .decompress_vec(&wire, &mut piece, FlushDecompress::Sync)
            .unwrap();
        assert!(piece.len() <= 64 * 1024, "a piece of {} bytes", piece.len());
        plain.extend_from_slice(&piece);
    }
    let expected: String = (3..10_003).map(|i| format!("A{i:04} NOOP\r\n")).collect();
    assert_eq!(String::from_utf8(plain).unwrap(), expected);
    assert_eq!(calls, expected.len().div_ceil(64 * 1024));
}

/// A read that inflates to far more than it holds (100,000 responses, 1.3 MB from a few KB,
/// in the same read as COMPRESS's OK) is inflated and handled a piece at a time, responses
/// cut across pieces intact.
#[test]
fn compressed_input_is_inflated_in_pieces() {
    use flate2::{Compress, Compression, FlushCompress};
    let mut s = Script::greeted("IMAP4rev1 COMPRESS=DEFLATE");
    s.login();
    s.send(CommandBody::Compress(Atom::try_from("DEFLATE").unwrap()));
    s.sent();
    let plain: String = (0..100_000).map(|i| format!("* OK note {i}\r\n")).collect();
    let mut server_out = Compress::new(Compression::default(), false);
    let mut compressed = Vec::with_capacity(plain.len());
    server_out
        .compress_vec(plain.as_bytes(), &mut compressed, FlushCompress::Sync)
        .unwrap();
    assert!(compressed.len() * 4 < plain.len());
    let mut input = b"A0002 OK DEFLATE active\r\n".to_vec();
    input.extend(&compressed);
    s.server_bytes(&input);
    let notes: Vec<String> = s
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Status(st) => Some(st.text.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(notes.len(), 100_000);
    assert_eq!(notes[0], "note 0");
    assert_eq!(notes[99_999], "note 99999");
}

#[test]
fn large_literals_stream_as_chunks_with_their_message_and_item() {
    let mut s = Script::new(ClientConfig {
        allow_plaintext_login: true,
        stream_threshold: Some(16),
        ..ClientConfig::default()
    });
    s.server("* OK [CAPABILITY IMAP4rev1] hi\r\n");
    s.login();
    s.select(3);
    let id = s.send(CommandBody::Fetch {
        set: MessageSet::Uid(UidSet::single(Uid::new(9).unwrap())),
        items: FetchItems::Items(vec![FetchItem::BodySection {
            section: Section::default(),
            partial: None,
            peek: true,
        }]),
        changed_since: None,
        vanished: false,
    });
    s.sent();
    let body = "x".repeat(100);
    let resp = format!("* 3 FETCH (UID 9 BODY[] {{100}}\r\n{body} FLAGS (\\Seen))\r\nA0003 OK\r\n");
    let mut chunks = Vec::new();
    for piece in resp.as_bytes().chunks(7) {
        s.server_bytes(piece);
        for e in s.events() {
            match e {
                Event::LiteralChunk {
                    seq,
                    uid,
                    item,
                    offset,
                    total,
                    data,
                } => {
                    assert_eq!(seq, SeqNum::new(3));
                    assert_eq!(uid, Uid::new(9));
                    assert_eq!(item.as_bytes(), b"BODY[]");
                    assert_eq!(total, 100);
                    assert_eq!(offset as usize, chunks.len());
                    chunks.extend_from_slice(&data);
                }
                Event::Completed(c) => {
                    assert_eq!(c.id, id);
                    let f: Vec<_> = c.fetched().collect();
                    assert!(f[0].data.contains(&FetchData::BodySection {
                        section: Section::default(),
                        origin: None,
                        data: None,
                    }));
                }
                _ => {}
            }
        }
    }
    assert_eq!(chunks, body.as_bytes());
}

/// A client with an overall deadline of 10 s and an inactivity timeout of 1 s.
fn with_deadline() -> Script {
    Script::new(ClientConfig {
        allow_plaintext_login: true,
        command_timeout: Some(Duration::from_secs(1)),
        operation_deadline: Some(Duration::from_secs(10)),
        ..ClientConfig::default()
    })
}

#[test]
fn a_dribbling_server_meets_the_operation_deadline() {
    let mut s = with_deadline();
    s.server("* OK [CAPABILITY IMAP4rev1] hi\r\n");
    s.login();
    let start = s.now;
    s.send(CommandBody::Noop);
    s.sent();
    assert_eq!(
        s.client.poll_timeout(),
        Some(start + Duration::from_millis(1000))
    );
    // One byte every 100 ms of a line that never ends: the inactivity timeout never fires.
    let line = b"* OK this line goes on and on";
    let mut i = 0;
    while !s.client.is_closed() {
        s.now += Duration::from_millis(100);
        s.server_bytes(&line[i % line.len()..][..1]);
        i += 1;
        assert!(i <= 100, "still open after {i} bytes");
    }
    assert_eq!(s.now, start + Duration::from_secs(10));
    let ev = s.events();
    let aborted = completions(&ev);
    assert_eq!(aborted.len(), 1);
    assert_eq!(aborted[0].outcome, Outcome::Aborted);
    assert_eq!(
        ev.last(),
        Some(&Event::Closed(Some(ConnectionError::DeadlineExceeded {
            deadline: Duration::from_secs(10)
        })))
    );
    assert_eq!(
        s.client.send(s.now, CommandBody::Noop),
        Err(UsageError::Closed)
    );
    assert_eq!(s.client.poll_timeout(), None);
}

#[test]
fn the_deadline_fires_on_the_timer_too_and_spares_idle() {
    let mut s = with_deadline();
    s.server("* OK [CAPABILITY IMAP4rev1 IDLE] hi\r\n");
    s.login();
    s.select(1);
    s.send(CommandBody::Idle);
    s.server("+ idling\r\n");
    for _ in 0..30 {
        s.advance(Duration::from_millis(900));
        s.server("* OK still here\r\n");
    }
    assert!(!s.client.is_closed(), "IDLE has no overall deadline");
    s.client.idle_done(s.now).unwrap();
    s.sent();
    // The server never answers DONE and keeps the inactivity timeout off with keep-alives:
    // from DONE on, the IDLE command and the NOOP queued behind it have a deadline.
    let start = s.now;
    s.send(CommandBody::Noop);
    assert!(s.client.poll_timeout() <= Some(start + Duration::from_secs(10)));
    for _ in 0..11 {
        s.advance(Duration::from_millis(900));
        s.server("* OK still here\r\n");
    }
    s.advance(Duration::from_millis(900));
    let ev = s.events();
    assert!(
        matches!(
            ev.last(),
            Some(Event::Closed(Some(
                ConnectionError::DeadlineExceeded { .. }
            )))
        ),
        "{ev:?}"
    );
}

#[test]
fn a_greeting_dribbled_forever_meets_the_deadline() {
    let mut s = with_deadline();
    let start = s.now;
    assert_eq!(
        s.client.poll_timeout(),
        Some(start + Duration::from_secs(10))
    );
    s.advance(Duration::from_secs(5));
    s.server("* OK ");
    s.advance(Duration::from_secs(5));
    assert!(matches!(
        s.events().last(),
        Some(Event::Closed(Some(
            ConnectionError::DeadlineExceeded { .. }
        )))
    ));
}

#[test]
fn a_nul_a_server_listed_is_never_sent_back() {
    let mut s = Script::greeted("IMAP4rev1");
    s.login();
    s.send(CommandBody::List {
        selection: vec![],
        reference: Mailbox::new(""),
        patterns: vec![Mailbox::new("*")],
        returns: vec![],
    });
    let tag = s.sent().split(' ').next().unwrap().to_owned();
    s.server_bytes(b"* LIST () \"/\" {7}\r\nevil\0\x1b]\r\n");
    s.server(&format!("{tag} OK listed\r\n"));
    let ev = s.events();
    let listed = completions(&ev)[0].list()[0].mailbox.clone();
    // RFC 9051 section 9: `literal` is CHAR8, which excludes NUL; a mailbox name has no
    // literal8. Refused at once, nothing written.
    let select = CommandBody::Select {
        mailbox: listed,
        params: SelectParams::default(),
    };
    assert_eq!(s.client.send(s.now, select), Err(UsageError::Nul));
    assert_eq!(s.sent(), "");
    s.select(1);
    let search = imap_core::ops::search::Query::new()
        .subject("a\0b")
        .command(true);
    assert_eq!(s.client.send(s.now, search), Err(UsageError::Nul));
    assert_eq!(s.sent(), "");
    // APPEND data may hold NUL bytes: it goes as literal8 (RFC 3516).
    s.send(imap_core::ops::messages::append_command(
        Mailbox::inbox(),
        &b"Subject: x\r\n\r\n\0\r\n"[..],
        vec![],
        None,
    ));
    assert!(s.sent().ends_with("~{17}\r\n"), "a binary literal");
}

#[test]
fn writes_are_bounded_by_the_deadline_and_the_inactivity_timeout() {
    let mut s = with_deadline();
    s.server("* OK [CAPABILITY IMAP4rev1] hi\r\n");
    s.login();
    let start = s.now;
    // Nothing pending: only the inactivity timeout bounds a write.
    assert_eq!(
        s.client.write_deadline(start),
        Some(start + Duration::from_secs(1))
    );
    s.send(CommandBody::Noop);
    s.sent();
    // Each write that made progress gets the inactivity timeout again, never past the
    // command's overall deadline.
    s.now += Duration::from_millis(9500);
    assert_eq!(
        s.client.write_deadline(s.now),
        Some(start + Duration::from_secs(10))
    );
    // The server stopped reading: the write stalls past the overall deadline.
    s.now = start + Duration::from_secs(10);
    s.client.handle_write_timeout(s.now);
    let ev = s.events();
    assert_eq!(completions(&ev)[0].outcome, Outcome::Aborted);
    assert_eq!(
        ev.last(),
        Some(&Event::Closed(Some(ConnectionError::DeadlineExceeded {
            deadline: Duration::from_secs(10)
        })))
    );
    assert_eq!(
        s.client.send(s.now, CommandBody::Noop),
        Err(UsageError::Closed)
    );
}

#[test]
fn a_stalled_write_before_the_deadline_is_a_write_timeout() {
    let mut s = with_deadline();
    s.server("* OK [CAPABILITY IMAP4rev1] hi\r\n");
    s.login();
    s.send(CommandBody::Noop);
    s.sent();
    let d = s.client.write_deadline(s.now).expect("a write deadline");
    s.now = d;
    s.client.handle_write_timeout(s.now);
    assert_eq!(
        s.events().last(),
        Some(&Event::Closed(Some(ConnectionError::Timeout("write"))))
    );
    assert!(s.client.is_closed());
}

#[test]
fn without_timeouts_writes_may_block() {
    let s = Script::new(ClientConfig {
        operation_deadline: None,
        ..ClientConfig::default()
    });
    assert_eq!(s.client.write_deadline(s.now), None);
}

/// The greeting probe: sent once when nothing arrived for its delay on a connection without
/// TLS, never once the server spoke, never with implicit TLS.
#[test]
fn the_greeting_probe_goes_out_once_only_into_silence_without_tls() {
    let probe = ClientConfig {
        greeting_probe: Some(Duration::from_secs(1)),
        ..ClientConfig::default()
    };
    let mut s = Script::new(probe.clone());
    let start = s.now;
    assert_eq!(
        s.client.poll_timeout(),
        Some(start + Duration::from_secs(1))
    );
    s.client.handle_timeout(start + Duration::from_millis(999));
    assert_eq!(s.sent(), "");
    s.now = start + Duration::from_secs(1);
    s.client.handle_timeout(s.now);
    assert_eq!(s.sent().as_bytes(), imap_core::client::GREETING_PROBE);
    // Next: the greeting's overall deadline, no second probe.
    assert!(s.client.poll_timeout() > Some(start + Duration::from_secs(60)));
    s.client.handle_timeout(start + Duration::from_secs(5));
    assert_eq!(s.sent(), "", "once");
    s.server("* OK ready\r\n");
    assert_eq!(s.client.state(), ConnState::NotAuthenticated);

    let mut s = Script::new(probe.clone());
    s.server("* OK [CAPABILITY IMAP4rev1]");
    s.client.handle_timeout(s.now + Duration::from_secs(2));
    assert_eq!(s.sent(), "", "the server began to speak");

    let mut s = Script::new(ClientConfig { tls: true, ..probe });
    s.client.handle_timeout(s.now + Duration::from_secs(2));
    assert_eq!(s.sent(), "", "implicit TLS");
}
