//! Transcript tests: a client and a scripted server, the client's output and events snapshotted
//! with insta, and the same transcript replayed with the server's bytes split at every byte and
//! in random pieces, which must give the same events.

use imap_core::client::{ClientConfig, ClientMachine};
use imap_core::sasl::{Credentials, Mechanism, SaslSession};
use imap_core::secret::Secret;
use imap_core::types::*;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// One step of a transcript.
enum Step {
    /// The client queues a command.
    Send(CommandBody),
    /// The client authenticates with a prepared SASL session.
    Auth(fn() -> SaslSession),
    /// The server sends bytes.
    Server(&'static str),
    /// The caller ends IDLE.
    IdleDone,
    /// Time passes.
    Wait(Duration),
    /// The server closes the connection.
    Eof,
}

/// How the server's bytes are delivered.
#[derive(Clone, Copy)]
enum Split {
    Whole,
    /// Every server step split into two pieces at this offset (clamped).
    At(usize),
    /// Pieces of pseudo-random sizes from this seed.
    Random(u64),
}

fn config() -> ClientConfig {
    ClientConfig {
        allow_plaintext_login: true,
        ..ClientConfig::default()
    }
}

/// Runs `steps`; returns the transcript log (client output and events, in order).
fn run(steps: &[Step], split: Split) -> String {
    let mut now = Instant::now();
    let mut client = ClientMachine::new(config(), now);
    let mut log = String::new();
    let mut rng = match split {
        Split::Random(seed) => seed | 1,
        _ => 1,
    };
    for step in steps {
        match step {
            Step::Send(body) => match client.send(now, body.clone()) {
                Ok(id) => writeln!(log, "queued {}", id.get()).unwrap(),
                Err(e) => writeln!(log, "refused: {e}").unwrap(),
            },
            Step::Auth(make) => match client.authenticate_session(now, make()) {
                Ok(id) => writeln!(log, "queued {}", id.get()).unwrap(),
                Err(e) => writeln!(log, "refused: {e}").unwrap(),
            },
            Step::Server(bytes) => {
                let b = bytes.as_bytes();
                match split {
                    Split::Whole => client.handle_input(now, b),
                    Split::At(k) => {
                        let k = k.min(b.len());
                        client.handle_input(now, &b[..k]);
                        client.handle_input(now, &b[k..]);
                    }
                    Split::Random(_) => {
                        let mut rest = b;
                        while !rest.is_empty() {
                            rng ^= rng << 13;
                            rng ^= rng >> 7;
                            rng ^= rng << 17;
                            let n = (rng % 9 + 1) as usize;
                            let n = n.min(rest.len());
                            client.handle_input(now, &rest[..n]);
                            rest = &rest[n..];
                        }
                    }
                }
            }
            Step::IdleDone => client.idle_done(now).unwrap(),
            Step::Wait(d) => {
                now += *d;
                client.handle_timeout(now);
            }
            Step::Eof => client.handle_eof(now),
        }
        let mut out = Vec::new();
        client.poll_transmit(&mut out);
        if !out.is_empty() {
            writeln!(log, "C: {}", out.escape_ascii()).unwrap();
        }
        while let Some(e) = client.poll_event() {
            writeln!(log, "E: {e:?}").unwrap();
        }
    }
    log
}

/// Snapshots the transcript and checks that every way of splitting the server's bytes gives
/// the same log.
fn check(name: &str, steps: &[Step]) {
    let whole = run(steps, Split::Whole);
    let longest = steps
        .iter()
        .map(|s| match s {
            Step::Server(b) => b.len(),
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    for k in 0..=longest {
        assert_eq!(run(steps, Split::At(k)), whole, "{name}: split at byte {k}");
    }
    for seed in 1..20 {
        assert_eq!(
            run(steps, Split::Random(seed)),
            whole,
            "{name}: random pieces {seed}"
        );
    }
    insta::assert_snapshot!(name, whole);
}

fn login() -> [Step; 2] {
    [
        Step::Send(CommandBody::Login {
            username: "alice".into(),
            password: Secret::new("s3cr3t".into()),
        }),
        Step::Server("A0001 OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS LITERAL+ SASL-IR] logged in\r\n"),
    ]
}

const GREETING: &str = "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN AUTH=LOGIN AUTH=XOAUTH2 AUTH=OAUTHBEARER AUTH=SCRAM-SHA-256 AUTH=CRAM-MD5] ready\r\n";

fn select() -> [Step; 2] {
    [
        Step::Send(CommandBody::Select {
            mailbox: Mailbox::inbox(),
            params: SelectParams::default(),
        }),
        Step::Server(concat!(
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
            "* 4 EXISTS\r\n* 0 RECENT\r\n",
            "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n",
            "* OK [UIDNEXT 105] Predicted next UID\r\n",
            "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n",
            "A0002 OK [READ-WRITE] SELECT completed\r\n",
        )),
    ]
}

#[test]
fn transcript_login() {
    let mut steps = vec![Step::Server(GREETING)];
    steps.extend(login());
    check("login", &steps);
}

#[test]
fn transcript_select() {
    let mut steps = vec![Step::Server(GREETING)];
    steps.extend(login());
    steps.extend(select());
    check("select", &steps);
}

#[test]
fn transcript_fetch_with_literals() {
    let mut steps = vec![Step::Server(GREETING)];
    steps.extend(login());
    steps.extend(select());
    steps.push(Step::Send(CommandBody::Fetch {
        set: MessageSet::Uid(UidSet::range(
            Uid::new(101).unwrap(),
            Uid::new(102).unwrap(),
        )),
        items: FetchItems::Items(vec![
            FetchItem::Uid,
            FetchItem::Flags,
            FetchItem::BodySection {
                section: Section {
                    part: vec![],
                    text: Some(SectionText::Header),
                },
                partial: None,
                peek: true,
            },
        ]),
        changed_since: None,
        vanished: false,
    }));
    steps.push(Step::Server(concat!(
        "* 1 FETCH (UID 101 FLAGS (\\Seen) BODY[HEADER] {24}\r\nSubject: hi\r\nTo: a@b\r\n\r\n)\r\n",
        "* 2 FETCH (UID 102 FLAGS () BODY[HEADER] {0}\r\n)\r\n",
        "A0003 OK FETCH completed\r\n",
    )));
    check("fetch_with_literals", &steps);
}

#[test]
fn transcript_search() {
    let mut steps = vec![Step::Server(GREETING)];
    steps.extend(login());
    steps.extend(select());
    steps.push(Step::Send(CommandBody::Search {
        uid: true,
        returns: None,
        charset: None,
        criteria: vec![
            SearchKey::Since(Date::new(2013, 7, 13).unwrap()),
            SearchKey::Text("Apress".into()),
        ],
    }));
    steps.push(Step::Server(
        "* SEARCH 101 104\r\nA0003 OK SEARCH completed\r\n",
    ));
    check("search", &steps);
}

#[test]
fn transcript_idle_with_updates() {
    let mut steps = vec![Step::Server(GREETING)];
    steps.extend(login());
    steps.extend(select());
    steps.push(Step::Send(CommandBody::Idle));
    steps.push(Step::Server("+ idling\r\n"));
    steps.push(Step::Server(
        "* 5 EXISTS\r\n* 2 EXPUNGE\r\n* 3 FETCH (FLAGS (\\Seen))\r\n",
    ));
    steps.push(Step::Wait(Duration::from_secs(60)));
    steps.push(Step::Server("* OK Still here\r\n"));
    steps.push(Step::IdleDone);
    steps.push(Step::Server("A0003 OK IDLE terminated\r\n"));
    check("idle_with_updates", &steps);
}

#[test]
fn transcript_expunge_burst() {
    let mut steps = vec![Step::Server(GREETING)];
    steps.extend(login());
    steps.extend(select());
    steps.push(Step::Send(CommandBody::Fetch {
        set: MessageSet::Seq(SeqSet::all()),
        items: FetchItems::Items(vec![FetchItem::Uid]),
        changed_since: None,
        vanished: false,
    }));
    steps.push(Step::Server(concat!(
        "* 1 FETCH (UID 101)\r\n* 2 FETCH (UID 102)\r\n* 3 FETCH (UID 103)\r\n",
        "* 4 FETCH (UID 104)\r\nA0003 OK\r\n",
    )));
    steps.push(Step::Send(CommandBody::Expunge));
    steps.push(Step::Server(
        "* 2 EXPUNGE\r\n* 2 EXPUNGE\r\n* 2 EXPUNGE\r\n* 1 EXISTS\r\nA0004 OK EXPUNGE completed\r\n",
    ));
    check("expunge_burst", &steps);
}

#[test]
fn transcript_starttls() {
    let steps = vec![
        Step::Server(GREETING),
        Step::Send(CommandBody::StartTls),
        Step::Server(
            "A0001 OK Begin TLS negotiation now\r\n* OK [CAPABILITY IMAP4rev1] injected\r\n",
        ),
    ];
    check("starttls", &steps);
}

fn auth_steps(make: fn() -> SaslSession, server: &'static [&'static str]) -> Vec<Step> {
    let mut steps = vec![Step::Server(GREETING), Step::Auth(make)];
    steps.extend(server.iter().map(|s| Step::Server(s)));
    steps
}

#[test]
fn transcript_authenticate_plain() {
    check(
        "authenticate_plain",
        &auth_steps(
            || {
                SaslSession::new(
                    Mechanism::Plain,
                    Credentials::password("tim", "tanstaaftanstaaf"),
                )
                .unwrap()
            },
            &[
                "+ \r\n",
                "A0001 OK [CAPABILITY IMAP4rev1 IDLE] authenticated\r\n",
            ],
        ),
    );
}

#[test]
fn transcript_authenticate_login() {
    check(
        "authenticate_login",
        &auth_steps(
            || {
                SaslSession::new(Mechanism::Login, Credentials::password("tim", "tanstaaf"))
                    .unwrap()
            },
            &[
                "+ VXNlcm5hbWU6\r\n",
                "+ UGFzc3dvcmQ6\r\n",
                "A0001 OK authenticated\r\n",
            ],
        ),
    );
}

#[test]
fn transcript_authenticate_cram_md5() {
    // RFC 2195 section 2's example exchange.
    check(
        "authenticate_cram_md5",
        &auth_steps(
            || {
                SaslSession::new(
                    Mechanism::CramMd5,
                    Credentials::password("tim", "tanstaaftanstaaf"),
                )
                .unwrap()
            },
            &[
                "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n",
                "A0001 OK CRAM authentication successful\r\n",
            ],
        ),
    );
}

#[test]
fn transcript_authenticate_xoauth2_error() {
    check(
        "authenticate_xoauth2_error",
        &auth_steps(
            || {
                SaslSession::new(
                    Mechanism::XOAuth2,
                    Credentials::oauth2(
                        "someuser@example.com",
                        "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg",
                    ),
                )
                .unwrap()
            },
            &[
                "+ \r\n",
                "+ eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==\r\n",
                "A0001 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n",
            ],
        ),
    );
}

#[test]
fn transcript_authenticate_oauthbearer() {
    check(
        "authenticate_oauthbearer",
        &auth_steps(
            || {
                SaslSession::new(
                    Mechanism::OAuthBearer,
                    Credentials::oauth2(
                        "user@example.com",
                        "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCgo=",
                    )
                    .with_host("server.example.com")
                    .with_port(143),
                )
                .unwrap()
            },
            &["+ \r\n", "A0001 OK Success (tls protection)\r\n"],
        ),
    );
}

#[test]
fn transcript_authenticate_scram_sha_256() {
    // RFC 7677 section 3's test vector.
    check(
        "authenticate_scram_sha_256",
        &auth_steps(
            || {
                SaslSession::new(
                    Mechanism::ScramSha256,
                    Credentials::password("user", "pencil"),
                )
                .unwrap()
                .with_nonce("rOprNGfwEbeRWgbNEkqO".into())
            },
            &[
                "+ \r\n",
                "+ cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=\r\n",
                "+ dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==\r\n",
                "A0001 OK [CAPABILITY IMAP4rev1] authenticated\r\n",
            ],
        ),
    );
}

#[test]
fn transcript_command_rejected_before_its_literal() {
    let mut steps = vec![Step::Server(GREETING)];
    steps.extend(login());
    steps.push(Step::Send(CommandBody::Append {
        mailbox: Mailbox::new("Drafts"),
        messages: vec![AppendMessage {
            flags: vec![Flag::Draft],
            date: None,
            data: AppendData::Literal {
                data: "x".repeat(5000).into(),
                binary: false,
            },
        }],
    }));
    steps.push(Step::Send(CommandBody::Noop));
    steps.push(Step::Server("A0002 NO [TRYCREATE] no such mailbox\r\n"));
    steps.push(Step::Server("A0003 OK NOOP completed\r\n"));
    check("command_rejected_before_literal", &steps);
}

#[test]
fn transcript_server_closes_mid_response() {
    let mut steps = vec![Step::Server(GREETING)];
    steps.extend(login());
    steps.extend(select());
    steps.push(Step::Send(CommandBody::Fetch {
        set: MessageSet::Uid(UidSet::all()),
        items: FetchItems::Fast,
        changed_since: None,
        vanished: false,
    }));
    steps.push(Step::Server(
        "* 1 FETCH (UID 101 FLAGS (\\Seen) RFC822.SIZE 12\r\n* 2 FETCH (UID 1",
    ));
    steps.push(Step::Eof);
    check("server_closes_mid_response", &steps);
}
