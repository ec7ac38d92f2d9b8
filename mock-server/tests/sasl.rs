//! AUTHENTICATE SCRAM-SHA-256 and CRAM-MD5 from raw bytes: what a malformed or refused client
//! message gets (BAD or NO with a reason), cancelling with `*`, and that the session goes on
//! (a LOGIN works afterwards). The happy paths with the real client are in the tests crate.

mod common;

use base64::Engine as _;
use common::{Raw, kind, tagged};
use imap_core::types::{Code, Response, SimpleCode, StatusKind};
use mock_server::listener::{MemoryConnection, MockServer};
use mock_server::store::Store;

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn connect() -> Raw<MemoryConnection> {
    let store = Store::builder()
        .user("alice", "pw")
        .mailbox("INBOX")
        .build()
        .unwrap();
    let server = MockServer::builder().store(store).build().unwrap();
    let mut c = Raw::new(server.connect_in_memory());
    c.recv();
    c
}

/// The decoded challenge of the next response, which must be a continuation request.
fn challenge(c: &mut Raw<MemoryConnection>) -> Vec<u8> {
    match c.recv() {
        Some(Response::Continue(k)) => k.decode_base64().unwrap_or_default(),
        other => panic!("expected a continuation request, got {other:?}"),
    }
}

/// The tagged result of `a1` after sending `line`.
fn answer(c: &mut Raw<MemoryConnection>, line: &[u8]) -> (StatusKind, Option<Code>, String) {
    c.send(line);
    c.send(b"\r\n");
    let r = c.until("a1");
    let t = tagged(&r);
    (
        t.kind,
        t.code.clone(),
        t.text.to_string_lossy().into_owned(),
    )
}

/// After a failed exchange the session still logs in.
fn still_usable(c: &mut Raw<MemoryConnection>) {
    assert_eq!(kind(&c.run("z1", "LOGIN alice pw")), StatusKind::Ok);
}

fn auth_failed() -> Option<Code> {
    Some(Code::Simple(SimpleCode::AuthenticationFailed))
}

#[test]
fn scram_malformed_client_first_is_bad_with_a_reason() {
    for (first, reason) in [
        (&b"x,,n=alice,r=abc"[..], "channel binding flag"),
        (b"n,,r=abc", "no username"),
        (b"n,,n=al=ice,r=abc", "invalid username encoding"),
        (b"", "no GS2 header"),
    ] {
        let mut c = connect();
        c.send(b"a1 AUTHENTICATE SCRAM-SHA-256\r\n");
        assert_eq!(challenge(&mut c), b"");
        let (k, _, text) = answer(&mut c, b64(first).as_bytes());
        assert_eq!(k, StatusKind::Bad, "{text}");
        assert!(text.contains(reason), "{text}");
        still_usable(&mut c);
    }
}

#[test]
fn scram_refusals_are_no() {
    // Channel binding required: not supported here.
    let mut c = connect();
    let first = b64(b"p=tls-unique,,n=alice,r=abc");
    c.send(format!("a1 AUTHENTICATE SCRAM-SHA-256 {first}\r\n").as_bytes());
    let r = c.until("a1");
    assert_eq!(tagged(&r).kind, StatusKind::No);
    assert_eq!(tagged(&r).code, auth_failed());
    assert!(
        tagged(&r)
            .text
            .to_string_lossy()
            .contains("channel binding is not supported")
    );
    still_usable(&mut c);

    // Mandatory extension.
    let mut c = connect();
    let first = b64(b"n,,m=ext,n=alice,r=abc");
    c.send(format!("a1 AUTHENTICATE SCRAM-SHA-256 {first}\r\n").as_bytes());
    assert_eq!(tagged(&c.until("a1")).kind, StatusKind::No);
    still_usable(&mut c);
}

/// A client-final message whose proof is wrong, and one that breaks the syntax.
#[test]
fn scram_client_final() {
    for (malformed, want) in [(false, StatusKind::No), (true, StatusKind::Bad)] {
        let mut c = connect();
        let first = b64(b"n,,n=alice,r=clientnonce");
        c.send(format!("a1 AUTHENTICATE SCRAM-SHA-256 {first}\r\n").as_bytes());
        let server_first = String::from_utf8(challenge(&mut c)).unwrap();
        let nonce = server_first.split(',').next().unwrap();
        assert!(nonce.starts_with("r=clientnonce") && nonce.len() > "r=clientnonce".len());
        let last = if malformed {
            // Well-formed attributes, but the proof is not base64.
            format!("c=biws,{nonce},p=!!")
        } else {
            format!("c=biws,{nonce},p={}", b64(&[7; 32]))
        };
        let (k, code, text) = answer(&mut c, b64(last.as_bytes()).as_bytes());
        assert_eq!(k, want, "{text}");
        if want == StatusKind::No {
            assert_eq!(code, auth_failed());
        } else {
            assert!(text.contains("proof is not base64"), "{text}");
        }
        still_usable(&mut c);
    }
}

#[test]
fn scram_cancelled_with_star() {
    let mut c = connect();
    let first = b64(b"n,,n=alice,r=clientnonce");
    c.send(format!("a1 AUTHENTICATE SCRAM-SHA-256 {first}\r\n").as_bytes());
    challenge(&mut c);
    let (k, _, text) = answer(&mut c, b"*");
    assert_eq!(k, StatusKind::Bad);
    assert!(text.contains("cancelled"), "{text}");
    still_usable(&mut c);
}

#[test]
fn cram_md5_failures() {
    // Cancelled.
    let mut c = connect();
    c.send(b"a1 AUTHENTICATE CRAM-MD5\r\n");
    let ch = challenge(&mut c);
    assert!(ch.starts_with(b"<") && ch.ends_with(b">"), "{ch:?}");
    assert_eq!(answer(&mut c, b"*").0, StatusKind::Bad);
    still_usable(&mut c);

    // Malformed response.
    let mut c = connect();
    c.send(b"a1 AUTHENTICATE CRAM-MD5\r\n");
    challenge(&mut c);
    let (k, _, text) = answer(&mut c, b64(b"alice not-a-digest").as_bytes());
    assert_eq!(k, StatusKind::Bad);
    assert!(text.contains("digest"), "{text}");
    still_usable(&mut c);

    // Wrong digest.
    let mut c = connect();
    c.send(b"a1 AUTHENTICATE CRAM-MD5\r\n");
    challenge(&mut c);
    let wrong = b64(b"alice 0123456789abcdef0123456789abcdef");
    let (k, code, _) = answer(&mut c, wrong.as_bytes());
    assert_eq!((k, code), (StatusKind::No, auth_failed()));
    still_usable(&mut c);

    // No initial response in CRAM-MD5 (the server speaks first).
    let mut c = connect();
    c.send(b"a1 AUTHENTICATE CRAM-MD5 YWxpY2U=\r\n");
    assert_eq!(tagged(&c.until("a1")).kind, StatusKind::Bad);
    still_usable(&mut c);
}

#[test]
fn capabilities_list_the_mechanisms() {
    let mut c = connect();
    let r = c.run("c1", "CAPABILITY");
    let text = c.received.join("");
    assert_eq!(kind(&r), StatusKind::Ok);
    for m in [
        "AUTH=SCRAM-SHA-256",
        "AUTH=CRAM-MD5",
        "AUTH=PLAIN",
        "AUTH=LOGIN",
    ] {
        assert!(text.contains(m), "{m}: {text}");
    }
}

/// XOAUTH2 / OAUTHBEARER from raw bytes: a malformed message is BAD with the reason; a wrong
/// token gets the JSON error challenge, then NO after the client's answer; without a user,
/// OAUTHBEARER finds the token's owner.
#[test]
fn bearer_token_exchanges() {
    let store = Store::builder()
        .user("alice", "pw")
        .mailbox("INBOX")
        .build()
        .unwrap();
    store.add_oauth_token("alice", "tok").unwrap();
    let server = MockServer::builder()
        .store(store.clone())
        .oauth(true)
        .build()
        .unwrap();
    let connect = || {
        let mut c = Raw::new(server.connect_in_memory());
        c.recv();
        c
    };

    let mut c = connect();
    c.send(b"a1 AUTHENTICATE XOAUTH2\r\n");
    assert_eq!(challenge(&mut c), b"");
    let (k, _, text) = answer(
        &mut c,
        b64(b"user=alice\x01auth=Basic tok\x01\x01").as_bytes(),
    );
    assert_eq!(k, StatusKind::Bad, "{text}");
    assert!(
        text.contains("XOAUTH2: auth is not `Bearer <token>`"),
        "{text}"
    );
    still_usable(&mut c);

    let mut c = connect();
    let msg = b64(b"user=alice\x01auth=Bearer nope\x01\x01");
    c.send(format!("a1 AUTHENTICATE XOAUTH2 {msg}\r\n").as_bytes());
    let error = String::from_utf8(challenge(&mut c)).unwrap();
    assert!(error.contains(r#""status":"401""#), "{error}");
    let (k, code, _) = answer(&mut c, b"");
    assert_eq!((k, code), (StatusKind::No, auth_failed()));
    still_usable(&mut c);

    let mut c = connect();
    let msg = b64(b"n,,\x01auth=Bearer wrong\x01\x01");
    c.send(format!("a1 AUTHENTICATE OAUTHBEARER {msg}\r\n").as_bytes());
    let error = String::from_utf8(challenge(&mut c)).unwrap();
    assert!(error.contains("invalid_token"), "{error}");
    let (k, code, _) = answer(&mut c, b"AQ==");
    assert_eq!((k, code), (StatusKind::No, auth_failed()));

    // The failed exchange must end with the mechanism's dummy response (RFC 7628 section
    // 3.2.3: 0x01 for OAUTHBEARER; an empty line for XOAUTH2).
    let mut c = connect();
    c.send(format!("a1 AUTHENTICATE OAUTHBEARER {msg}\r\n").as_bytes());
    challenge(&mut c);
    let (k, _, text) = answer(&mut c, b"");
    assert_eq!(k, StatusKind::Bad, "{text}");
    assert!(text.contains("expected 0x01"), "{text}");
    let mut c = connect();
    let msg = b64(b"user=alice\x01auth=Bearer nope\x01\x01");
    c.send(format!("a1 AUTHENTICATE XOAUTH2 {msg}\r\n").as_bytes());
    challenge(&mut c);
    let (k, _, text) = answer(&mut c, b"AQ==");
    assert_eq!(k, StatusKind::Bad, "{text}");

    // An expired token is refused like an unknown one.
    assert!(store.expire_oauth_token("alice", "tok").unwrap());
    assert!(!store.expire_oauth_token("alice", "tok").unwrap());
    let mut c = connect();
    let msg = b64(b"n,,\x01auth=Bearer tok\x01\x01");
    c.send(format!("a1 AUTHENTICATE OAUTHBEARER {msg}\r\n").as_bytes());
    let error = String::from_utf8(challenge(&mut c)).unwrap();
    assert!(error.contains("invalid_token"), "{error}");
    store.add_oauth_token("alice", "tok").unwrap();

    let mut c = connect();
    let msg = b64(b"n,,\x01host=x\x01auth=Bearer tok\x01\x01");
    c.send(format!("a1 AUTHENTICATE OAUTHBEARER {msg}\r\n").as_bytes());
    let r = c.until("a1");
    assert_eq!(tagged(&r).kind, StatusKind::Ok);
}

/// The salt and iteration count a SCRAM server-first message gives for `user`.
fn scram_salt(user: &str) -> (Vec<u8>, String) {
    let mut c = connect();
    c.send(b"a1 AUTHENTICATE SCRAM-SHA-256\r\n");
    challenge(&mut c);
    c.send(b64(format!("n,,n={user},r=clientnonce").as_bytes()).as_bytes());
    c.send(b"\r\n");
    let first = String::from_utf8(challenge(&mut c)).unwrap();
    let field = |k: &str| {
        first
            .split(',')
            .find_map(|f| f.strip_prefix(k))
            .unwrap()
            .to_owned()
    };
    let salt = base64::engine::general_purpose::STANDARD
        .decode(field("s="))
        .unwrap();
    (salt, field("i="))
}

/// An unknown user's SCRAM answer looks like a known one's: a 16-byte salt of its own (the
/// same on every attempt, different from another unknown user's) and the same iteration count.
/// A fixed salt for every unknown user gave them away.
#[test]
fn scram_unknown_users_are_indistinguishable() {
    let (alice, alice_i) = scram_salt("alice");
    let (mallory, mallory_i) = scram_salt("mallory");
    let (mallory_again, _) = scram_salt("mallory");
    let (eve, eve_i) = scram_salt("eve");
    assert_eq!(alice.len(), 16);
    assert_eq!(mallory.len(), alice.len());
    assert_eq!(mallory_i, alice_i);
    assert_eq!(eve_i, alice_i);
    assert_eq!(mallory, mallory_again);
    assert_ne!(mallory, eve);
}

/// The third failed attempt on a connection is answered, then the connection is closed.
#[test]
fn three_failures_close_the_connection() {
    let mut c = connect();
    for tag in ["a1", "a2"] {
        let r = c.run(tag, "LOGIN alice wrong");
        assert_eq!(tagged(&r).code, auth_failed());
    }
    c.send(b"a3 AUTHENTICATE PLAIN\r\n");
    challenge(&mut c);
    c.send(b64(b"\0alice\0wrong").as_bytes());
    c.send(b"\r\n");
    let r = c.until("a3");
    assert_eq!(tagged(&r).code, auth_failed());
    assert!(
        matches!(c.recv(), Some(Response::Status(s)) if s.kind == StatusKind::Bye),
        "no BYE after the third failure"
    );
    assert_eq!(c.recv(), None);
}
