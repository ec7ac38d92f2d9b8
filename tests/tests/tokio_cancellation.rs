//! What only an async driver has, for imap-tokio against the mock server: dropped futures,
//! timers racing IDLE, spawned sessions, and (on a silent socket of its own) a server that stops
//! answering in the middle of a response. The scenarios every driver runs are in
//! `imap_tests::driver_scenarios!` (tests/driver_tokio.rs). These add:
//! - a session spawned on the runtime (the futures are `Send`);
//! - a dropped SEARCH and a dropped FETCH: the answer is read and discarded, the next command
//!   gets its own;
//! - futures dropped in the middle of a large literal (FETCH and streaming to a writer): the
//!   rest is read and discarded, the next command gets its own, complete answer;
//! - a dropped `idle()` future and a dropped `idle.done()` future;
//! - IDLE's `wait` inside `select!`, cancelled by a timer and by a second connection's APPEND,
//!   ended cleanly;
//! - a server that goes silent in the middle of a response, and one that goes silent during
//!   IDLE: a timeout error, never a partial or empty result.

use imap_tests::fixture::{self as mock_fixture, PASSWORD, USER};
use imap_tokio::imap_core::client::ConnectionError;
use imap_tokio::imap_core::mailbox::Update;
use imap_tokio::prelude::*;
use imap_tokio::types::{Flag, Section, Uid, UidSet};
use imap_tokio::{Connector, Error, Event, FetchQuery, Query, Security, Session, TokioConnect};
use mock_server::listener::{MockServer, RunningServer};
use mock_server::session::options::Faults;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

fn connector(addr: SocketAddr) -> Connector {
    Connector::new("127.0.0.1")
        .port(addr.port())
        .security(Security::Plain)
        .allow_plaintext_login()
        .connect_timeout(Some(Duration::from_secs(10)))
        .command_timeout(Duration::from_secs(10))
}

/// The fixture's store behind a server that writes slowly: pieces of 4 KiB, each after 2 ms.
/// M3 (about 300 KiB) then takes at least 150 ms to arrive, so a future dropped after a few
/// milliseconds is dropped in the middle of its literal.
fn slow_server() -> RunningServer {
    slow_server_with(Duration::from_millis(2))
}

/// The fixture's store behind a server that waits `delay` before each piece it writes.
fn slow_server_with(delay: Duration) -> RunningServer {
    MockServer::builder()
        .store(mock_fixture::store())
        .plain()
        .allow_plaintext_login()
        .faults(Faults {
            split_writes: Some(4096),
            write_delay: Some(delay),
            ..Faults::default()
        })
        .start()
        .unwrap()
}

async fn login(server: &RunningServer) -> Session {
    connector(server.addr())
        .password(USER, PASSWORD)
        .login()
        .await
        .unwrap()
}

fn inbox(server: &RunningServer) -> [Uid; 3] {
    let uids = mock_fixture::uids(server, "INBOX");
    [uids[0], uids[1], uids[2]]
}

#[tokio::test]
async fn a_fetch_dropped_in_the_middle_of_a_literal_leaves_the_connection_usable() {
    let server = slow_server();
    let [u1, _, u3] = inbox(&server);
    let mut s = login(&server).await;
    s.select("INBOX").await.unwrap();
    let r = tokio::time::timeout(
        Duration::from_millis(20),
        s.fetch(&UidSet::single(u3), &FetchQuery::new().body()),
    )
    .await;
    assert!(r.is_err(), "the FETCH of M3 cannot be complete yet");
    // The next command reads and discards the rest of M3, then gets its own answer.
    let m = s
        .fetch_one(u1, &FetchQuery::new().body().flags())
        .await
        .unwrap();
    assert_eq!(m.body(), Some(&mock_fixture::m1()[..]));
    assert_eq!(
        mock_fixture::sorted(m.flags.unwrap()),
        mock_fixture::flags(&server, "INBOX", u1)
    );
    assert!(s.drain_events().is_empty());
    // And a complete M3 after all.
    let m = s.fetch_one(u3, &FetchQuery::new().body()).await.unwrap();
    assert_eq!(m.body(), Some(&mock_fixture::m3()[..]));
    s.logout().await.unwrap();
}

#[tokio::test]
async fn a_stream_dropped_in_the_middle_leaves_the_connection_usable() {
    let server = slow_server();
    let [u1, u2, u3] = inbox(&server);
    let mut s = login(&server).await;
    s.select("INBOX").await.unwrap();
    let mut partial: Vec<u8> = Vec::new();
    let r = tokio::time::timeout(
        Duration::from_millis(40),
        s.fetch_to_writer(u3, Section::default(), &mut partial),
    )
    .await;
    assert!(r.is_err(), "streaming M3 cannot be complete yet");
    let m3 = mock_fixture::m3();
    // What reached the writer is a prefix of M3 (maybe empty), never something else.
    assert!(m3.starts_with(&partial));
    assert!(partial.len() < m3.len());
    assert_eq!(
        s.search(&Query::new().unseen()).await.unwrap(),
        vec![u2, u3]
    );
    let mut out: Vec<u8> = Vec::new();
    let n = s.download(u3, &mut out).await.unwrap();
    assert_eq!(n as usize, m3.len());
    assert_eq!(out, m3);
    let mut out: Vec<u8> = Vec::new();
    s.download(u1, &mut out).await.unwrap();
    assert_eq!(out, mock_fixture::m1());
    s.logout().await.unwrap();
}

#[tokio::test]
async fn dropped_idle_start_and_done_futures_leave_the_connection_usable() {
    // Every answer comes at least 50 ms late: a first poll cannot have it, even on a loaded
    // machine that pauses the test between writing the command and reading (2 ms was not
    // enough there).
    let server = slow_server_with(Duration::from_millis(50));
    let [u1, u2, u3] = inbox(&server);
    let mut s = login(&server).await;
    s.select("INBOX").await.unwrap();

    // `idle()` dropped before the server's `+`: its first poll sends IDLE and waits.
    let r = tokio::time::timeout(Duration::ZERO, s.idle()).await;
    assert!(r.is_err(), "the first poll cannot have the server's answer");
    drop(r);
    // Regression: the next command ends the IDLE first (it used to queue behind the IDLE
    // and wait for ever, without even a command timeout).
    let all = tokio::time::timeout(Duration::from_secs(20), s.search(&Query::all()))
        .await
        .expect("the command after a dropped idle() future hung");
    assert_eq!(all.unwrap(), vec![u1, u2, u3]);

    // `done()` dropped before the server completed the IDLE.
    let idle = s.idle().await.unwrap();
    let r = tokio::time::timeout(Duration::ZERO, idle.done()).await;
    assert!(r.is_err(), "the first poll cannot have the server's answer");
    assert_eq!(
        s.search(&Query::new().unseen()).await.unwrap(),
        vec![u2, u3]
    );
    s.noop().await.unwrap();
    s.logout().await.unwrap();
}

#[tokio::test]
async fn idle_in_select_with_a_second_connection_appending_ends_cleanly() {
    let server = mock_fixture::server();
    let mut s = login(&server).await;
    let mut other = login(&server).await;
    let before = s.select("INBOX").await.unwrap().exists;
    s.drain_events();

    let mut idle = s.idle().await.unwrap();
    let mut appended = None;
    let mut exists = None;
    let message = mock_fixture::extra(1);
    let mut append = Box::pin(other.append("INBOX", &message, &[Flag::Seen], None));
    // Both futures make progress on this one task; IDLE's `wait` is cancelled and restarted
    // each time the APPEND's branch wins.
    for _ in 0..100 {
        tokio::select! {
            r = &mut append, if appended.is_none() => appended = Some(r.unwrap().uid.unwrap()),
            ev = idle.wait_timeout(Duration::from_millis(200)) => {
                if let Some(Event::Mailbox(Update::Exists { exists: n, .. })) = ev.unwrap() {
                    exists = Some(n);
                }
            }
        }
        if appended.is_some() && exists.is_some() {
            break;
        }
    }
    drop(append);
    assert_eq!(exists, Some(before + 1));
    idle.done().await.unwrap();
    let appended = appended.expect("the APPEND completed");
    assert_eq!(
        s.search(&Query::all()).await.unwrap().last(),
        Some(appended)
    );
    let flags = s.flags(appended).await.unwrap();
    assert_eq!(
        mock_fixture::sorted(flags[&appended].clone()),
        vec![Flag::Seen]
    );
    other.logout().await.unwrap();
    s.logout().await.unwrap();
}

#[tokio::test]
async fn sessions_can_be_spawned() {
    let server = mock_fixture::server();
    let addr = server.addr();
    let task = tokio::spawn(async move {
        let mut s = connector(addr).password(USER, PASSWORD).login().await?;
        s.select("INBOX").await?;
        let n = s.search(&Query::all()).await?.len();
        s.logout().await?;
        Ok::<u64, Error>(n)
    });
    assert_eq!(task.await.unwrap().unwrap(), 3);
}

#[tokio::test]
async fn a_dropped_command_future_leaves_the_connection_usable() {
    // Every answer comes at least 50 ms late: a first poll cannot have it, even when the thread
    // is descheduled between writing the command and reading (2 ms was not enough under load).
    let server = slow_server_with(Duration::from_millis(50));
    let [u1, u2, u3] = inbox(&server);
    let mut s = login(&server).await;
    s.select("INBOX").await.unwrap();
    // The SEARCH is sent, then its future is dropped before the answer.
    let r = tokio::time::timeout(Duration::ZERO, s.search(&Query::all())).await;
    assert!(r.is_err(), "the search should still be running");
    // The next command works; the abandoned SEARCH's answer is read and discarded first.
    s.noop().await.unwrap();
    let flags = s.flags(u1).await.unwrap();
    assert_eq!(mock_fixture::sorted(flags[&u1].clone()), vec![Flag::Seen]);
    // A dropped FETCH too.
    let r = tokio::time::timeout(
        Duration::ZERO,
        s.fetch(&UidSet::all(), &FetchQuery::new().body()),
    )
    .await;
    assert!(r.is_err(), "the fetch should still be running");
    assert_eq!(
        s.search(&Query::new().unseen()).await.unwrap(),
        vec![u2, u3]
    );
    s.logout().await.unwrap();
}

/// `wait` inside `select!` with a short timer: the timer wins several times (`wait` is
/// cancelled and restarted), then a second connection's APPEND arrives as EXISTS; DONE ends
/// the IDLE cleanly.
#[tokio::test]
async fn idle_wait_cancelled_by_a_timer_ends_cleanly() {
    let server = mock_fixture::server();
    let mut s = login(&server).await;
    let mut other = Some(login(&server).await);
    let before = s.select("INBOX").await.unwrap().exists;
    s.drain_events();
    let mut idle = s.idle().await.unwrap();
    let mut event = None;
    let mut ticks = 0;
    let mut append = None;
    for _ in 0..2000 {
        tokio::select! {
            ev = idle.wait() => {
                event = Some(ev.unwrap());
                break;
            }
            _ = tokio::time::sleep(Duration::from_millis(10)) => ticks += 1,
        }
        // Only once the timer has won a few times does the other connection append.
        if ticks == 3
            && let Some(mut o) = other.take()
        {
            append = Some(tokio::spawn(async move {
                let uid = o
                    .append("INBOX", &mock_fixture::extra(1), &[], None)
                    .await
                    .unwrap()
                    .uid;
                o.logout().await.unwrap();
                uid
            }));
        }
    }
    assert!(ticks >= 3, "the timer branch won {ticks} times");
    assert!(
        matches!(event, Some(Event::Mailbox(Update::Exists { exists, .. })) if exists == before + 1),
        "{event:?}"
    );
    idle.done().await.unwrap();
    let appended = append.expect("the APPEND started").await.unwrap();
    assert_eq!(s.selected().unwrap().exists(), before + 1);
    assert_eq!(s.search(&Query::all()).await.unwrap().last(), appended);
    s.logout().await.unwrap();
}

/// A server that greets, accepts LOGIN and SELECT, answers the next command with `partial`
/// and then goes silent (holding the socket open until the client closes it).
fn silent_after(partial: &'static str) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut w = stream.try_clone().unwrap();
        let mut r = BufReader::new(stream);
        w.write_all(b"* OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS] silent\r\n")
            .unwrap();
        let mut line = String::new();
        for _ in 0..3 {
            line.clear();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let tag = line.split(' ').next().unwrap_or("*").to_owned();
            let reply = if line.contains("LOGIN") {
                format!("{tag} OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS] LOGIN done\r\n")
            } else if line.contains("SELECT") {
                format!("* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n{tag} OK [READ-WRITE] done\r\n")
            } else {
                partial.to_owned()
            };
            w.write_all(reply.as_bytes()).unwrap();
        }
        // Silence: read until the client goes away.
        while r.read_line(&mut line).unwrap_or(0) > 0 {}
    });
    addr
}

fn is_timeout(err: &Error) -> bool {
    matches!(err, Error::Connection(ConnectionError::Timeout(_)))
}

#[tokio::test]
async fn a_server_silent_in_the_middle_of_a_response_is_a_timeout_not_a_partial_result() {
    // Half a literal, then nothing.
    let addr = silent_after("* 1 FETCH (UID 1 BODY[] {100}\r\nonly part of it");
    let mut s = connector(addr)
        .command_timeout(Duration::from_millis(300))
        .password(USER, PASSWORD)
        .login()
        .await
        .unwrap();
    s.select("INBOX").await.unwrap();
    let err = s
        .fetch(&UidSet::all(), &FetchQuery::new().body())
        .await
        .unwrap_err();
    assert!(is_timeout(&err), "{err:?}");
    // The error is sticky: the connection is dead, later commands say so.
    let again = s.noop().await.unwrap_err();
    assert!(again.is_fatal(), "{again:?}");
}

#[tokio::test]
async fn search_results_without_completion_are_a_timeout_not_a_result() {
    // The untagged SEARCH data arrives, the tagged OK never does.
    let addr = silent_after("* SEARCH 1 2 3\r\n");
    let mut s = connector(addr)
        .command_timeout(Duration::from_millis(300))
        .password(USER, PASSWORD)
        .login()
        .await
        .unwrap();
    s.select("INBOX").await.unwrap();
    let err = s.search(&Query::all()).await.unwrap_err();
    assert!(is_timeout(&err), "{err:?}");
}

#[tokio::test]
async fn a_server_silent_during_idle_is_a_timeout() {
    // The server accepts IDLE and then sends nothing, not even a keep-alive.
    let addr = silent_after("+ idling\r\n");
    let mut s = connector(addr)
        .idle_timeout(Duration::from_millis(300))
        .password(USER, PASSWORD)
        .login()
        .await
        .unwrap();
    s.select("INBOX").await.unwrap();
    let mut idle = s.idle().await.unwrap();
    let err = tokio::time::timeout(Duration::from_secs(20), idle.wait())
        .await
        .expect("the IDLE liveness timeout fires first")
        .unwrap_err();
    assert!(is_timeout(&err), "{err:?}");
}
