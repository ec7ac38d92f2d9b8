//! The sans-IO client's SASL mechanisms against the mock server's, in memory: every mechanism
//! with a good and a bad password, a cancelled exchange, an unknown user, a plaintext
//! connection (LOGINDISABLED, yet SCRAM-SHA-256 and CRAM-MD5 offered), and the RFC 7677
//! example exchange byte for byte, with both nonces and the salt pinned.

use imap_core::client::{ClientConfig, ClientMachine, ConnState, Outcome};
use imap_core::sasl::{Credentials, Mechanism, SaslSession, ScramCredentials};
use imap_core::types::{Atom, Capability, Code, CommandBody, SimpleCode};
use imap_tests::Pair;
use mock_server::listener::MockServer;
use mock_server::session::MockSession;
use mock_server::session::options::SessionOptions;
use mock_server::store::Store;
use std::sync::Arc;
use std::time::Instant;

const MECHANISMS: [Mechanism; 4] = [
    Mechanism::ScramSha256,
    Mechanism::CramMd5,
    Mechanism::Plain,
    Mechanism::Login,
];

fn server() -> MockServer {
    let store = Store::builder()
        .user("u", "p")
        .mailbox("INBOX")
        .build()
        .expect("store");
    MockServer::builder().store(store).build().expect("server")
}

fn authenticate(p: &mut Pair, session: SaslSession) -> imap_core::client::Completion {
    let id = p
        .client
        .authenticate_session(p.now, session)
        .expect("AUTHENTICATE accepted");
    p.run();
    p.take_completion(id)
        .unwrap_or_else(|| panic!("AUTHENTICATE did not complete: {:?}", p.events))
}

fn session(m: Mechanism, user: &str, password: &str) -> SaslSession {
    SaslSession::new(m, Credentials::password(user, password.to_owned())).expect("session")
}

fn auth(m: Mechanism) -> Capability {
    Capability::Auth(Atom::from_static(m.name()))
}

#[test]
fn every_mechanism_good_and_bad_password() {
    let server = server();
    for m in MECHANISMS {
        let mut p = Pair::connect(&server, Instant::now());
        assert!(p.client.capabilities().has(&auth(m)), "{m} advertised");
        let c = authenticate(&mut p, session(m, "u", "wrong"));
        assert_eq!(c.outcome, Outcome::No, "{m}: {c:?}");
        assert_eq!(
            c.code,
            Some(Code::Simple(SimpleCode::AuthenticationFailed)),
            "{m}"
        );
        assert_eq!(p.client.state(), ConnState::NotAuthenticated);
        // The session goes on: the right password works on the same connection.
        let c = authenticate(&mut p, session(m, "u", "p"));
        assert!(c.is_ok(), "{m}: {c:?}");
        assert_eq!(p.client.state(), ConnState::Authenticated);
        assert!(matches!(c.code, Some(Code::Capability(_))), "{m}: {c:?}");
        let c = p.call(CommandBody::Select {
            mailbox: "INBOX".into(),
            params: Default::default(),
        });
        assert!(c.is_ok(), "{m}: {c:?}");
    }
}

#[test]
fn unknown_user_fails_like_a_wrong_password() {
    let server = server();
    for m in MECHANISMS {
        let mut p = Pair::connect(&server, Instant::now());
        let c = authenticate(&mut p, session(m, "nobody", "p"));
        assert_eq!(c.outcome, Outcome::No, "{m}: {c:?}");
        assert_eq!(
            c.code,
            Some(Code::Simple(SimpleCode::AuthenticationFailed)),
            "{m}"
        );
    }
}

/// The client refuses the server's iteration count and cancels with `*`: a tagged BAD, and the
/// session is still usable.
#[test]
fn cancelled_scram_exchange() {
    let server = server();
    let mut p = Pair::connect(&server, Instant::now());
    let picky = session(Mechanism::ScramSha256, "u", "p").with_max_iterations(1000);
    let c = authenticate(&mut p, picky);
    assert_eq!(c.outcome, Outcome::Bad, "{c:?}");
    assert!(p.client_bytes.ends_with(b"*\r\n"));
    assert_eq!(p.client.state(), ConnState::NotAuthenticated);
    let c = authenticate(&mut p, session(Mechanism::ScramSha256, "u", "p"));
    assert!(c.is_ok(), "{c:?}");
}

/// An authzid other than the user is refused; the user's own name is accepted.
#[test]
fn scram_authzid() {
    let server = server();
    let mut p = Pair::connect(&server, Instant::now());
    let creds = Credentials::password("u", "p".to_owned()).with_authzid("admin");
    let c = authenticate(
        &mut p,
        SaslSession::new(Mechanism::ScramSha256, creds).unwrap(),
    );
    assert_eq!(c.outcome, Outcome::No, "{c:?}");
    let creds = Credentials::password("u", "p".to_owned()).with_authzid("u");
    let c = authenticate(
        &mut p,
        SaslSession::new(Mechanism::ScramSha256, creds).unwrap(),
    );
    assert!(c.is_ok(), "{c:?}");
}

/// A pair whose server session has these options and this security state.
fn pair_with(store: Store, options: SessionOptions, secure: bool, client: ClientConfig) -> Pair {
    let now = Instant::now();
    let mut p = Pair {
        client: ClientMachine::new(client, now),
        server: MockSession::new(Arc::new(store), Arc::new(options), secure, 1, now),
        now,
        events: Vec::new(),
        client_bytes: Vec::new(),
        server_bytes: Vec::new(),
    };
    p.run();
    p
}

/// Without TLS and without `allow_plaintext_login`: LOGINDISABLED, no PLAIN or LOGIN, but the
/// mechanisms that never send the password are offered and work.
#[test]
fn plaintext_connection_offers_scram_and_cram_md5() {
    let store = server().store().clone();
    for m in [Mechanism::ScramSha256, Mechanism::CramMd5] {
        let mut p = pair_with(
            store.clone(),
            SessionOptions::default(),
            false,
            ClientConfig::default(),
        );
        let caps = p.client.capabilities();
        assert!(caps.has(&Capability::LoginDisabled));
        assert!(!caps.has(&auth(Mechanism::Plain)));
        assert!(!caps.has(&auth(Mechanism::Login)));
        assert!(caps.has(&auth(m)), "{m}");
        let c = authenticate(&mut p, session(m, "u", "p"));
        assert!(c.is_ok(), "{m}: {c:?}");
        // After authentication no AUTH= is advertised.
        assert!(!p.client.capabilities().has(&auth(m)));
    }
}

fn base64(data: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// RFC 7677 section 3, over IMAP: user "user", password "pencil", client nonce
/// `rOprNGfwEbeRWgbNEkqO`, server nonce `%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0`, salt
/// `W22ZaJ0SNY7soEsUEjb6gQ==`, 4096 iterations. Every SCRAM message on the wire is the RFC's.
#[test]
fn rfc7677_example_on_the_wire() {
    use base64::Engine as _;
    let store = Store::new();
    store.add_user("user", "pencil").unwrap();
    let salt = base64::engine::general_purpose::STANDARD
        .decode("W22ZaJ0SNY7soEsUEjb6gQ==")
        .unwrap();
    store
        .set_scram_credentials("user", ScramCredentials::new("pencil", &salt, 4096))
        .unwrap();
    let options = SessionOptions {
        sasl_nonce: Some("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0".into()),
        ..SessionOptions::default()
    };
    let mut p = pair_with(store, options, true, ClientConfig::default());
    let client =
        session(Mechanism::ScramSha256, "user", "pencil").with_nonce("rOprNGfwEbeRWgbNEkqO".into());
    p.client_bytes.clear();
    p.server_bytes.clear();
    let c = authenticate(&mut p, client);
    assert!(c.is_ok(), "{c:?}");
    let sent = String::from_utf8(p.client_bytes.clone()).unwrap();
    let received = String::from_utf8(p.server_bytes.clone()).unwrap();
    let client_first = base64("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    let server_first = base64(
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    );
    let client_final = base64(
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
         p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    );
    let server_final = base64("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    // SASL-IR: the client-first message is in the command.
    let tag = c.tag.as_str();
    assert_eq!(
        sent,
        format!("{tag} AUTHENTICATE SCRAM-SHA-256 {client_first}\r\n{client_final}\r\n\r\n")
    );
    assert!(
        received.starts_with(&format!(
            "+ {server_first}\r\n+ {server_final}\r\n{tag} OK "
        )),
        "{received}"
    );
}

/// XOAUTH2 and OAUTHBEARER, offered with the server's `oauth` option: a token the store holds
/// logs in; a wrong token gets the JSON error challenge, which the client answers, then
/// `NO [AUTHENTICATIONFAILED]`, and the connection goes on.
#[test]
fn bearer_tokens_good_and_bad() {
    let store = Store::builder()
        .user("u@example.com", "p")
        .mailbox("INBOX")
        .build()
        .expect("store");
    store
        .add_oauth_token("u@example.com", "ya29.good-token")
        .expect("token");
    let server = MockServer::builder()
        .store(store)
        .oauth(true)
        .build()
        .expect("server");
    for m in [Mechanism::XOAuth2, Mechanism::OAuthBearer] {
        let mut p = Pair::connect(&server, Instant::now());
        assert!(p.client.capabilities().has(&auth(m)), "{m} advertised");
        let bad = Credentials::oauth2("u@example.com", "ya29.wrong".to_owned());
        let c = authenticate(&mut p, SaslSession::new(m, bad).expect("session"));
        assert_eq!(c.outcome, Outcome::No, "{m}: {c:?}");
        assert_eq!(
            c.code,
            Some(Code::Simple(SimpleCode::AuthenticationFailed)),
            "{m}"
        );
        assert_eq!(p.client.state(), ConnState::NotAuthenticated);
        let good = Credentials::oauth2("u@example.com", "ya29.good-token".to_owned());
        let c = authenticate(&mut p, SaslSession::new(m, good).expect("session"));
        assert!(c.is_ok(), "{m}: {c:?}");
        assert_eq!(p.client.state(), ConnState::Authenticated);
    }
    // Without the option neither is offered nor accepted.
    let plain_server = self::server();
    let mut p = Pair::connect(&plain_server, Instant::now());
    assert!(!p.client.capabilities().has(&auth(Mechanism::XOAuth2)));
    let good = Credentials::oauth2("u", "p".to_owned());
    let c = authenticate(
        &mut p,
        SaslSession::new(Mechanism::XOAuth2, good).expect("session"),
    );
    assert_eq!(c.outcome, Outcome::No, "{c:?}");
}
