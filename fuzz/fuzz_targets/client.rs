//! The client state machine against arbitrary server bytes. The input is a script (see
//! `imap_core_fuzz::Cursor`): each step's first byte picks
//!
//! * `0..=9`: queue a command from a fixed list (LOGIN, SELECT, FETCH by sequence number or
//!   UID, STORE, EXPUNGE, IDLE, NOOP, APPEND with a literal, LOGOUT), with an argument byte;
//! * `10`: a length byte, then that many server bytes fed to the client;
//! * `11`: a tagged response (OK/NO/BAD by the next byte) for a tag the client sent;
//! * `12`: a continuation request `+ go`;
//! * `13`: advance the clock by a byte of seconds and deliver timeouts;
//! * `14`: end IDLE (`idle_done`);
//! * anything else: the rest of the input, split into pieces of that byte's low bits + 1.
//!
//! A scripted greeting comes first when the first byte is odd. Checks: no panic; after every
//! input, the selected mailbox (if any) keeps its invariants and its EXISTS equals its model
//! length; the tags the client writes (framed and parsed in the server role) are never reused,
//! and every completion is for a distinct command.
#![no_main]

use imap_core::client::{ClientConfig, ClientMachine, Event};
use imap_core::frame::{Frame, Framer, Role};
use imap_core::parse::{ParseOptions, parse_command};
use imap_core::secret::Secret;
use imap_core::types::*;
use imap_core_fuzz::{Cursor, SMALL_LIMITS};
use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const GREETING: &[u8] =
    b"* OK [CAPABILITY IMAP4rev1 IMAP4rev2 IDLE LITERAL+ UIDPLUS CONDSTORE QRESYNC ENABLE] hi\r\n";

struct Harness {
    client: ClientMachine,
    now: Instant,
    /// The client's output, framed as a server would.
    framer: Framer,
    /// Every tag the client wrote, in order.
    tags: Vec<Tag>,
    seen_tags: HashSet<Tag>,
    completed: HashSet<u64>,
}

impl Harness {
    fn command(&self, k: u8, arg: u8) -> CommandBody {
        let seq = || {
            let n = self.client.selected().map_or(0, |m| m.exists());
            let s = if n == 0 {
                u32::from(arg) + 1
            } else {
                u32::from(arg) % n + 1
            };
            SeqNum::new(s).expect("nonzero")
        };
        let items = || FetchItems::Items(vec![FetchItem::Uid, FetchItem::Flags]);
        match k {
            0 => CommandBody::Login {
                username: "u".into(),
                password: Secret::new("p".into()),
            },
            1 => CommandBody::Select {
                mailbox: if arg & 1 == 0 {
                    Mailbox::inbox()
                } else {
                    "Other".into()
                },
                params: SelectParams::default(),
            },
            2 => CommandBody::Fetch {
                set: MessageSet::Seq(if arg & 0x80 != 0 {
                    SeqSet::all()
                } else {
                    SeqSet::single(seq())
                }),
                items: items(),
                changed_since: None,
                vanished: false,
            },
            3 => CommandBody::Fetch {
                set: MessageSet::Uid(if arg & 0x80 != 0 {
                    UidSet::all()
                } else {
                    UidSet::single(Uid::new(u32::from(arg) + 1).expect("nonzero"))
                }),
                items: items(),
                changed_since: None,
                vanished: false,
            },
            4 => CommandBody::Store {
                set: MessageSet::Seq(SeqSet::single(seq())),
                kind: if arg & 1 == 0 {
                    StoreKind::Add
                } else {
                    StoreKind::Remove
                },
                silent: arg & 2 != 0,
                target: StoreTarget::Flags(vec![if arg & 4 != 0 {
                    Flag::Deleted
                } else {
                    Flag::Seen
                }]),
                unchanged_since: None,
            },
            5 => CommandBody::Expunge,
            6 => CommandBody::Idle,
            7 => CommandBody::Noop,
            8 => CommandBody::Append {
                mailbox: Mailbox::inbox(),
                messages: vec![AppendMessage {
                    flags: vec![],
                    date: None,
                    data: AppendData::Literal {
                        data: format!("Subject: m{arg}\r\n\r\nbody\r\n").into(),
                        binary: false,
                    },
                }],
            },
            _ => CommandBody::Logout,
        }
    }

    fn input(&mut self, bytes: &[u8]) {
        self.client.handle_input(self.now, bytes);
        self.after();
    }

    /// Drains output and events, and checks the invariants.
    fn after(&mut self) {
        let mut out = Vec::new();
        self.client.poll_transmit(&mut out);
        if !out.is_empty() {
            self.framer.push(&out);
            while let Some(frame) = self.framer.next_frame() {
                if let Ok(Frame::Unit(unit)) = frame
                    && let Ok(cmd) = parse_command(&unit, &ParseOptions::default())
                {
                    assert!(
                        self.seen_tags.insert(cmd.tag.clone()),
                        "tag {} reused",
                        cmd.tag
                    );
                    self.tags.push(cmd.tag);
                }
            }
            // The framer may be waiting for the server's `+`; that is for the client to get.
            let _ = self.framer.take_literal_announcement();
        }
        while let Some(e) = self.client.poll_event() {
            if let Event::Completed(c) = e {
                assert!(
                    self.completed.insert(c.id.get()),
                    "command {:?} completed twice",
                    c.id
                );
            }
        }
        if let Some(m) = self.client.selected() {
            if let Err(e) = m.check_invariants() {
                panic!("mailbox invariants: {e}");
            }
            assert_eq!(
                m.exists(),
                m.messages().len(),
                "EXISTS differs from the model"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut c = Cursor::new(data);
    let now = Instant::now();
    let config = ClientConfig {
        allow_plaintext_login: true,
        limits: SMALL_LIMITS,
        command_timeout: Some(Duration::from_secs(60)),
        ..ClientConfig::default()
    };
    let mut h = Harness {
        client: ClientMachine::new(config, now),
        now,
        framer: Framer::new(Role::Server, SMALL_LIMITS),
        tags: Vec::new(),
        seen_tags: HashSet::new(),
        completed: HashSet::new(),
    };
    if c.byte() & 1 == 1 {
        h.input(GREETING);
    }
    for _ in 0..256 {
        if c.is_empty() {
            break;
        }
        let op = c.byte();
        match op {
            0..=9 => {
                let arg = c.byte();
                let body = h.command(op, arg);
                let _ = h.client.send(h.now, body);
                h.after();
            }
            10 => {
                let bytes = c.chunk();
                h.input(bytes);
            }
            11 => {
                let (k, st) = (c.byte(), c.byte());
                if !h.tags.is_empty() {
                    let tag = h.tags[usize::from(k) % h.tags.len()].clone();
                    let status = ["OK", "NO", "BAD"][usize::from(st % 3)];
                    h.input(format!("{tag} {status} done\r\n").as_bytes());
                }
            }
            12 => h.input(b"+ go\r\n"),
            13 => {
                h.now += Duration::from_secs(u64::from(c.byte()));
                h.client.handle_timeout(h.now);
                h.after();
            }
            14 => {
                let _ = h.client.idle_done(h.now);
                h.after();
            }
            _ => {
                let size = usize::from(op & 0x1f) + 1;
                let rest = c.rest();
                for piece in rest.chunks(size) {
                    h.input(piece);
                }
            }
        }
    }
});
