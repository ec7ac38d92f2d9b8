//! The driver scenarios about long-lived sessions, written once: [`reconnect_scenarios`]
//! expands them for one driver.

/// A `Reconnecting` session against the mock server whose first connection is cut (its faults
/// limited to it: `Faults::first_connections`): in IDLE, and in the middle of a FETCH. Before
/// the cut the mailbox changes behind the session's back (a message delivered, one expunged,
/// one's flags changed, through the store's API, not announced); the session reconnects, logs
/// in, reselects, and reports exactly those changes as ordinary mailbox events, then carries
/// on. Bounded backoff, 127.0.0.1 only, no wall-clock assertion.
///
/// Expands to a module `reconnect_scenarios`; the parameters are those of
/// [`crate::mock_server_scenarios`].
#[macro_export]
macro_rules! reconnect_scenarios {
    (
        driver = $d:ident,
        async = [$($async:tt)*],
        await = [$($aw:tt)*],
        block_on = [$($block_on:tt)*],
        stream = [$($stream:tt)*] $(,)?
    ) => {
        #[allow(unused_imports)]
        mod reconnect_scenarios {
        use super::*;
        use $crate::fixture::{self, PASSWORD, USER};
        use $d::imap_core::mailbox::Update;
        use $d::types::{Flag, Uid, UidSet};
        use $d::prelude::*;
        use $d::{Backoff, Connector, Event, FetchQuery, Reconnecting, Security};
        use mock_server::listener::{MockServer, RunningServer};
        use mock_server::session::options::Faults;
        use mock_server::transcript::Transcript;
        use std::time::Duration;

        /// The fixture's store with a fourth, large message (about 150 KB), behind a plain
        /// port whose first connection suffers `faults`.
        fn server(faults: Faults, transcript: &Transcript) -> RunningServer {
            let store = fixture::store();
            let line = format!("{}\r\n", "x".repeat(76));
            let big = format!(
                "From: a@example.org\r\nTo: alice@example.org\r\nSubject: big\r\n\r\n{}",
                line.repeat(2000)
            );
            store
                .account(USER)
                .unwrap()
                .deliver("INBOX", big.into_bytes(), &[], None)
                .unwrap();
            MockServer::builder()
                .store(store)
                .plain()
                .allow_plaintext_login()
                .faults(Faults {
                    first_connections: Some(1),
                    ..faults
                })
                .transcript(transcript.clone())
                .start()
                .expect("starting the mock server")
        }

        /// A reconnecting session for the test account: 10 ms doubling up to 200 ms between
        /// attempts, at most 5 in a row.
        fn reconnecting(server: &RunningServer) -> Reconnecting {
            let connector = Connector::new("127.0.0.1")
                .port(server.addr().port())
                .security(Security::Plain)
                .allow_plaintext_login()
                .connect_timeout(Some(Duration::from_secs(10)))
                .command_timeout(Duration::from_secs(10))
                .password(USER, PASSWORD);
            let backoff = Backoff::new(Duration::from_millis(10), Duration::from_millis(200))
                .with_max_attempts(Some(5));
            Reconnecting::new(connector, backoff)
        }

        /// Changes the mailbox behind the session's back: expunges the second message,
        /// replaces the first's flags (`\Seen`) with `\Answered`, delivers a new one. Returns (vanished, new, flags changed).
        fn change_inbox(server: &RunningServer) -> (Vec<Uid>, Vec<Uid>, Vec<Uid>) {
            let uids = fixture::uids(server, "INBOX");
            let account = fixture::account(server);
            account.expunge_uids("INBOX", &[uids[1]]).unwrap();
            account.set_flags("INBOX", uids[0], &[Flag::Answered]).unwrap();
            let new = account
                .deliver("INBOX", fixture::extra(1), &[], None)
                .unwrap();
            (vec![uids[1]], vec![new], vec![uids[0]])
        }

        /// What the events say changed: (vanished, new, flags changed) UIDs.
        fn changes(events: &[Event]) -> (Vec<Uid>, Vec<Uid>, Vec<Uid>) {
            let (mut gone, mut new, mut flags) = (Vec::new(), Vec::new(), Vec::new());
            for e in events {
                match e {
                    Event::Mailbox(Update::Vanished(v)) => {
                        gone.extend(v.messages().filter_map(|m| m.uid));
                    }
                    Event::Mailbox(Update::Expunged(m)) => gone.extend(m.uid),
                    Event::Mailbox(Update::Fetched(f)) if f.uid_learned => {
                        new.extend(f.message.uid);
                    }
                    Event::Mailbox(Update::Fetched(f)) if f.flags_changed => {
                        flags.extend(f.message.uid);
                    }
                    _ => {}
                }
            }
            (gone, new, flags)
        }

        /// Opens INBOX and learns every message's flags (the state a resynchronisation starts
        /// from).
        $($async)* fn open_inbox(r: &mut Reconnecting) {
            r.session() $($aw)* .unwrap().select("INBOX") $($aw)* .unwrap();
            let all = UidSet::all();
            r.session() $($aw)* .unwrap().flags(&all) $($aw)* .unwrap();
            assert_eq!(r.drain_events().len(), 0);
        }

        /// The connection is cut as IDLE starts; the changes made meanwhile come back as the
        /// events of `idle_for`, and the next IDLE (on the new connection) works.
        #[test]
        fn a_cut_in_idle_reconnects_and_reports_what_changed() {
            $($block_on)* ($($async)* {
                let transcript = Transcript::new();
                let faults = Faults {
                    drop_at_command: Some("IDLE".into()),
                    ..Faults::default()
                };
                let server = server(faults, &transcript);
                let mut r = reconnecting(&server);
                open_inbox(&mut r) $($aw)*;
                let expected = change_inbox(&server);
                let events = r.idle_for(Duration::from_secs(10)) $($aw)* .unwrap();
                assert_eq!(changes(&events), expected, "{events:#?}");
                assert_eq!(r.reconnections(), 1);
                // The mock server offers QRESYNC: the reselection used it.
                let client = mock_server::transcript::Direction::Client;
                let entries = transcript.entries();
                assert!(
                    entries
                        .iter()
                        .any(|e| e.direction == client && e.text.contains("SELECT INBOX (QRESYNC (")),
                    "{entries:#?}"
                );
                let s = r.session() $($aw)* .unwrap();
                assert_eq!(s.selected().unwrap().exists(), 4);
                // It carries on: a message delivered now is announced in the next IDLE.
                fixture::account(&server)
                    .deliver("INBOX", fixture::extra(2), &[], None)
                    .unwrap();
                let events = r.idle_for(Duration::from_secs(10)) $($aw)* .unwrap();
                assert!(
                    events.iter().any(|e| matches!(e, Event::Mailbox(Update::Exists { exists: 5, .. }))),
                    "{events:#?}"
                );
                assert_eq!(r.reconnections(), 1);
                r.logout() $($aw)* .unwrap();
            })
        }

        /// The connection is cut in the middle of a large FETCH (50 KB into the reply); the
        /// FETCH is run again on the new connection and returns the whole message, and the
        /// changes made before come as events.
        #[test]
        fn a_cut_in_the_middle_of_a_fetch_reconnects_and_fetches_again() {
            $($block_on)* ($($async)* {
                let transcript = Transcript::new();
                let faults = Faults {
                    drop_after_bytes: Some(50_000),
                    ..Faults::default()
                };
                let server = server(faults, &transcript);
                let big = fixture::uids(&server, "INBOX")[3];
                let size = fixture::raw(&server, "INBOX", big).len();
                let mut r = reconnecting(&server);
                open_inbox(&mut r) $($aw)*;
                let expected = change_inbox(&server);
                let query = FetchQuery::new().body();
                let message = r
                    .run($($async)* |s| s.fetch_one(big, &query) $($aw)*)
                    $($aw)* .unwrap();
                assert_eq!(message.body().map(<[u8]>::len), Some(size));
                assert_eq!(r.reconnections(), 1);
                let events = r.drain_events();
                assert_eq!(changes(&events), expected, "{events:#?}");
                let entries = transcript.entries();
                let client = mock_server::transcript::Direction::Client;
                let selects = entries
                    .iter()
                    .filter(|e| e.direction == client && e.text.contains("SELECT"))
                    .count();
                assert_eq!(selects, 2, "selected once per connection");
                r.logout() $($aw)* .unwrap();
            })
        }
        }
    };
}
