//! One user's slow commands do not hold up another user's connection (issue 12, item 7):
//! SEARCH, SORT, THREAD, FETCH and the other commands that touch messages run with their
//! runtime worker handed over (`tokio::task::block_in_place`), so three concurrent searches
//! over a large mailbox on a two-worker server still let a new connection get its greeting at
//! once. Before, the greeting waited for a search to finish.

use mock_server::listener::MockServer;
use mock_server::store::Store;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn read_until(s: &mut TcpStream, end: &str) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains(end) {
        let n = s.read(&mut buf).unwrap();
        assert_ne!(n, 0, "closed: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8(got).unwrap()
}

#[test]
fn slow_searches_do_not_delay_another_users_greeting() {
    let text = "Lorem Ipsum Dolor Sit Amet ".repeat(40_000);
    let mut b = Store::builder().user("heavy", "pw");
    for i in 0..40 {
        b = b.message(
            format!("Subject: m{i}\r\n\r\n{text}\r\n").into_bytes(),
            &[],
            None,
        );
    }
    let server = MockServer::builder()
        .store(b.build().unwrap().clone())
        .allow_plaintext_login()
        .start()
        .unwrap();
    let _light = server.store().add_user("light", "pw").unwrap();
    let mut heavy: Vec<TcpStream> = (0..3)
        .map(|_| {
            let mut s = TcpStream::connect(server.addr()).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
            read_until(&mut s, "\r\n");
            s.write_all(b"l LOGIN heavy pw\r\ns SELECT INBOX\r\n")
                .unwrap();
            read_until(&mut s, "s OK");
            s
        })
        .collect();
    let started = Instant::now();
    for s in &mut heavy {
        s.write_all(b"q SEARCH TEXT \"not in any message\"\r\n")
            .unwrap();
    }
    std::thread::sleep(Duration::from_millis(100));
    let mut light = TcpStream::connect(server.addr()).unwrap();
    light
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let greeting = read_until(&mut light, "\r\n");
    let greeted = started.elapsed();
    assert!(greeting.starts_with("* OK"), "{greeting}");
    light.write_all(b"a LOGIN light pw\r\nb NOOP\r\n").unwrap();
    read_until(&mut light, "b OK");
    let light_done = started.elapsed();
    // No search had answered yet: the light user did not wait for one.
    for s in &mut heavy {
        s.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 256];
        let answered = matches!(s.read(&mut buf), Ok(n) if n > 0);
        assert!(
            !answered,
            "a search finished before the greeting ({greeted:?})"
        );
        s.set_nonblocking(false).unwrap();
    }
    for s in &mut heavy {
        read_until(s, "q OK");
    }
    let searched = started.elapsed();
    println!(
        "greeting after {greeted:?}, LOGIN+NOOP after {light_done:?}, searches after {searched:?}"
    );
}
