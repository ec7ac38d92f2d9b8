//! The server under hostile clients (issue 12): resource bounds held by counting what an
//! operation allocates, never by timing it.

use mock_server::store::{ListRequest, MAX_NAME_LEVEL, MAX_NAME_LEVELS, Store, StoreError};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::sync::Mutex;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The counter is process-wide: the tests take turns, each holding this for its whole run.
static ALONE: Mutex<()> = Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ALONE.lock().unwrap_or_else(|e| e.into_inner())
}

/// What `f` returns, and the bytes allocated while it ran (by any thread: hold [`alone`]).
fn allocated<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let region = Region::new(GLOBAL);
    let out = f();
    (out, region.change().bytes_allocated)
}

/// A name at both limits: `MAX_NAME_LEVELS` levels of `MAX_NAME_LEVEL` bytes.
fn widest_name(tag: char) -> String {
    vec![tag.to_string().repeat(MAX_NAME_LEVEL); MAX_NAME_LEVELS].join("/")
}

/// A 39 KiB name of one-byte levels (it once froze the server for minutes) is refused at the
/// cost of reading it; a name at both limits is created at a cost linear in its length.
#[test]
fn deep_mailbox_names_cost_their_length() {
    let _alone = alone();
    let store = Store::new();
    let account = store.add_user("u", "p").unwrap();
    let before = account.mailboxes();
    let deep = vec!["a"; 20_000].join("/");
    let (res, bytes) = allocated(|| account.create(&deep, &[]));
    assert_eq!(res, Err(StoreError::NameTooLong));
    assert!(
        bytes < 1024,
        "{bytes} bytes allocated to refuse a deep name"
    );
    assert_eq!(account.mailboxes(), before);
    let long_level = "x".repeat(MAX_NAME_LEVEL + 1);
    assert_eq!(
        account.create(&long_level, &[]),
        Err(StoreError::NameTooLong)
    );
    let too_many = vec!["y"; MAX_NAME_LEVELS + 1].join("/");
    assert_eq!(account.create(&too_many, &[]), Err(StoreError::NameTooLong));

    let widest = widest_name('w');
    let (res, bytes) = allocated(|| account.create(&widest, &[]));
    res.unwrap();
    // The name and its 19 superiors (each a prefix): at most levels x length.
    assert!(
        bytes < MAX_NAME_LEVELS * widest.len() * 2,
        "{bytes} bytes allocated to create a {}-byte name",
        widest.len()
    );
    assert_eq!(account.mailboxes().len(), before.len() + MAX_NAME_LEVELS);
}

/// LIST with a long pattern of wildcards over many names at both limits allocates in
/// proportion to the names and the pattern, not their product (the matcher it replaces
/// allocated pattern length x name length bytes per name: 16 MB each here).
#[test]
fn list_costs_the_names_listed() {
    let _alone = alone();
    let store = Store::new();
    let account = store.add_user("u", "p").unwrap();
    for i in 0..50 {
        // A different first level each: 50 names at both limits, with 19 superiors each.
        let name = format!(
            "{i:a>width$}{}",
            &widest_name('a')[MAX_NAME_LEVEL..],
            width = MAX_NAME_LEVEL
        );
        account.create(&name, &[]).unwrap();
    }
    // Every name (superiors included) as LIST sees them.
    let names_len: usize = account.mailboxes().iter().map(String::len).sum();
    // `%a` 2,000 times then `b`: matches nothing, and makes a naive matcher work hard.
    let pattern = format!("{}b", "%a".repeat(2_000));
    let (entries, bytes) = allocated(|| account.list("", &[&pattern], &ListRequest::default()));
    assert!(entries.is_empty());
    let budget = 16 * (names_len + pattern.len()) + 64 * 1024;
    assert!(bytes < budget, "{bytes} bytes allocated, budget {budget}");
    // `*` lists every name and superior; still linear.
    let (entries, bytes) = allocated(|| account.list("", &["*"], &ListRequest::default()));
    assert!(entries.len() > 50);
    assert!(
        bytes < budget * 4,
        "{bytes} bytes allocated listing everything"
    );
}

/// CATENATE (RFC 4469): a short command naming a 1 MiB message 4,000 times (4 GB) gets
/// `NO [TOOBIG]` at the cost of its own bytes (about 9 bytes allocated per byte of command,
/// mostly its parse): the parts are added up before any is copied, and a part is a reference to
/// the stored message, never a copy.
#[test]
fn catenate_past_the_limit_costs_the_command_not_the_sum() {
    use mock_server::listener::MockServer;
    use std::time::Instant;
    let _alone = alone();
    let big = format!("Subject: big\r\n\r\n{}\r\n", "x".repeat(1 << 20));
    let store = Store::builder()
        .user("alice", "pw")
        .mailbox("INBOX")
        .message(big.into_bytes(), &[], None)
        .build()
        .unwrap();
    let server = MockServer::builder().store(store).build().unwrap();
    let now = Instant::now();
    let mut session = server.session(now);
    let mut out = Vec::new();
    session.handle_input(now, b"l LOGIN alice pw\r\n");
    session.poll_transmit(&mut out);
    let mut cmd = b"a APPEND INBOX CATENATE (".to_vec();
    for _ in 0..4000 {
        cmd.extend_from_slice(b"URL /INBOX/;UID=1 ");
    }
    cmd.extend_from_slice(b"TEXT {1+}\r\nx)\r\n");
    out.clear();
    let ((), bytes) = allocated(|| {
        session.handle_input(now, &cmd);
        session.poll_transmit(&mut out);
    });
    let reply = String::from_utf8_lossy(&out);
    assert!(reply.starts_with("a NO [TOOBIG]"), "{reply}");
    assert!(
        bytes < 16 * cmd.len(),
        "{bytes} bytes allocated for a {}-byte command",
        cmd.len()
    );
}

mod before_login {
    use mock_server::listener::{ConnectionLimits, MockServer, RunningServer};
    use mock_server::store::Store;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    fn server(limits: ConnectionLimits) -> RunningServer {
        let store = Store::builder().user("alice", "pw").build().unwrap();
        MockServer::builder()
            .store(store)
            .allow_plaintext_login()
            .connection_limits(limits)
            .start()
            .unwrap()
    }

    /// A connection that has read its first line.
    fn connect(server: &RunningServer) -> (BufReader<TcpStream>, String) {
        let s = TcpStream::connect(server.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut r = BufReader::new(s);
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        (r, line)
    }

    fn send(r: &mut BufReader<TcpStream>, line: &str) -> String {
        r.get_mut().write_all(line.as_bytes()).unwrap();
        let tag = line.split(' ').next().unwrap();
        let mut got = String::new();
        while !got.lines().any(|l| l.starts_with(tag)) {
            let mut l = String::new();
            if r.read_line(&mut l).unwrap() == 0 {
                break;
            }
            got.push_str(&l);
        }
        got
    }

    fn closed(r: &mut BufReader<TcpStream>) -> String {
        let mut rest = String::new();
        r.read_to_string(&mut rest).unwrap();
        rest
    }

    /// Three connections allowed from one address: a fourth drops the oldest that has not
    /// logged in; once all have logged in, a fifth is refused.
    #[test]
    fn a_full_address_drops_its_oldest_pre_login_connection() {
        let server = server(ConnectionLimits::new(100, 3));
        let (mut c1, _) = connect(&server);
        let (mut c2, _) = connect(&server);
        let (mut c3, _) = connect(&server);
        assert!(send(&mut c2, "a LOGIN alice pw\r\n").contains("a OK"));
        let (mut c4, greeting) = connect(&server);
        assert!(greeting.starts_with("* OK"), "{greeting}");
        assert_eq!(closed(&mut c1), "");
        assert!(send(&mut c3, "a LOGIN alice pw\r\n").contains("a OK"));
        assert!(send(&mut c4, "a LOGIN alice pw\r\n").contains("a OK"));
        let (mut c5, bye) = connect(&server);
        assert!(bye.starts_with("* BYE [UNAVAILABLE]"), "{bye}");
        assert_eq!(closed(&mut c5), "");
        // The logged-in ones are untouched.
        assert!(send(&mut c2, "b NOOP\r\n").contains("b OK"));
    }

    /// No `+` to a 64 MiB literal before login: refused at once.
    #[test]
    fn no_continuation_for_a_big_literal_before_login() {
        let server = server(ConnectionLimits::default());
        let (mut c, _) = connect(&server);
        let reply = send(&mut c, "a LOGIN alice {67108864}\r\n");
        assert!(!reply.contains("+ "), "{reply}");
        assert!(
            reply.starts_with("a NO [TOOBIG]") || reply.starts_with("a BAD"),
            "{reply}"
        );
        c.get_mut().write_all(b"b LOGIN alice {2}\r\n").unwrap();
        let mut plus = String::new();
        c.read_line(&mut plus).unwrap();
        assert!(plus.starts_with("+ "), "{plus}");
    }

    /// A client dribbling a byte every 20 ms is still logged out at the login deadline.
    #[test]
    fn dribbling_is_logged_out_at_the_login_deadline() {
        let store = Store::builder().user("alice", "pw").build().unwrap();
        let server = MockServer::builder()
            .store(store)
            .login_limits(
                imap_core::server::ServerConfig::default().login_limits,
                Some(Duration::from_millis(300)),
            )
            .start()
            .unwrap();
        let (mut c, _) = connect(&server);
        let mut sent = 0;
        let bye = loop {
            if c.get_mut().write_all(b"x").is_err() {
                break closed(&mut c);
            }
            sent += 1;
            c.get_mut()
                .set_read_timeout(Some(Duration::from_millis(20)))
                .unwrap();
            let mut l = String::new();
            if let Ok(n) = c.read_line(&mut l)
                && (n == 0 || l.starts_with("* BYE"))
            {
                break l;
            }
            assert!(sent < 5_000, "still connected after {sent} bytes");
        };
        assert!(bye.is_empty() || bye.contains("logging in"), "{bye}");
    }
}
