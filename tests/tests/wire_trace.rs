//! imap-core's trace as a user sees it with `-v`: the connection and command spans, the client's
//! events and the wire trace, captured through tracing-subscriber's fmt layer over a real
//! session with the mock server (imap-blocking over implicit TLS with COMPRESS=DEFLATE, then
//! AUTHENTICATE PLAIN over plain TCP). The wire trace shows plain IMAP inside TLS and DEFLATE,
//! credentials redacted and literals by size.

use imap_blocking::prelude::*;
use imap_blocking::types::{Date, DateTime, Flag, UidSet};
use imap_blocking::{Connector, Credentials, FetchQuery, Mechanism, Security, TlsOptions};
use imap_tests::fixture::{self, PASSWORD, Transport, USER};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the examples' `-v` shows.
const FILTER: &str = "imap_core=debug,imap_core::wire=trace";

/// A writer into a shared buffer, for the fmt subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `f` with the fmt subscriber of the examples on this thread (no times, no colours) and
/// returns what it printed.
fn trace_of(f: impl FnOnce()) -> String {
    let out = Captured::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(FILTER))
        .with_writer(move || writer.clone())
        .without_time()
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    let bytes = out.0.lock().expect("not poisoned").clone();
    String::from_utf8(bytes).expect("the trace is UTF-8")
}

/// The trace without what changes from run to run: connection numbers (counted per process),
/// elapsed times and the store's UIDVALIDITY (made from the clock).
fn stable(trace: &str) -> String {
    let mut out = String::new();
    for line in trace.lines() {
        let mut words = Vec::new();
        let mut validity_next = false;
        for word in line.split(' ') {
            if word.starts_with("elapsed=") {
                continue;
            }
            let word = if validity_next {
                format!(
                    "<v>{}",
                    word.trim_start_matches(|c: char| c.is_ascii_digit())
                )
            } else if let Some(rest) = word.strip_prefix("imap{conn=") {
                format!(
                    "imap{{conn=N{}",
                    rest.trim_start_matches(|c: char| c.is_ascii_digit())
                )
            } else {
                word.to_owned()
            };
            validity_next = matches!(word.as_str(), "[UIDVALIDITY" | "[APPENDUID" | "validity:");
            words.push(word);
        }
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    out
}

#[test]
fn wire_trace_of_a_compressed_tls_session_and_a_sasl_login() {
    let server = fixture::server();
    let (tls_addr, pem) = fixture::endpoint(&server, Transport::Tls);
    let (plain_addr, _) = fixture::endpoint(&server, Transport::Plain);
    let uid1 = fixture::uids(&server, "INBOX")[0];
    let date = DateTime::new(Date::new(2024, 3, 1).expect("a date"), 9, 0, 0, 60).expect("a time");
    let trace = trace_of(|| {
        // LOGIN over TLS, then COMPRESS=DEFLATE: a FETCH of a body and an APPEND inside both.
        let mut s = Connector::new("127.0.0.1")
            .port(tls_addr.port())
            .security(Security::Tls)
            .tls(TlsOptions::new().ca_pem(pem.into_bytes()))
            .command_timeout(Duration::from_secs(10))
            .password(USER, PASSWORD)
            .login()
            .expect("login over TLS");
        assert!(s.compress().expect("COMPRESS"));
        s.select("INBOX").expect("SELECT");
        let set = UidSet::single(uid1);
        let fetched = s.fetch(&set, &FetchQuery::new().body()).expect("FETCH");
        assert_eq!(fetched.len(), 1);
        s.append(
            "INBOX",
            b"Subject: hi\r\n\r\nhello\r\n",
            &[Flag::Seen],
            Some(date),
        )
        .expect("APPEND");
        s.logout().expect("LOGOUT");
        // AUTHENTICATE PLAIN (with SASL-IR) over plain TCP.
        let s = Connector::new("127.0.0.1")
            .port(plain_addr.port())
            .security(Security::Plain)
            .allow_plaintext_login()
            .command_timeout(Duration::from_secs(10))
            .sasl(
                Some(Mechanism::Plain),
                Credentials::password(USER, PASSWORD.to_owned()),
            )
            .login()
            .expect("AUTHENTICATE PLAIN");
        s.logout().expect("LOGOUT");
    });
    // The credentials never show, in any form.
    let plain_ir = "AGFsaWNlAHNlY3JldCBwdw=="; // base64("\0alice\0secret pw")
    for secret in [PASSWORD, plain_ir, "alice"] {
        assert!(!trace.contains(secret), "{secret:?} in the trace:\n{trace}");
    }
    // Nor the message bodies: literals are shown by size.
    assert!(!trace.contains("hello"), "{trace}");
    insta::assert_snapshot!(stable(&trace));
}
