//! Script mode: steps in order, tag substitution, normalized and predicate matching, literals,
//! mismatches answered `BAD` and recorded, `send` and `close` steps; in memory and over a
//! 127.0.0.1 listener with bounded read timeouts.

use mock_server::script::{Mismatch, Script, ScriptServer, ScriptSession};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn login_select() -> Script {
    Script::new()
        .greeting("* OK [CAPABILITY IMAP4rev1 IDLE] scripted\r\n")
        .expect("LOGIN alice pw", "{tag} OK LOGIN done\r\n")
        .expect(
            "SELECT INBOX",
            "* 2 EXISTS\r\n* OK [UIDVALIDITY 7] x\r\n{tag} OK [READ-WRITE] done\r\n",
        )
}

fn take(s: &mut ScriptSession) -> String {
    let mut out = Vec::new();
    s.poll_transmit(&mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn steps_run_in_order_with_the_clients_tag() {
    let mut s = ScriptSession::new(login_select());
    assert_eq!(
        take(&mut s),
        "* OK [CAPABILITY IMAP4rev1 IDLE] scripted\r\n"
    );
    s.handle_input(b"A001 login ALICE pw\r\n");
    assert_eq!(take(&mut s), "A001 OK LOGIN done\r\n");
    assert_eq!(s.steps_done(), 1);
    // Split across reads, extra spaces, lower case: still a match.
    s.handle_input(b"x9 select   ");
    assert_eq!(take(&mut s), "");
    s.handle_input(b"inbox\r\n");
    assert_eq!(
        take(&mut s),
        "* 2 EXISTS\r\n* OK [UIDVALIDITY 7] x\r\nx9 OK [READ-WRITE] done\r\n"
    );
    assert!(s.is_complete());
    assert!(s.mismatches().is_empty());
}

#[test]
fn an_unexpected_command_is_answered_bad_and_recorded() {
    let mut s = ScriptSession::new(login_select());
    take(&mut s);
    s.handle_input(b"a1 NOOP\r\n");
    let out = take(&mut s);
    assert!(out.starts_with("a1 BAD "), "{out}");
    assert!(out.contains("LOGIN ALICE PW"), "{out}");
    assert_eq!(
        s.mismatches(),
        &[Mismatch {
            step: 0,
            expected: "LOGIN ALICE PW".into(),
            got: "a1 NOOP".into(),
        }]
    );
    // The script did not advance: the expected command still works.
    s.handle_input(b"a2 LOGIN alice pw\r\na3 SELECT INBOX\r\na4 LOGOUT\r\n");
    let out = take(&mut s);
    assert!(out.contains("a2 OK LOGIN done\r\n"), "{out}");
    assert!(out.contains("a3 OK [READ-WRITE]"), "{out}");
    assert!(out.ends_with("a4 BAD Unexpected command (script expects end of script)\r\n"));
    assert_eq!(s.mismatches().len(), 2);
    assert_eq!(s.mismatches()[1].expected, "end of script");
    assert!(s.is_complete());
}

#[test]
fn predicates_literals_send_and_close() {
    let script = Script::new()
        .greeting("* OK hi\r\n")
        .expect_with(
            "APPEND with a 5-byte message",
            |c| c.starts_with("APPEND INBOX") && c.ends_with("\r\nhello"),
            "{tag} OK [APPENDUID 1 9] done\r\n",
        )
        .expect("IDLE", "+ idling\r\n")
        .send("* 3 EXISTS\r\n")
        .expect("DONE", "{tag} OK IDLE done\r\n")
        .expect("LOGOUT", "* BYE bye\r\n{tag} OK\r\n")
        .close();
    let mut s = ScriptSession::new(script);
    take(&mut s);
    s.handle_input(b"t1 APPEND INBOX {5}\r\n");
    assert_eq!(take(&mut s), "+ Ready\r\n");
    s.handle_input(b"hello\r\n");
    assert_eq!(take(&mut s), "t1 OK [APPENDUID 1 9] done\r\n");
    s.handle_input(b"t2 IDLE\r\n");
    assert_eq!(take(&mut s), "+ idling\r\n* 3 EXISTS\r\n");
    s.handle_input(b"DONE\r\n");
    assert_eq!(take(&mut s), "t2 OK IDLE done\r\n");
    assert!(!s.is_closed());
    s.handle_input(b"t3 LOGOUT\r\n");
    assert_eq!(take(&mut s), "* BYE bye\r\nt3 OK\r\n");
    assert!(s.is_closed() && s.is_complete());
    assert!(s.mismatches().is_empty(), "{:?}", s.mismatches());
}

#[test]
fn non_synchronizing_literal_is_read_without_a_continuation() {
    let script = Script::new().expect_with(
        "LOGIN with a literal password",
        |c| c == "LOGIN bob {2+}\r\npw",
        "{tag} OK\r\n",
    );
    let mut s = ScriptSession::new(script);
    s.handle_input(b"z LOGIN bob {2+}\r\npw\r\n");
    assert_eq!(take(&mut s), "z OK\r\n");
    assert!(s.is_complete());
}

/// Reads until `needle` shows up or 5 s pass.
fn read_until(sock: &mut TcpStream, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains(needle) {
        assert!(Instant::now() < deadline, "timed out; got {got:?}");
        match sock.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => panic!("{e}"),
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

fn connect(server: &ScriptServer) -> TcpStream {
    let s = TcpStream::connect_timeout(&server.addr(), Duration::from_secs(5)).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    s
}

fn wait_for(f: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !f() {
        assert!(Instant::now() < deadline, "timed out");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn the_script_over_loopback_for_each_connection() {
    let server = ScriptServer::start(
        login_select()
            .expect("LOGOUT", "* BYE\r\n{tag} OK\r\n")
            .close(),
    )
    .unwrap();
    assert!(server.addr().ip().is_loopback());
    for _ in 0..2 {
        let mut c = connect(&server);
        read_until(&mut c, "scripted\r\n");
        c.write_all(b"a LOGIN alice pw\r\nb SELECT INBOX\r\nc LOGOUT\r\n")
            .unwrap();
        let out = read_until(&mut c, "c OK\r\n");
        assert!(out.contains("a OK LOGIN done") && out.contains("b OK [READ-WRITE]"));
        // The server closed the connection after the `close` step.
        let mut rest = Vec::new();
        let _ = c.read_to_end(&mut rest);
    }
    wait_for(|| server.connections() == 2);
    assert_eq!(server.completed(), 2);
    assert!(server.mismatches().is_empty());
}

#[test]
fn loopback_mismatches_are_recorded() {
    let server = ScriptServer::start(login_select()).unwrap();
    let mut c = connect(&server);
    read_until(&mut c, "scripted\r\n");
    c.write_all(b"a1 CAPABILITY\r\n").unwrap();
    let out = read_until(&mut c, "\r\n");
    assert!(out.starts_with("a1 BAD"), "{out}");
    wait_for(|| !server.mismatches().is_empty());
    assert_eq!(server.mismatches()[0].got, "a1 CAPABILITY");
    drop(c);
    wait_for(|| server.connections() == 1);
    assert_eq!(server.completed(), 0);
}
