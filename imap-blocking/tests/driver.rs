//! imap-blocking against a scripted server on 127.0.0.1 (see `support`).
//!
//! TODO(mock-server): port these to `mock_server::MockServer` (see the list in the crate
//! README / the driver report).

mod support;

use imap_blocking::imap_core::client::{ConnectionError, UsageError};
use imap_blocking::imap_core::mailbox::Update;
use imap_blocking::types::{Flag, Section, SeqNum, SeqSet, Uid, UidSet};
use imap_blocking::{Connector, Error, Event, FetchQuery, Query, Security, TlsOptions};
use std::time::{Duration, Instant};
use support::{Options, Pki, start, start_with};

fn plain(port: u16) -> Connector {
    Connector::new("127.0.0.1")
        .port(port)
        .security(Security::Plain)
        .allow_plaintext_login(true)
        .connect_timeout(Some(Duration::from_secs(5)))
        .command_timeout(Duration::from_secs(5))
}

fn uid(n: u32) -> Uid {
    Uid::new(n).unwrap()
}

#[test]
fn login_select_search_fetch_append_round_trip() {
    let server = start(Options::default());
    let mut s = plain(server.port)
        .password("alice", "secret")
        .login()
        .unwrap();
    assert!(s.capabilities().unwrap().has_auth("PLAIN"));

    let folders = s.folders_with_status().unwrap();
    assert_eq!(folders.len(), 5);
    let sent = folders
        .iter()
        .find(|f| f.name.name() == Some("Sent"))
        .unwrap();
    assert_eq!(sent.special_use(), Some(imap_blocking::SpecialUse::Sent));
    assert_eq!(folders[0].status.as_ref().unwrap().messages, Some(3));
    assert!(s.folder_exists("Archive/2023").unwrap());
    let trash = s
        .find_special_folder(imap_blocking::SpecialUse::Trash)
        .unwrap()
        .unwrap();
    assert_eq!(trash.name.name(), Some("Trash"));

    let summary = s.select("INBOX").unwrap();
    assert_eq!(summary.exists, 3);
    assert_eq!(summary.uid_validity, Some(42));

    let unseen = s.search(&Query::new().unseen()).unwrap();
    assert_eq!(unseen, vec![uid(1), uid(3)]);
    let all = s.search_text("SINCE 13-Jul-2013 TEXT Apress").unwrap();
    assert_eq!(all.len(), 3);
    assert!(
        server
            .commands()
            .iter()
            .any(|c| c.ends_with("UID SEARCH SINCE 13-Jul-2013 TEXT Apress"))
    );

    let set = unseen.to_set().unwrap();
    let msgs = s.fetch(&set, &FetchQuery::summary().header()).unwrap();
    assert_eq!(msgs.len(), 2);
    let m1 = &msgs[&uid(1)];
    assert_eq!(m1.subject().as_deref(), Some("Message 1"));
    assert_eq!(m1.header_value("subject").as_deref(), Some("Message 1"));
    assert_eq!(m1.flags.as_deref(), Some(&[][..]));
    assert_eq!(m1.size, Some(support::message(1, 300).len() as u64));

    let appended = s
        .append("INBOX", &support::message(9, 100), &[Flag::Seen], None)
        .unwrap();
    assert_eq!(appended.uid, Some(uid(4)));
    let body = s.fetch_one(uid(4), &FetchQuery::new().body()).unwrap();
    assert_eq!(body.body().unwrap(), &support::message(9, 100)[..]);

    // Sequence numbers are explicit.
    let by_seq = s
        .fetch_seq(
            &SeqSet::single(SeqNum::new(2).unwrap()),
            &FetchQuery::new().flags(),
        )
        .unwrap();
    assert_eq!(by_seq.keys().copied().collect::<Vec<_>>(), vec![uid(2)]);

    let flags = s.add_flags(uid(1), &[Flag::Flagged]).unwrap();
    assert_eq!(flags[&uid(1)], vec![Flag::Flagged]);
    let flags = s.flags(UidSet::all()).unwrap();
    assert_eq!(flags.len(), 4);

    s.logout().unwrap();
    let cmds = server.commands();
    assert!(cmds.iter().any(|c| c.contains("LOGIN alice")));
    assert!(cmds.last().unwrap().ends_with("LOGOUT"));
}

#[test]
fn delete_and_expunge_shift_sequence_numbers_not_uids() {
    let server = start(Options::default());
    let mut s = plain(server.port)
        .password("alice", "secret")
        .login()
        .unwrap();
    s.select("INBOX").unwrap();
    s.fetch(&UidSet::all(), &FetchQuery::new()).unwrap();
    s.delete(uid(1)).unwrap();
    let gone = s.expunge_uids(&UidSet::single(uid(1))).unwrap();
    assert_eq!(gone.uids(), vec![uid(1)]);
    assert_eq!(gone.messages[0].seq.get(), 1);
    let model = s.selected().unwrap();
    assert_eq!(model.exists(), 2);
    assert_eq!(
        model.uid(SeqNum::new(1).unwrap()),
        Some(uid(2)),
        "UID 2 is now message 1"
    );
}

#[test]
fn moving_returns_the_uid_mapping() {
    let server = start(Options::default());
    let mut s = plain(server.port)
        .password("alice", "secret")
        .login()
        .unwrap();
    s.select("INBOX").unwrap();
    let map = s
        .move_messages(&UidSet::single(uid(2)), "Archive")
        .unwrap()
        .unwrap();
    assert_eq!(map.uid_validity.get(), 43);
    assert_eq!(map.destination(uid(2)), Some(uid(100)));
    assert_eq!(s.selected().unwrap().exists(), 2);
}

#[test]
fn wrong_password_gives_the_client_back() {
    let server = start(Options::default());
    let client = plain(server.port).connect().unwrap();
    let err = client.login("alice", "wrong").unwrap_err();
    assert!(err.error.is_no(), "{:?}", err.error);
    let s = err.client.login("alice", "secret").unwrap();
    s.logout().unwrap();
}

#[test]
fn plaintext_login_is_refused_unless_opted_in() {
    let server = start(Options::default());
    let client = Connector::new("127.0.0.1")
        .port(server.port)
        .security(Security::Plain)
        .connect()
        .unwrap();
    let err = client.login("alice", "secret").unwrap_err();
    assert!(
        matches!(err.error, Error::Usage(UsageError::PlaintextLogin)),
        "{:?}",
        err.error
    );
    drop(err);
    std::thread::sleep(Duration::from_millis(50));
    assert!(!server.commands().iter().any(|c| c.contains("LOGIN")));
}

#[test]
fn starttls_with_a_private_ca() {
    let pki = Pki::new();
    let server = start(Options {
        starttls: Some(pki.server.clone()),
        ..Options::default()
    });
    let mut s = Connector::new("localhost")
        .port(server.port)
        .starttls()
        .tls(TlsOptions::new().ca_pem(pki.ca_pem.clone()))
        .connect_timeout(Some(Duration::from_secs(5)))
        .password("alice", "secret")
        .login()
        .unwrap();
    assert!(s.connection().is_tls());
    s.noop().unwrap();
    s.logout().unwrap();
    let cmds = server.commands();
    let starttls = cmds.iter().position(|c| c.ends_with("STARTTLS")).unwrap();
    let login = cmds.iter().position(|c| c.contains("LOGIN")).unwrap();
    assert!(starttls < login);
}

#[test]
fn starttls_refused_when_not_offered() {
    let server = start(Options::default());
    let err = Connector::new("localhost")
        .port(server.port)
        .starttls()
        .connect()
        .unwrap_err();
    assert!(matches!(err, Error::StartTlsUnavailable), "{err:?}");
}

#[test]
fn implicit_tls_with_a_ca_file() {
    let pki = Pki::new();
    let dir = std::env::temp_dir().join(format!("imap-blocking-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let server = start(Options {
        implicit_tls: Some(pki.server.clone()),
        ..Options::default()
    });
    let s = Connector::new("127.0.0.1")
        .port(server.port)
        .ca_file(&ca)
        .password("alice", "secret")
        .login()
        .unwrap();
    s.logout().unwrap();
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_untrusted_certificate_fails_by_default_and_the_opt_out_accepts_it() {
    let pki = Pki::new();
    let server = start(Options {
        implicit_tls: Some(pki.server.clone()),
        connections: 2,
        ..Options::default()
    });
    let err = Connector::new("127.0.0.1")
        .port(server.port)
        .connect_timeout(Some(Duration::from_secs(5)))
        .connect()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Tls(e) if e.to_string().contains("certificate")),
        "{err:?}"
    );
    let s = Connector::new("127.0.0.1")
        .port(server.port)
        .danger_accept_invalid_certs(true)
        .password("alice", "secret")
        .login()
        .unwrap();
    s.logout().unwrap();
}

#[test]
fn a_server_that_never_answers_is_an_error_not_an_empty_result() {
    let server = start(Options {
        never_answer: vec!["UID SEARCH".into()],
        ..Options::default()
    });
    let mut s = plain(server.port)
        .command_timeout(Duration::from_millis(300))
        .password("alice", "secret")
        .login()
        .unwrap();
    s.select("INBOX").unwrap();
    let started = Instant::now();
    let err = s.search(&Query::all()).unwrap_err();
    assert!(
        matches!(err, Error::Connection(ConnectionError::Timeout(_))),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(s.noop().is_err(), "the connection stays failed");
}

#[test]
fn a_dribbling_server_meets_the_operation_deadline() {
    let server = start(Options {
        dribble: vec!["UID SEARCH".into()],
        ..Options::default()
    });
    let mut s = plain(server.port)
        .operation_deadline(Duration::from_millis(300))
        .password("alice", "secret")
        .login()
        .unwrap();
    s.select("INBOX").unwrap();
    let err = s.search(&Query::all()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Connection(ConnectionError::DeadlineExceeded { .. })
        ),
        "{err:?}"
    );
    assert!(s.noop().is_err(), "the connection is closed");
}

#[test]
fn a_missing_greeting_times_out() {
    let server = start(Options {
        no_greeting: true,
        ..Options::default()
    });
    let started = Instant::now();
    let err = Connector::new("127.0.0.1")
        .port(server.port)
        .security(Security::Plain)
        .connect_timeout(Some(Duration::from_millis(300)))
        .connect()
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout(_) | Error::Connection(ConnectionError::Timeout(_))
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_dropped_connection_is_an_error() {
    let server = start(Options {
        close_on: vec!["UID SEARCH".into()],
        ..Options::default()
    });
    let mut s = plain(server.port)
        .password("alice", "secret")
        .login()
        .unwrap();
    s.select("INBOX").unwrap();
    let err = s.search(&Query::all()).unwrap_err();
    assert!(
        matches!(err, Error::Connection(ConnectionError::Closed { .. })),
        "{err:?}"
    );
}

#[test]
fn idle_receives_pushed_updates_and_ends_with_done() {
    let server = start(Options {
        idle_push: vec!["* 4 EXISTS\r\n".into(), "* 1 EXPUNGE\r\n".into()],
        ..Options::default()
    });
    let mut s = plain(server.port)
        .password("alice", "secret")
        .login()
        .unwrap();
    s.select("INBOX").unwrap();
    let mut idle = s.idle().unwrap();
    let first = idle.wait_timeout(Duration::from_secs(5)).unwrap().unwrap();
    assert!(
        matches!(first, Event::Mailbox(Update::Exists { exists: 4, .. })),
        "{first:?}"
    );
    let second = idle.wait_timeout(Duration::from_secs(5)).unwrap().unwrap();
    assert!(
        matches!(second, Event::Mailbox(Update::Expunged(_))),
        "{second:?}"
    );
    assert_eq!(idle.selected().unwrap().exists(), 3);
    assert!(
        idle.wait_timeout(Duration::from_millis(100))
            .unwrap()
            .is_none()
    );
    idle.done().unwrap();
    s.noop().unwrap();
    assert!(
        server.commands().contains(&"DONE".to_string()),
        "{:?}",
        server.commands()
    );
}

#[test]
fn a_large_body_streams_to_a_writer() {
    let big = support::message(7, 300 * 1024);
    let server = start_with(
        Options::default(),
        vec![
            support::Msg {
                uid: 7,
                flags: vec![],
                body: big.clone(),
            },
            support::Msg {
                uid: 8,
                flags: vec![],
                body: support::message(8, 100),
            },
        ],
    );
    let mut s = plain(server.port)
        .password("alice", "secret")
        .login()
        .unwrap();
    s.select("INBOX").unwrap();
    let mut out = Vec::new();
    let n = s.download(uid(7), &mut out).unwrap();
    assert_eq!(n as usize, big.len());
    assert_eq!(out, big);
    // Below the threshold the body comes in the FETCH response itself.
    let mut small = Vec::new();
    s.fetch_to_writer(uid(8), Section::default(), &mut small)
        .unwrap();
    assert_eq!(small, support::message(8, 100));
    // The connection is usable afterwards.
    assert_eq!(s.search(&Query::all()).unwrap().len(), 2);
}

#[test]
fn connect_from_a_url_with_starttls() {
    let pki = Pki::new();
    let server = start(Options {
        starttls: Some(pki.server.clone()),
        ..Options::default()
    });
    let c = Connector::from_url(&format!("imap://alice@localhost:{}/INBOX", server.port))
        .unwrap()
        .tls(TlsOptions::new().ca_pem(pki.ca_pem.clone()));
    let user = c.user().unwrap().to_owned();
    let s = c.password(user, "secret").login().unwrap();
    s.logout().unwrap();
}

#[cfg(unix)]
#[test]
fn a_child_process_as_the_stream() {
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
        .connect_timeout(Some(Duration::from_secs(5)))
        .connect_command(script)
        .unwrap();
    let mut s = client.into_session().unwrap();
    s.noop().unwrap();
    s.logout().unwrap();
}

#[test]
fn an_unreadable_status_is_an_error_not_an_empty_status() {
    // The scripted server echoes only the first word of a quoted name, `* STATUS "Sent
    // (MESSAGES ...)`, which no reading of the parser accepts: the call fails instead of
    // returning a status with every item empty (issue 12, point 17).
    let server = start(Options::default());
    let mut s = plain(server.port)
        .password("alice", "secret")
        .login()
        .unwrap();
    let err = s.folder_status("Sent Items").unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert_eq!(s.folder_status("INBOX").unwrap().messages, Some(3));
}

#[test]
fn a_server_that_never_reads_meets_the_deadline_while_writing() {
    use imap_blocking::Connection;
    use imap_blocking::imap_core::client::ClientConfig;
    use imap_blocking::imap_core::ops::messages::append_command;
    use imap_blocking::types::Mailbox;
    let (port, server_done) = support::never_reads();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let tcp = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let config = ClientConfig {
            command_timeout: Some(Duration::from_secs(60)),
            operation_deadline: Some(Duration::from_millis(1500)),
            ..ClientConfig::default()
        };
        let mut conn = Connection::new(tcp, config);
        conn.wait_greeting(Some(Instant::now() + Duration::from_secs(5)))
            .unwrap();
        // 16 MiB: more than loopback's socket buffers hold for a peer that never reads.
        let message = vec![b'x'; 16 << 20];
        let append = append_command(Mailbox::new("INBOX"), message, Vec::new(), None);
        let err = conn.run(append).unwrap_err();
        let later = conn.run(imap_blocking::types::CommandBody::Noop).is_err();
        let _ = tx.send((err, later, conn.is_closed()));
    });
    // The guard: a regression fails here instead of hanging the test run.
    let (err, later, closed) = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the APPEND returned instead of blocking on a server that never reads");
    let _ = server_done.send(());
    assert!(
        matches!(
            err,
            Error::Connection(ConnectionError::DeadlineExceeded { .. })
        ),
        "{err:?}"
    );
    assert!(later, "later calls fail: the connection is closed");
    assert!(closed);
}
