//! Authentication that extends (issue 14 point 7): OAuth 2.0 logins whose token comes from a
//! provider, asked again once when the server refuses it as expired; custom SASL mechanisms
//! answering the server's challenges.

use crate::harness::Harness;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use imap_core::client::{ConnState, UsageError};
use imap_core::ops::{Commands, OpError};
use imap_core::sasl::{SaslError, SaslMechanism, SaslStep, TokenError, TokenSource};
use imap_core::secret::Secret;
use std::sync::{Arc, Mutex};

const GMAIL_401: &str = r#"{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}"#;
const RFC7628_INVALID: &str = r#"{"status":"invalid_token","scope":"mail"}"#;

fn b64(s: impl AsRef<[u8]>) -> String {
    STANDARD.encode(s)
}

fn xoauth2(user: &str, token: &str) -> String {
    b64(format!("user={user}\x01auth=Bearer {token}\x01\x01"))
}

/// The calls a provider had: user and `expired`.
type Calls = Arc<Mutex<Vec<(String, bool)>>>;

/// A provider that hands out `tokens` in turn and records each call.
fn provider(tokens: &[&str]) -> (TokenSource, Calls) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let log = calls.clone();
    let mut tokens: Vec<String> = tokens.iter().rev().map(|t| t.to_string()).collect();
    let source = TokenSource::from_fn(move |user, expired| {
        log.lock().unwrap().push((user.to_owned(), expired));
        tokens
            .pop()
            .map(Secret::new)
            .ok_or_else(|| TokenError::new("the refresh token was revoked"))
    });
    (source, calls)
}

fn calls(log: &Calls) -> Vec<(String, bool)> {
    log.lock().unwrap().clone()
}

#[test]
fn an_expired_xoauth2_token_is_refreshed_and_the_login_tried_again() {
    let mut h = Harness::new("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] hi\r\n");
    h.expect(
        &format!(
            "AUTHENTICATE XOAUTH2 {}",
            xoauth2("ann@example.org", "stale")
        ),
        &format!("+ {}\r\n", b64(GMAIL_401)),
    )
    // XOAUTH2's answer to the error challenge is an empty line.
    .expect(
        "",
        "{tag} NO [AUTHENTICATIONFAILED] invalid credentials\r\n",
    )
    .expect(
        &format!(
            "AUTHENTICATE XOAUTH2 {}",
            xoauth2("ann@example.org", "fresh")
        ),
        "{tag} OK [CAPABILITY IMAP4rev1 IDLE] welcome\r\n",
    );
    let (tokens, log) = provider(&["stale", "fresh"]);
    h.login_oauth2("ann@example.org", &tokens).unwrap();
    assert_eq!(h.engine.client().state(), ConnState::Authenticated);
    assert!(h.script_done());
    assert_eq!(
        calls(&log),
        [
            ("ann@example.org".to_owned(), false),
            ("ann@example.org".to_owned(), true)
        ]
    );
    assert_eq!(h.peer.lines[1], "", "{:?}", h.peer.lines);
}

#[test]
fn oauthbearer_is_preferred_and_a_second_refusal_is_final() {
    // CAPABILITY first (the greeting has none); OAUTHBEARER wins over XOAUTH2. Its answer to
    // the error challenge is 0x01 (RFC 7628 section 3.2.3).
    let mut h = Harness::new("* OK hi\r\n");
    let refused = format!("+ {}\r\n", b64(RFC7628_INVALID));
    h.expect(
        "CAPABILITY",
        "* CAPABILITY IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER\r\n{tag} OK done\r\n",
    )
    .expect("AUTHENTICATE OAUTHBEARER", "+ \r\n")
    .expect(&b64("n,a=ann,\x01auth=Bearer one\x01\x01"), &refused)
    .expect("AQ==", "{tag} NO [AUTHENTICATIONFAILED] no\r\n")
    .expect("AUTHENTICATE OAUTHBEARER", "+ \r\n")
    .expect(&b64("n,a=ann,\x01auth=Bearer two\x01\x01"), &refused)
    .expect("AQ==", "{tag} NO [AUTHENTICATIONFAILED] no\r\n");
    let (tokens, log) = provider(&["one", "two", "three"]);
    let e = h.login_oauth2("ann", &tokens).unwrap_err();
    let OpError::Command(failed) = &e else {
        panic!("{e:?}")
    };
    let Some(SaslError::OAuth(oauth)) = failed.sasl.as_deref() else {
        panic!("{failed:?}")
    };
    assert_eq!(oauth.status.as_deref(), Some("invalid_token"));
    assert_eq!(
        e.to_string(),
        "the server refused the command: NO [AUTHENTICATIONFAILED] no (the server refused the \
         OAuth token: status \"invalid_token\", scope \"mail\")"
    );
    assert_eq!(calls(&log).len(), 2);
    assert!(h.script_done());
}

#[test]
fn a_refusal_that_is_not_about_expiry_is_not_retried() {
    let mut h = Harness::new("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] hi\r\n");
    h.expect(
        "AUTHENTICATE XOAUTH2 ",
        &format!("+ {}\r\n", b64(r#"{"status":"400","schemes":"bearer"}"#)),
    )
    .expect("", "{tag} NO [AUTHENTICATIONFAILED] bad request\r\n");
    let (tokens, log) = provider(&["one", "two"]);
    let e = h.login_oauth2("ann", &tokens).unwrap_err();
    assert!(e.is_no(), "{e:?}");
    assert_eq!(calls(&log), [("ann".to_owned(), false)]);
}

#[test]
fn a_provider_without_a_token_fails_the_login_and_sends_nothing_more() {
    let mut h = Harness::new("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] hi\r\n");
    h.expect(
        "AUTHENTICATE XOAUTH2 ",
        &format!("+ {}\r\n", b64(GMAIL_401)),
    )
    .expect("", "{tag} NO [AUTHENTICATIONFAILED] no\r\n");
    let (tokens, _) = provider(&["only"]);
    let e = h.login_oauth2("ann", &tokens).unwrap_err();
    assert_eq!(
        e,
        OpError::Token(TokenError::new("the refresh token was revoked"))
    );
    assert_eq!(h.peer.lines.len(), 2, "{:?}", h.peer.lines);
    assert_eq!(h.engine.client().state(), ConnState::NotAuthenticated);
}

/// EXTERNAL (RFC 4422 appendix A): an empty message, sent as `=` with SASL-IR.
struct External {
    sent: bool,
}

impl SaslMechanism for External {
    fn name(&self) -> &str {
        "EXTERNAL"
    }
    fn initial_response(&mut self) -> Option<Secret<Vec<u8>>> {
        self.sent = true;
        Some(Secret::new(Vec::new()))
    }
    fn step(&mut self, _challenge: &[u8]) -> Result<SaslStep, SaslError> {
        if std::mem::replace(&mut self.sent, true) {
            return Err(SaslError::custom(
                "EXTERNAL",
                "a challenge after the message",
            ));
        }
        Ok(SaslStep::Respond(Secret::new(Vec::new())))
    }
}

#[test]
fn a_custom_external_rides_on_sasl_ir() {
    let mut h = Harness::new("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=EXTERNAL] hi\r\n");
    h.expect("AUTHENTICATE EXTERNAL =", "{tag} OK welcome\r\n");
    h.authenticate_with(External { sent: false }).unwrap();
    assert_eq!(h.engine.client().state(), ConnState::Authenticated);
}

/// A GSSAPI-like mechanism: the server speaks first, several rounds, then the server's final
/// data, which the mechanism checks.
struct Rounds {
    seen: Vec<Vec<u8>>,
}

impl SaslMechanism for Rounds {
    fn name(&self) -> &str {
        "X-ROUNDS"
    }
    fn step(&mut self, challenge: &[u8]) -> Result<SaslStep, SaslError> {
        self.seen.push(challenge.to_vec());
        match challenge {
            b"hello" => Ok(SaslStep::Respond(Secret::new(b"token-1".to_vec()))),
            b"more" => Ok(SaslStep::Respond(Secret::new(b"token-2".to_vec()))),
            b"verified" => Ok(SaslStep::Done),
            _ => Err(SaslError::custom("X-ROUNDS", "an unknown challenge")),
        }
    }
}

#[test]
fn a_custom_mechanism_answers_every_challenge() {
    let mut h = Harness::new("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=X-ROUNDS] hi\r\n");
    h.expect("AUTHENTICATE X-ROUNDS", &format!("+ {}\r\n", b64("hello")))
        .expect(&b64("token-1"), &format!("+ {}\r\n", b64("more")))
        .expect(&b64("token-2"), &format!("+ {}\r\n", b64("verified")))
        .expect("", "{tag} OK welcome\r\n");
    h.authenticate_with(Rounds { seen: Vec::new() }).unwrap();
    assert!(h.script_done());
    assert_eq!(h.peer.lines[0], "A0001 AUTHENTICATE X-ROUNDS");
}

#[test]
fn a_custom_mechanism_that_fails_cancels_the_exchange() {
    let mut h = Harness::new("* OK [CAPABILITY IMAP4rev1 AUTH=X-ROUNDS] hi\r\n");
    h.expect("AUTHENTICATE X-ROUNDS", &format!("+ {}\r\n", b64("what?")))
        .expect("*", "{tag} BAD cancelled\r\n");
    let e = h
        .authenticate_with(Rounds { seen: Vec::new() })
        .unwrap_err();
    assert!(
        matches!(&e, OpError::Command(c) if !e.is_no() && c.sasl.is_none()),
        "{e:?}"
    );
    assert!(h.script_done());
}

#[test]
fn a_mechanism_name_that_is_not_an_atom_is_refused_before_sending() {
    struct Bad;
    impl SaslMechanism for Bad {
        fn name(&self) -> &str {
            "TWO WORDS"
        }
        fn step(&mut self, _: &[u8]) -> Result<SaslStep, SaslError> {
            Ok(SaslStep::Done)
        }
    }
    let mut h = Harness::new("* OK [CAPABILITY IMAP4rev1] hi\r\n");
    let e = h.authenticate_with(Bad).unwrap_err();
    assert!(matches!(e, OpError::Usage(UsageError::Invalid(_))), "{e:?}");
    assert!(h.peer.lines.is_empty());
}
