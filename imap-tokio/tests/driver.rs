//! imap-tokio against the scripted server on 127.0.0.1 shared with imap-blocking's tests.
//!
//! TODO(mock-server): port these to `mock_server::MockServer` (see the driver report).

#[path = "../../imap-blocking/tests/support/mod.rs"]
mod support;

use imap_tokio::imap_core::client::{ConnectionError, UsageError};
use imap_tokio::imap_core::mailbox::Update;
use imap_tokio::types::{Flag, Section, Uid, UidSet};
use imap_tokio::{Connector, Error, Event, FetchQuery, Query, Security, TlsOptions};
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

#[tokio::test]
async fn login_select_search_fetch_append_round_trip() {
    let server = start(Options::default());
    let mut s = plain(server.port)
        .password("alice", "secret")
        .login()
        .await
        .unwrap();
    let folders = s.folders().await.unwrap();
    assert_eq!(folders.len(), 5);
    let summary = s.select("INBOX").await.unwrap();
    assert_eq!(summary.exists, 3);
    let unseen = s.search(&Query::new().unseen()).await.unwrap();
    assert_eq!(unseen, vec![uid(1), uid(3)]);
    let msgs = s
        .fetch(&unseen.to_set().unwrap(), &FetchQuery::summary())
        .await
        .unwrap();
    assert_eq!(msgs[&uid(3)].subject().as_deref(), Some("Message 3"));
    let appended = s
        .append("INBOX", &support::message(9, 100), &[Flag::Seen], None)
        .await
        .unwrap();
    assert_eq!(appended.uid, Some(uid(4)));
    let flags = s.flags(UidSet::all()).await.unwrap();
    assert_eq!(flags[&uid(4)], vec![Flag::Seen]);
    s.logout().await.unwrap();
}

#[tokio::test]
async fn sessions_can_be_spawned() {
    let server = start(Options::default());
    let task = tokio::spawn(async move {
        let mut s = plain(server.port)
            .password("alice", "secret")
            .login()
            .await?;
        s.select("INBOX").await?;
        let n = s.search(&Query::all()).await?.len();
        s.logout().await?;
        Ok::<u64, Error>(n)
    });
    assert_eq!(task.await.unwrap().unwrap(), 3);
}

#[tokio::test]
async fn a_dropped_command_future_leaves_the_connection_usable() {
    let server = start(Options {
        delay: vec![("UID SEARCH".into(), Duration::from_millis(300))],
        ..Options::default()
    });
    let mut s = plain(server.port)
        .password("alice", "secret")
        .login()
        .await
        .unwrap();
    s.select("INBOX").await.unwrap();
    // The SEARCH is sent, then its future is dropped before the answer.
    let r = tokio::time::timeout(Duration::from_millis(50), s.search(&Query::all())).await;
    assert!(r.is_err(), "the search should still be running");
    // The next command works; the abandoned SEARCH's answer is read and discarded first.
    s.noop().await.unwrap();
    let flags = s.flags(uid(2)).await.unwrap();
    assert_eq!(flags[&uid(2)], vec![Flag::Seen]);
    // A dropped FETCH too.
    let r = tokio::time::timeout(
        Duration::from_millis(1),
        s.fetch(&UidSet::all(), &FetchQuery::new().body()),
    )
    .await;
    drop(r);
    let again = s.search(&Query::new().unseen()).await.unwrap();
    assert_eq!(again, vec![uid(1), uid(3)]);
    s.logout().await.unwrap();
}

#[tokio::test]
async fn idle_inside_select_ends_cleanly() {
    let server = start(Options {
        idle_push: vec!["* 4 EXISTS\r\n".into()],
        delay: vec![("IDLE".into(), Duration::from_millis(100))],
        ..Options::default()
    });
    let mut s = plain(server.port)
        .password("alice", "secret")
        .login()
        .await
        .unwrap();
    s.select("INBOX").await.unwrap();
    let (stop_tx, mut stop) = tokio::sync::oneshot::channel::<()>();
    let mut idle = s.idle().await.unwrap();
    let mut events = Vec::new();
    let mut ticks = 0;
    let mut stop_tx = Some(stop_tx);
    let started = Instant::now();
    loop {
        tokio::select! {
            ev = idle.wait() => {
                events.push(ev.unwrap());
                // Got the update: ask to stop.
                if let Some(tx) = stop_tx.take() {
                    tx.send(()).unwrap();
                }
            }
            // A short timer wins first several times: `wait` is cancelled and restarted.
            _ = tokio::time::sleep(Duration::from_millis(10)) => ticks += 1,
            _ = &mut stop => break,
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "no update arrived"
        );
    }
    assert!(ticks > 0, "the timer branch should have won at least once");
    assert!(
        matches!(events[0], Event::Mailbox(Update::Exists { exists: 4, .. })),
        "{events:?}"
    );
    idle.done().await.unwrap();
    assert_eq!(s.selected().unwrap().exists(), 4);
    s.noop().await.unwrap();
    assert!(server.commands().contains(&"DONE".to_string()));
    s.logout().await.unwrap();
}

#[tokio::test]
async fn a_dropped_idle_handle_is_ended_by_the_next_command() {
    let server = start(Options::default());
    let mut s = plain(server.port)
        .password("alice", "secret")
        .login()
        .await
        .unwrap();
    s.select("INBOX").await.unwrap();
    let idle = s.idle().await.unwrap();
    drop(idle);
    assert_eq!(s.search(&Query::all()).await.unwrap().len(), 3);
    let cmds = server.commands();
    assert!(cmds.iter().position(|c| c == "DONE") < cmds.iter().position(|c| c.contains("SEARCH")));
}

#[tokio::test]
async fn starttls_with_a_private_ca() {
    let pki = Pki::new();
    let server = start(Options {
        starttls: Some(pki.server.clone()),
        ..Options::default()
    });
    let mut s = Connector::new("localhost")
        .port(server.port)
        .starttls()
        .tls(TlsOptions::new().ca_pem(pki.ca_pem.clone()))
        .password("alice", "secret")
        .login()
        .await
        .unwrap();
    assert!(s.connection().is_tls());
    s.noop().await.unwrap();
    s.logout().await.unwrap();
}

#[tokio::test]
async fn an_untrusted_certificate_fails_by_default() {
    let pki = Pki::new();
    let server = start(Options {
        implicit_tls: Some(pki.server.clone()),
        connections: 2,
        ..Options::default()
    });
    let err = Connector::new("127.0.0.1")
        .port(server.port)
        .connect()
        .await
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
        .await
        .unwrap();
    s.logout().await.unwrap();
}

#[tokio::test]
async fn plaintext_login_is_refused_unless_opted_in() {
    let server = start(Options::default());
    let client = Connector::new("127.0.0.1")
        .port(server.port)
        .security(Security::Plain)
        .connect()
        .await
        .unwrap();
    let err = client.login("alice", "secret").await.unwrap_err();
    assert!(matches!(
        err.error,
        Error::Usage(UsageError::PlaintextLogin)
    ));
}

#[tokio::test]
async fn a_server_that_never_answers_is_an_error_not_an_empty_result() {
    let server = start(Options {
        never_answer: vec!["UID SEARCH".into()],
        ..Options::default()
    });
    let mut s = plain(server.port)
        .command_timeout(Duration::from_millis(300))
        .password("alice", "secret")
        .login()
        .await
        .unwrap();
    s.select("INBOX").await.unwrap();
    let err = s.search(&Query::all()).await.unwrap_err();
    assert!(
        matches!(err, Error::Connection(ConnectionError::Timeout(_))),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_dribbling_server_meets_the_operation_deadline() {
    let server = start(Options {
        dribble: vec!["UID SEARCH".into()],
        ..Options::default()
    });
    let mut s = plain(server.port)
        .operation_deadline(Duration::from_millis(300))
        .password("alice", "secret")
        .login()
        .await
        .unwrap();
    s.select("INBOX").await.unwrap();
    let err = s.search(&Query::all()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Connection(ConnectionError::DeadlineExceeded { .. })
        ),
        "{err:?}"
    );
    assert!(s.noop().await.is_err(), "the connection is closed");
}

#[tokio::test]
async fn a_missing_greeting_times_out() {
    let server = start(Options {
        no_greeting: true,
        ..Options::default()
    });
    let err = Connector::new("127.0.0.1")
        .port(server.port)
        .security(Security::Plain)
        .connect_timeout(Some(Duration::from_millis(300)))
        .connect()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout(_) | Error::Connection(ConnectionError::Timeout(_))
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_large_body_streams_to_an_async_writer() {
    let big = support::message(7, 300 * 1024);
    let server = start_with(
        Options::default(),
        vec![support::Msg {
            uid: 7,
            flags: vec![],
            body: big.clone(),
        }],
    );
    let mut s = plain(server.port)
        .password("alice", "secret")
        .login()
        .await
        .unwrap();
    s.select("INBOX").await.unwrap();
    let mut out: Vec<u8> = Vec::new();
    let n = s
        .fetch_to_writer(uid(7), Section::default(), &mut out)
        .await
        .unwrap();
    assert_eq!(n as usize, big.len());
    assert_eq!(out, big);
    assert_eq!(s.search(&Query::all()).await.unwrap(), vec![uid(7)]);
}

#[cfg(unix)]
#[tokio::test]
async fn a_child_process_as_the_stream() {
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
        .connect_command(script)
        .await
        .unwrap();
    let mut s = client.into_session().unwrap();
    s.noop().await.unwrap();
    s.logout().await.unwrap();
}

#[tokio::test]
async fn an_unreadable_status_is_an_error_not_an_empty_status() {
    // The scripted server echoes only the first word of a quoted name, `* STATUS "Sent
    // (MESSAGES ...)`, which no reading of the parser accepts: the call fails instead of
    // returning a status with every item empty (issue 12, point 17).
    let server = start(Options::default());
    let mut s = plain(server.port)
        .password("alice", "secret")
        .login()
        .await
        .unwrap();
    let err = s.folder_status("Sent Items").await.unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert_eq!(s.folder_status("INBOX").await.unwrap().messages, Some(3));
}

#[tokio::test]
async fn a_server_that_never_reads_meets_the_deadline_while_writing() {
    use imap_tokio::Connection;
    use imap_tokio::imap_core::client::ClientConfig;
    use imap_tokio::imap_core::ops::messages::append_command;
    use imap_tokio::types::{CommandBody, Mailbox};
    let (port, server_done) = support::never_reads();
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let config = ClientConfig {
        command_timeout: Some(Duration::from_secs(60)),
        operation_deadline: Some(Duration::from_millis(1500)),
        ..ClientConfig::default()
    };
    let mut conn = Connection::new(tcp, config);
    conn.wait_greeting(Some(Instant::now() + Duration::from_secs(5)))
        .await
        .unwrap();
    // 16 MiB: more than loopback's socket buffers hold for a peer that never reads.
    let message = vec![b'x'; 16 << 20];
    let append = append_command(Mailbox::new("INBOX"), message, Vec::new(), None);
    // The guard: a regression fails here instead of hanging the test run.
    let err = tokio::time::timeout(Duration::from_secs(30), conn.run(append))
        .await
        .expect("the APPEND returned instead of blocking on a server that never reads")
        .unwrap_err();
    let _ = server_done.send(());
    assert!(
        matches!(
            err,
            Error::Connection(ConnectionError::DeadlineExceeded { .. })
        ),
        "{err:?}"
    );
    assert!(conn.run(CommandBody::Noop).await.is_err(), "closed");
    assert!(conn.is_closed());
}
