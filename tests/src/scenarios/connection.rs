//! The driver scenarios about connecting and about servers that misbehave, written once:
//! [`connection_scenarios`] expands them for one driver.

/// Connecting (STARTTLS, implicit TLS with a CA file, an untrusted certificate and its opt-out,
/// a URL, a child process as the stream), what the server sees (LOGIN refused by the client
/// never reaches it, STARTTLS precedes LOGIN, DONE ends IDLE), and servers that misbehave,
/// each an error and never an empty or partial result: no greeting, no answer, a dropped
/// connection, a slow answer past the operation deadline, an unreadable STATUS, updates
/// pushed during IDLE, a peer that never reads. Against the mock server with its faults
/// (`mock_server::session::options::Faults`), except the peer that never reads
/// ([`crate::peers::never_reads`]) and the child process (a shell script).
///
/// Expands to a module `connection_scenarios`; the parameters are those of
/// [`crate::mock_server_scenarios`].
#[macro_export]
macro_rules! connection_scenarios {
    (
        driver = $d:ident,
        async = [$($async:tt)*],
        await = [$($aw:tt)*],
        block_on = [$($block_on:tt)*],
        stream = [$($stream:tt)*] $(,)?
    ) => {
        #[allow(unused_imports)]
        mod connection_scenarios {
        use super::*;
        use $crate::fixture::{self, PASSWORD, Transport, USER};
        use $d::imap_core::client::{ConnectionError, UsageError};
        use $d::imap_core::mailbox::Update;
        use $d::types::{Data, Flag, Response, SeqNum, Section, Uid, UidSet};
        use $d::prelude::*;
        use $d::imap_core::engine::HasEngine;
        use $d::{Connector, Error, Event, FetchQuery, Query, Security, TlsOptions};
        use mock_server::listener::{MockServer, RunningServer};
        use mock_server::session::options::{Faults, InjectPoint, Injection};
        use mock_server::transcript::Transcript;
        use std::time::Duration;

        /// A plain-TCP connector to `server` for the test account, LOGIN allowed.
        fn plain(server: &RunningServer) -> Connector {
            Connector::new("127.0.0.1")
                .port(server.addr().port())
                .security(Security::Plain)
                .allow_plaintext_login()
                .connect_timeout(Some(Duration::from_secs(10)))
                .command_timeout(Duration::from_secs(10))
                .password(USER, PASSWORD)
        }

        /// The fixture's store behind a plain port with these faults, recording into
        /// `transcript`.
        fn faulty(faults: Faults, transcript: &Transcript) -> RunningServer {
            MockServer::builder()
                .store(fixture::store())
                .plain()
                .allow_plaintext_login()
                .faults(faults)
                .transcript(transcript.clone())
                .start()
                .expect("starting the mock server")
        }

        /// The client's commands in `transcript` (all connections), as recorded.
        fn commands(transcript: &Transcript) -> Vec<String> {
            transcript
                .entries()
                .into_iter()
                .filter(|e| e.direction == mock_server::transcript::Direction::Client)
                .map(|e| e.text)
                .collect()
        }

        fn inbox(server: &RunningServer) -> [Uid; 3] {
            let uids = fixture::uids(server, "INBOX");
            [uids[0], uids[1], uids[2]]
        }

        /// What the server sees: LOGIN, the SEARCH text exactly as given, LOGOUT last. The
        /// results agree with the store.
        #[test]
        fn the_server_sees_the_commands_as_given() {
            $($block_on)* ($($async)* {
                let transcript = Transcript::new().exact();
                let server = faulty(Faults::default(), &transcript);
                let [u1, u2, u3] = inbox(&server);
                let mut c = plain(&server).connect() $($aw)* .unwrap();
                assert!(c.capabilities() $($aw)* .unwrap().has_auth("PLAIN"));
                let mut s = c.login(USER, PASSWORD) $($aw)* .map_err(|e| e.error).unwrap();
                let summary = s.select("INBOX") $($aw)* .unwrap();
                assert_eq!(summary.exists, 3);
                let found = s.search_text("SINCE 1-Feb-1994 TEXT hello") $($aw)* .unwrap();
                assert_eq!(found, vec![u1, u3]);
                let msgs = s
                    .fetch(&UidSet::single(u2), &FetchQuery::summary().header())
                    $($aw)* .unwrap();
                assert_eq!(msgs[&u2].subject().as_deref(), Some("a report"));
                assert_eq!(msgs[&u2].header_value("subject").as_deref(), Some("a report"));
                assert_eq!(msgs[&u2].size, Some(fixture::m2().len() as u64));
                s.logout() $($aw)* .unwrap();
                let cmds = commands(&transcript);
                assert!(cmds.iter().any(|c| c.contains("LOGIN")), "{cmds:?}");
                // With `RETURN (ALL)` when the server has ESEARCH: the criteria as given.
                assert!(
                    cmds.iter().any(|c| c.contains(" UID SEARCH ")
                        && c.ends_with(" SINCE 1-Feb-1994 TEXT hello")),
                    "{cmds:?}"
                );
                assert!(cmds.last().unwrap().ends_with(" LOGOUT"), "{cmds:?}");
            })
        }

        /// UID EXPUNGE of the first message: UIDs stay, sequence numbers shift down.
        #[test]
        fn an_expunge_shifts_sequence_numbers_not_uids() {
            $($block_on)* ($($async)* {
                let server = fixture::server();
                let [u1, u2, _] = inbox(&server);
                let mut s = plain(&server).login() $($aw)* .unwrap();
                s.select("INBOX") $($aw)* .unwrap();
                s.fetch(&UidSet::all(), &FetchQuery::new()) $($aw)* .unwrap();
                s.delete(u1) $($aw)* .unwrap();
                let gone = s.expunge_uids(&UidSet::single(u1)) $($aw)* .unwrap();
                assert_eq!(gone.uids(), vec![u1]);
                assert_eq!(gone.messages[0].seq.get(), 1);
                let model = s.selected().unwrap();
                assert_eq!(model.exists(), 2);
                assert_eq!(model.uid(SeqNum::new(1).unwrap()), Some(u2), "u2 is now message 1");
                s.logout() $($aw)* .unwrap();
            })
        }

        /// A refused LOGIN gives the client back; LOGIN again on it works.
        #[test]
        fn a_wrong_password_gives_the_client_back() {
            $($block_on)* ($($async)* {
                let server = fixture::server();
                let client = plain(&server).connect() $($aw)* .unwrap();
                let err = client.login(USER, "wrong") $($aw)* .unwrap_err();
                assert!(err.error.is_no(), "{:?}", err.error);
                let s = err.client.login(USER, PASSWORD) $($aw)* .unwrap();
                s.logout() $($aw)* .unwrap();
            })
        }

        /// Without the opt-in the client refuses LOGIN in the clear: it never reaches the
        /// server.
        #[test]
        fn a_plaintext_login_refused_by_the_client_is_never_sent() {
            $($block_on)* ($($async)* {
                let transcript = Transcript::new();
                let server = faulty(Faults::default(), &transcript);
                let client = Connector::new("127.0.0.1")
                    .port(server.addr().port())
                    .security(Security::Plain)
                    .connect()
                    $($aw)* .unwrap();
                let err = client.login(USER, PASSWORD) $($aw)* .unwrap_err();
                assert!(
                    matches!(err.error, Error::Usage(UsageError::PlaintextLogin)),
                    "{:?}",
                    err.error
                );
                drop(err);
                let cmds = commands(&transcript);
                assert!(!cmds.iter().any(|c| c.contains("LOGIN")), "{cmds:?}");
            })
        }

        /// STARTTLS to a server whose certificate a private CA signed, trusting that CA:
        /// STARTTLS goes before LOGIN.
        #[test]
        fn starttls_with_a_private_ca_goes_before_login() {
            $($block_on)* ($($async)* {
                let transcript = Transcript::new();
                let (pem, certificate) = fixture::private_ca();
                let server = MockServer::builder()
                    .store(fixture::store())
                    .starttls()
                    .certificate(certificate)
                    .transcript(transcript.clone())
                    .start()
                    .unwrap();
                let mut s = Connector::new("127.0.0.1")
                    .port(server.addr().port())
                    .starttls()
                    .tls(TlsOptions::new().ca_pem(pem.into_bytes()))
                    .connect_timeout(Some(Duration::from_secs(10)))
                    .password(USER, PASSWORD)
                    .login()
                    $($aw)* .unwrap();
                assert!(s.is_tls());
                s.noop() $($aw)* .unwrap();
                s.logout() $($aw)* .unwrap();
                let cmds = commands(&transcript);
                let starttls = cmds.iter().position(|c| c.contains("STARTTLS")).unwrap();
                let login = cmds.iter().position(|c| c.contains("LOGIN")).unwrap();
                assert!(starttls < login, "{cmds:?}");
            })
        }

        /// STARTTLS asked of a server that does not offer it: the typed error, no LOGIN.
        #[test]
        fn starttls_is_refused_when_not_offered() {
            $($block_on)* ($($async)* {
                let server = MockServer::builder()
                    .store(fixture::store())
                    .plain()
                    .start()
                    .unwrap();
                let err = Connector::new("127.0.0.1")
                    .port(server.addr().port())
                    .starttls()
                    .connect_timeout(Some(Duration::from_secs(10)))
                    .connect()
                    $($aw)* .unwrap_err();
                assert!(matches!(err, Error::StartTlsUnavailable), "{err:?}");
            })
        }

        /// Implicit TLS (the default security) trusting a CA read from a file.
        #[test]
        fn implicit_tls_with_a_ca_file() {
            $($block_on)* ($($async)* {
                let server = fixture::server();
                let (addr, pem) = fixture::endpoint(&server, Transport::Tls);
                let dir = tempfile::tempdir().unwrap();
                let ca = dir.path().join("ca.pem");
                std::fs::write(&ca, pem).unwrap();
                let mut s = Connector::new("127.0.0.1")
                    .port(addr.port())
                    .ca_file(&ca)
                    .connect_timeout(Some(Duration::from_secs(10)))
                    .password(USER, PASSWORD)
                    .login()
                    $($aw)* .unwrap();
                assert!(s.is_tls());
                s.logout() $($aw)* .unwrap();
            })
        }

        /// An untrusted certificate fails by default; the opt-out accepts it.
        #[test]
        fn an_untrusted_certificate_fails_unless_the_opt_out_accepts_it() {
            $($block_on)* ($($async)* {
                let server = fixture::server();
                let port = server.tls_addr().port();
                let err = Connector::new("127.0.0.1")
                    .port(port)
                    .connect_timeout(Some(Duration::from_secs(10)))
                    .connect()
                    $($aw)* .unwrap_err();
                assert!(
                    matches!(&err, Error::Tls(e) if e.to_string().contains("certificate")),
                    "{err:?}"
                );
                let s = Connector::new("127.0.0.1")
                    .port(port)
                    .danger_accept_invalid_certs()
                    .connect_timeout(Some(Duration::from_secs(10)))
                    .password(USER, PASSWORD)
                    .login()
                    $($aw)* .unwrap();
                s.logout() $($aw)* .unwrap();
            })
        }

        /// `imap://user@host:port/`: STARTTLS, the user from the URL.
        #[test]
        fn connect_from_a_url_with_starttls() {
            $($block_on)* ($($async)* {
                let server = fixture::server();
                let (addr, pem) = fixture::endpoint(&server, Transport::StartTls);
                let c = Connector::from_url(&format!("imap://{USER}@127.0.0.1:{}/INBOX", addr.port()))
                    .unwrap()
                    .tls(TlsOptions::new().ca_pem(pem.into_bytes()))
                    .connect_timeout(Some(Duration::from_secs(10)));
                let user = c.user().unwrap().to_owned();
                assert_eq!(user, USER);
                let mut s = c.password(user, PASSWORD).login() $($aw)* .unwrap();
                assert!(s.is_tls());
                s.logout() $($aw)* .unwrap();
            })
        }

        /// A child process's stdin and stdout as the stream (a shell script that greets with
        /// PREAUTH and answers NOOP and LOGOUT).
        #[cfg(unix)]
        #[test]
        fn a_child_process_as_the_stream() {
            $($block_on)* ($($async)* {
                let script = r#"printf '* PREAUTH [CAPABILITY IMAP4rev1] stdio\r\n'
while read -r tag cmd rest; do
  cmd=$(printf %s "$cmd" | tr -d '\r')
  case "$cmd" in
    NOOP) printf '%s OK noop\r\n' "$tag" ;;
    LOGOUT) printf '* BYE bye\r\n%s OK bye\r\n' "$tag"; exit 0 ;;
    *) printf '%s BAD what\r\n' "$tag" ;;
  esac
done"#;
                let client = Connector::new("localhost")
                    .connect_timeout(Some(Duration::from_secs(10)))
                    .connect_command(script)
                    $($aw)* .unwrap();
                let mut s = client.into_session().unwrap();
                s.noop() $($aw)* .unwrap();
                s.logout() $($aw)* .unwrap();
            })
        }

        /// No greeting within the connect timeout: a timeout error.
        #[test]
        fn a_missing_greeting_times_out() {
            $($block_on)* ($($async)* {
                // Every write waits an hour: the greeting never comes.
                let faults = Faults {
                    write_delay: Some(Duration::from_secs(3600)),
                    ..Faults::default()
                };
                let server = faulty(faults, &Transcript::new());
                let err = plain(&server)
                    .connect_timeout(Some(Duration::from_millis(300)))
                    .connect()
                    $($aw)* .unwrap_err();
                assert!(
                    matches!(
                        err,
                        Error::Timeout(_) | Error::Connection(ConnectionError::Timeout(_))
                    ),
                    "{err:?}"
                );
            })
        }

        /// A command that never gets an answer: a timeout error, never an empty result, and
        /// the connection stays failed.
        #[test]
        fn a_server_that_never_answers_is_an_error_not_an_empty_result() {
            $($block_on)* ($($async)* {
                let faults = Faults {
                    answers: vec![("SEARCH".into(), String::new())],
                    ..Faults::default()
                };
                let server = faulty(faults, &Transcript::new());
                let mut s = plain(&server)
                    .command_timeout(Duration::from_millis(300))
                    .login()
                    $($aw)* .unwrap();
                s.select("INBOX") $($aw)* .unwrap();
                let err = s.search(&Query::all()) $($aw)* .unwrap_err();
                assert!(
                    matches!(err, Error::Connection(ConnectionError::Timeout(_))),
                    "{err:?}"
                );
                assert!(s.noop() $($aw)* .is_err(), "the connection stays failed");
            })
        }

        /// A server that keeps sending, slowly (each piece of 1 KiB after 10 ms: M3's 300 KiB
        /// take 3 s), never trips the inactivity timeout: the operation deadline ends it, and
        /// the connection is closed.
        #[test]
        fn a_slow_server_meets_the_operation_deadline() {
            $($block_on)* ($($async)* {
                let faults = Faults {
                    split_writes: Some(1024),
                    write_delay: Some(Duration::from_millis(10)),
                    ..Faults::default()
                };
                let server = faulty(faults, &Transcript::new());
                let [_, _, u3] = inbox(&server);
                let mut s = plain(&server)
                    .operation_deadline(Duration::from_secs(1))
                    .login()
                    $($aw)* .unwrap();
                s.select("INBOX") $($aw)* .unwrap();
                let err = s.fetch_one(u3, &FetchQuery::new().body()) $($aw)* .unwrap_err();
                assert!(
                    matches!(err, Error::Connection(ConnectionError::DeadlineExceeded { .. })),
                    "{err:?}"
                );
                assert!(s.noop() $($aw)* .is_err(), "the connection is closed");
            })
        }

        /// The server closes the connection instead of answering: a connection error.
        #[test]
        fn a_dropped_connection_is_an_error() {
            $($block_on)* ($($async)* {
                let faults = Faults {
                    drop_at_command: Some("SEARCH".into()),
                    ..Faults::default()
                };
                let server = faulty(faults, &Transcript::new());
                let mut s = plain(&server).login() $($aw)* .unwrap();
                s.select("INBOX") $($aw)* .unwrap();
                let err = s.search(&Query::all()) $($aw)* .unwrap_err();
                assert!(
                    matches!(err, Error::Connection(ConnectionError::Closed { .. })),
                    "{err:?}"
                );
            })
        }

        /// A STATUS line no reading of the parser accepts (the quoted name never ends): the
        /// call fails instead of returning a status with every item empty (issue 12, point
        /// 17), and the connection goes on.
        #[test]
        fn an_unreadable_status_is_an_error_not_an_empty_status() {
            $($block_on)* ($($async)* {
                let faults = Faults {
                    answers: vec![(
                        "STATUS".into(),
                        "* STATUS \"Sent (MESSAGES 3 UNSEEN 1 UIDNEXT 4 UIDVALIDITY 42)\r\n\
                         {tag} OK status\r\n"
                            .into(),
                    )],
                    ..Faults::default()
                };
                let server = faulty(faults, &Transcript::new());
                let mut s = plain(&server).login() $($aw)* .unwrap();
                let err = s.folder_status("Sent") $($aw)* .unwrap_err();
                assert!(matches!(err, Error::NotFound(_)), "{err:?}");
                assert_eq!(s.select("INBOX") $($aw)* .unwrap().exists, 3);
                s.logout() $($aw)* .unwrap();
            })
        }

        /// Updates pushed while idling arrive one by one, in order, and change the model; no
        /// update is no event; DONE ends the IDLE and the session goes on.
        #[test]
        fn idle_receives_pushed_updates_and_ends_with_done() {
            $($block_on)* ($($async)* {
                let push = |d: Data| Injection {
                    at: InjectPoint::IdleStarted,
                    response: Response::Data(d),
                };
                let faults = Faults {
                    inject: vec![
                        push(Data::Exists(4)),
                        push(Data::Expunge(SeqNum::new(1).unwrap())),
                    ],
                    ..Faults::default()
                };
                let transcript = Transcript::new();
                let server = faulty(faults, &transcript);
                let mut s = plain(&server).login() $($aw)* .unwrap();
                s.select("INBOX") $($aw)* .unwrap();
                s.drain_events();
                let mut idle = s.idle() $($aw)* .unwrap();
                let first = idle.wait_timeout(Duration::from_secs(10)) $($aw)* .unwrap().unwrap();
                assert!(
                    matches!(first, Event::Mailbox(Update::Exists { exists: 4, .. })),
                    "{first:?}"
                );
                let second = idle.wait_timeout(Duration::from_secs(10)) $($aw)* .unwrap().unwrap();
                assert!(matches!(second, Event::Mailbox(Update::Expunged(_))), "{second:?}");
                assert_eq!(idle.selected().unwrap().exists(), 3);
                assert!(idle.wait_timeout(Duration::from_millis(100)) $($aw)* .unwrap().is_none());
                idle.done() $($aw)* .unwrap();
                s.noop() $($aw)* .unwrap();
                let cmds = commands(&transcript);
                assert!(cmds.iter().any(|c| c.contains("DONE")), "{cmds:?}");
            })
        }

        /// An IDLE handle dropped without `done`: the next command ends the IDLE first.
        #[test]
        fn a_dropped_idle_handle_is_ended_by_the_next_command() {
            $($block_on)* ($($async)* {
                let transcript = Transcript::new();
                let server = faulty(Faults::default(), &transcript);
                let mut s = plain(&server).login() $($aw)* .unwrap();
                s.select("INBOX") $($aw)* .unwrap();
                let idle = s.idle() $($aw)* .unwrap();
                // A handle may have no drop glue: the next command ends the IDLE.
                #[allow(clippy::drop_non_drop)]
                drop(idle);
                assert_eq!(s.search(&Query::all()) $($aw)* .unwrap().len(), 3);
                let cmds = commands(&transcript);
                let done = cmds.iter().position(|c| c.contains("DONE"));
                let search = cmds.iter().position(|c| c.contains("SEARCH"));
                assert!(done.is_some() && done < search, "{cmds:?}");
            })
        }

        /// A peer that never reads: a 16 MiB APPEND (more than loopback's socket buffers
        /// hold) meets the operation deadline while writing, and later calls fail. Guarded: a
        /// regression fails instead of hanging the run.
        #[test]
        fn a_server_that_never_reads_meets_the_deadline_while_writing() {
            $crate::peers::within(Duration::from_secs(60), || {
                $($block_on)* ($($async)* {
                    let (port, server_done) = $crate::peers::never_reads();
                    let client = Connector::new("127.0.0.1")
                        .port(port)
                        .security(Security::Plain)
                        .connect_timeout(Some(Duration::from_secs(10)))
                        .command_timeout(Duration::from_secs(60))
                        .operation_deadline(Duration::from_millis(1500))
                        .connect()
                        $($aw)* .unwrap();
                    let mut s = client.into_session().unwrap();
                    let message = vec![b'x'; 16 << 20];
                    let err = s.append("INBOX", &message, &[], None) $($aw)* .unwrap_err();
                    let later = s.noop() $($aw)* .is_err();
                    let _ = server_done.send(());
                    assert!(
                        matches!(err, Error::Connection(ConnectionError::DeadlineExceeded { .. })),
                        "{err:?}"
                    );
                    assert!(later, "later calls fail: the connection is closed");
                })
            })
        }
        }
    };
}
