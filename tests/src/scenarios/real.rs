//! The driver scenario against real servers, written once: [`real_server_scenarios`] expands
//! it for one driver.

/// One scenario (login, CREATE / RENAME / DELETE, APPEND, LIST, STATUS, SELECT, SEARCH, FETCH
/// with BODYSTRUCTURE, BINARY and a 5 MB message streamed to a writer, STORE, COPY and MOVE
/// with COPYUID, EXPUNGE with renumbering, IDLE woken by a second connection's APPEND, LOGOUT)
/// against private servers started by the tests: Dovecot ([`crate::dovecot`], with TLS on)
/// over plain TCP, implicit TLS and STARTTLS, and Cyrus IMAP ([`crate::cyrus`]) over plain TCP.
/// Over TLS, a connection that does not trust the server's certificate fails first.
///
/// Without a server installed the tests print `SKIPPED` and pass, unless
/// `IMAP_REQUIRE_DOVECOT` (or `IMAP_TESTS_REQUIRE_DOVECOT`) or `IMAP_TESTS_REQUIRE_CYRUS` is
/// set: CI sets them, and a missing server fails there.
///
/// Expands to a module `real_servers`; the parameters are those of
/// [`crate::mock_server_scenarios`].
#[macro_export]
macro_rules! real_server_scenarios {
    (
        driver = $d:ident,
        async = [$($async:tt)*],
        await = [$($aw:tt)*],
        block_on = [$($block_on:tt)*],
        stream = [$($stream:tt)*] $(,)?
    ) => {
        #[allow(unused_imports)]
        mod real_servers {
        use super::*;
        use $crate::fixture::{ATTACHMENT, Transport, m1, m2};
        use $crate::real::{Target, big_message, extra, m3};
        use $d::imap_core::mailbox::{MessageRef, Update};
        use $d::types::{Capability, Flag, SeqNum, Uid, UidSet};
        use $d::prelude::*;
        use $d::imap_core::engine::HasEngine;
        use $d::{Connector, Event, FetchQuery, Query, Security, Session, TlsOptions, outline};
        use std::time::Duration;

        fn connector(d: &Target, transport: Transport) -> Connector {
            let c = Connector::new("127.0.0.1")
                .connect_timeout(Some(Duration::from_secs(20)))
                .command_timeout(Duration::from_secs(60))
                .password(d.user, d.password);
            let trust = || TlsOptions::new().ca_pem(d.ca_pem());
            match transport {
                Transport::Plain => c
                    .port(d.port)
                    .security(Security::Plain)
                    .allow_plaintext_login(),
                Transport::Tls => c.port(d.tls_port()).security(Security::Tls).tls(trust()),
                Transport::StartTls => c.port(d.port).security(Security::StartTls).tls(trust()),
                Transport::Memory => unreachable!("a real server is reached over TCP"),
            }
        }

        fn seq(n: u32) -> SeqNum {
            SeqNum::new(n).unwrap()
        }

        $($async)* fn appended(s: &mut Session, folder: &str, message: &[u8], flags: &[Flag]) -> Uid {
            s.append(folder, message, flags, None) $($aw)*
                .unwrap()
                .uid
                .expect("APPENDUID")
        }

        $($async)* fn scenario(d: &Target, transport: Transport) {
            let mut s = connector(d, transport).login() $($aw)*.unwrap();
            assert_eq!(s.is_tls(), transport != Transport::Plain);
            for cap in [Capability::Idle, Capability::UidPlus, Capability::Move] {
                assert!(s.capabilities() $($aw)*.unwrap().has(&cap), "{cap:?}");
            }

            // CREATE, RENAME, DELETE.
            s.create_folder("Scratch") $($aw)*.unwrap();
            s.rename_folder("Scratch", "Scratch2") $($aw)*.unwrap();
            assert!(s.folder_exists("Scratch2") $($aw)*.unwrap());
            assert!(!s.folder_exists("Scratch") $($aw)*.unwrap());
            s.delete_folder("Scratch2") $($aw)*.unwrap();
            assert!(!s.folder_exists("Scratch2") $($aw)*.unwrap());
            s.create_folder("Archive") $($aw)*.unwrap();

            // APPEND, LIST, STATUS.
            let big = big_message();
            let a1 = appended(&mut s, "INBOX", &m1(), &[Flag::Seen]) $($aw)*;
            let a2 = appended(&mut s, "INBOX", &m2(), &[]) $($aw)*;
            let a3 = appended(&mut s, "INBOX", &m3(), &[]) $($aw)*;
            let a4 = appended(&mut s, "INBOX", &big, &[]) $($aw)*;
            assert!(a1 < a2 && a2 < a3 && a3 < a4);
            let names: Vec<String> = s
                .folders() $($aw)*
                .unwrap()
                .iter()
                .map(|f| f.name.to_string())
                .collect();
            assert!(
                names.contains(&"INBOX".to_owned()) && names.contains(&"Archive".to_owned()),
                "{names:?}"
            );
            let st = s.folder_status("INBOX") $($aw)*.unwrap();
            assert_eq!(st.messages, Some(4));
            assert_eq!(st.unseen, Some(3));
            assert_eq!(st.uid_next.map(|u| u.get()), Some(a4.get() + 1));

            // SELECT.
            let summary = s.select("INBOX") $($aw)*.unwrap();
            assert_eq!(summary.exists, 4);
            assert_eq!(summary.uid_validity, st.uid_validity);

            // SEARCH.
            assert_eq!(s.search(&Query::all()) $($aw)*.unwrap(), vec![a1, a2, a3, a4]);
            assert_eq!(
                s.search(&Query::new().unseen()) $($aw)*.unwrap(),
                vec![a2, a3, a4]
            );
            assert_eq!(
                s.search(&Query::new().from("carol")) $($aw)*.unwrap(),
                vec![a2]
            );
            assert_eq!(
                s.search(&Query::new().larger(1_000_000)) $($aw)*.unwrap(),
                vec![a4]
            );
            assert_eq!(
                s.search_seq(&Query::new().seen()) $($aw)*.unwrap(),
                vec![seq(1)]
            );

            // FETCH: summary, BODYSTRUCTURE, sections, BINARY, the whole of a 5 MB message.
            let msgs = s
                .fetch(&UidSet::all(), &FetchQuery::summary()) $($aw)*
                .unwrap();
            assert_eq!(msgs[&a1].subject().as_deref(), Some("hello world"));
            assert_eq!(msgs[&a2].subject().as_deref(), Some("a report"));
            assert_eq!(msgs[&a4].size, Some(big.len() as u64));
            let m = s
                .fetch_one(a2, &FetchQuery::new().body_structure().binary(&[2], None)) $($aw)*
                .unwrap();
            let parts = outline(m.body_structure.as_ref().unwrap());
            let types: Vec<&str> = parts.iter().map(|p| p.mime_type.as_str()).collect();
            assert_eq!(
                types,
                ["multipart/mixed", "text/plain", "application/octet-stream"]
            );
            assert_eq!(parts[2].filename.as_deref(), Some("data.bin"));
            assert_eq!(m.binary_part(&[2]), Some(ATTACHMENT));
            let m = s
                .fetch_one(a1, &FetchQuery::new().body().header_fields(["Subject"])) $($aw)*
                .unwrap();
            assert_eq!(m.body(), Some(&m1()[..]));
            assert_eq!(m.header_value("subject").as_deref(), Some("hello world"));
            let mut out = Vec::new();
            let n = s.download(a4, &mut out) $($aw)*.unwrap();
            assert_eq!(n as usize, big.len());
            assert!(out == big, "the 5 MB message came back different");

            // STORE.
            let r = s.add_flags(a2, &[Flag::Flagged]) $($aw)*.unwrap();
            assert!(r[&a2].contains(&Flag::Flagged));
            s.add_keywords(a2, &["$Forwarded"]) $($aw)*.unwrap();
            let f = s.flags(a2) $($aw)*.unwrap();
            assert!(
                f[&a2].contains(&Flag::Flagged) && f[&a2].contains(&Flag::parse("$Forwarded").unwrap())
            );
            let r = s.remove_flags(a2, &[Flag::Flagged]) $($aw)*.unwrap();
            assert!(!r[&a2].contains(&Flag::Flagged));
            let r = s
                .set_flags(a3, &[Flag::Seen, Flag::Answered]) $($aw)*
                .unwrap();
            let mut got = r[&a3].clone();
            got.retain(|f| *f != Flag::Recent);
            got.sort_by_key(Flag::to_wire);
            assert_eq!(got, vec![Flag::Answered, Flag::Seen]);
            assert_eq!(
                s.search(&Query::new().unseen()) $($aw)*.unwrap(),
                vec![a2, a4]
            );

            // COPY and MOVE, with COPYUID.
            let copied = s
                .copy(UidSet::single(a1), "Archive") $($aw)*
                .unwrap()
                .unwrap();
            assert_eq!(copied.len(), 1);
            assert_eq!(copied.pairs().next().unwrap().0, a1);
            let moved = s
                .move_messages(&UidSet::single(a3), "Archive") $($aw)*
                .unwrap()
                .unwrap();
            assert_eq!(moved.len(), 1);
            assert_eq!(moved.pairs().next().unwrap().0, a3);
            assert!(moved.pairs().next().unwrap().1 > copied.pairs().next().unwrap().1);
            assert_eq!(s.selected().unwrap().exists(), 3);
            assert_eq!(s.folder_status("Archive") $($aw)*.unwrap().messages, Some(2));

            // EXPUNGE renumbers: INBOX is a1, a2, a4; removing a2 makes a4 number 2.
            let expunged = s.delete_and_expunge(&UidSet::single(a2)) $($aw)*.unwrap();
            assert_eq!(
                expunged.messages,
                vec![MessageRef {
                    seq: seq(2),
                    uid: Some(a2)
                }]
            );
            let model = s.selected().unwrap();
            assert_eq!(model.exists(), 2);
            assert_eq!(model.uid(seq(2)), Some(a4));
            assert_eq!(
                s.search_seq(&Query::new().uids(UidSet::single(a4))) $($aw)*
                    .unwrap(),
                vec![seq(2)]
            );
            assert_eq!(s.search(&Query::all()) $($aw)*.unwrap(), vec![a1, a4]);

            // IDLE: a second connection appends; the idling session hears EXISTS.
            let mut other = connector(d, transport).login() $($aw)*.unwrap();
            s.drain_events();
            let mut idle = s.idle() $($aw)*.unwrap();
            let a5 = appended(&mut other, "INBOX", &extra(5), &[]) $($aw)*;
            let mut heard = false;
            for _ in 0..100 {
                if let Some(Event::Mailbox(Update::Exists { exists: 3, .. })) =
                    idle.wait_timeout(Duration::from_millis(200)) $($aw)*.unwrap()
                {
                    heard = true;
                    break;
                }
            }
            assert!(heard, "no EXISTS while idling");
            idle.done() $($aw)*.unwrap();
            assert_eq!(s.search(&Query::all()) $($aw)*.unwrap(), vec![a1, a4, a5]);
            other.logout() $($aw)*.unwrap();

            s.logout() $($aw)*.unwrap();
        }

        /// Without trusting the server's self-signed certificate, neither TLS nor STARTTLS connects.
        $($async)* fn untrusted(d: &Target) {
            for (port, security) in [(d.tls_port(), Security::Tls), (d.port, Security::StartTls)] {
                let err = Connector::new("127.0.0.1")
                    .port(port)
                    .security(security)
                    .connect_timeout(Some(Duration::from_secs(20)))
                    .connect() $($aw)*
                    .unwrap_err();
                assert!(
                    matches!(&err, $d::Error::Tls(e) if e.to_string().contains("certificate")),
                    "{security:?}: {err:?}"
                );
            }
        }

        #[test]
        fn dovecot_over_plain_tcp() {
            if let Some(d) = $crate::real::dovecot(concat!(stringify!($d), "::dovecot_over_plain_tcp")) {
                $($block_on)* ($($async)* { scenario(&Target::dovecot(&d), Transport::Plain) $($aw)*; })
            }
        }

        #[test]
        fn dovecot_over_implicit_tls() {
            if let Some(d) = $crate::real::dovecot(concat!(stringify!($d), "::dovecot_over_implicit_tls")) {
                $($block_on)* ($($async)* {
                    untrusted(&Target::dovecot(&d)) $($aw)*;
                    scenario(&Target::dovecot(&d), Transport::Tls) $($aw)*;
                })
            }
        }

        #[test]
        fn dovecot_over_starttls() {
            if let Some(d) = $crate::real::dovecot(concat!(stringify!($d), "::dovecot_over_starttls")) {
                $($block_on)* ($($async)* { scenario(&Target::dovecot(&d), Transport::StartTls) $($aw)*; })
            }
        }

        #[test]
        fn cyrus_over_plain_tcp() {
            if let Some(c) = $crate::cyrus::start_or_skip(concat!(stringify!($d), "::cyrus_over_plain_tcp")) {
                $($block_on)* ($($async)* { scenario(&Target::cyrus(&c), Transport::Plain) $($aw)*; })
            }
        }
        }
    };
}
