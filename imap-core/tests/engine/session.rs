//! Session operations: login and its fallbacks, SELECT, UNSELECT and its fallback, ENABLE,
//! COMPRESS, LOGOUT.

use crate::harness::Harness;
use crate::{BARE, FULL};
use imap_core::client::{ConnState, UsageError};
use imap_core::ops::op::{SelectOptions, choose_mechanism};
use imap_core::ops::{Commands, OpError};
use imap_core::sasl::{Credentials, CredentialsKind, Mechanism};
use imap_core::types::{Capability, UidValidity};

/// Logged in; the server lists the capabilities of `greeting` again in LOGIN's OK.
pub fn logged_in(greeting: &str) -> Harness {
    let caps = greeting
        .split_once("[CAPABILITY ")
        .and_then(|(_, rest)| rest.split_once(']'))
        .map_or("IMAP4rev1", |(caps, _)| caps);
    let mut h = Harness::new(greeting);
    h.expect(
        "LOGIN alice secret",
        &format!("{{tag}} OK [CAPABILITY {caps}] logged in\r\n"),
    );
    h.login("alice", "secret").unwrap();
    h
}

#[test]
fn login_sends_login() {
    let h = logged_in(BARE);
    assert_eq!(h.engine.client().state(), ConnState::Authenticated);
    assert!(h.script_done());
}

#[test]
fn login_under_logindisabled_authenticates_with_plain() {
    let mut h = Harness::new("* OK [CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=PLAIN SASL-IR] hi\r\n");
    // SASL-IR: the initial response rides on the command ("\0alice\0secret").
    h.expect(
        "AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==",
        "{tag} OK [CAPABILITY IMAP4rev1] welcome\r\n",
    );
    h.login("alice", "secret").unwrap();
    assert_eq!(h.engine.client().state(), ConnState::Authenticated);
    assert!(h.script_done());
}

#[test]
fn login_under_logindisabled_without_sasl_ir_waits_for_the_challenge() {
    let mut h = Harness::new("* OK [CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=PLAIN] hi\r\n");
    h.expect("AUTHENTICATE PLAIN", "+ \r\n")
        .expect("AGFsaWNlAHNlY3JldA==", "{tag} OK welcome\r\n");
    h.login("alice", "secret").unwrap();
    assert!(h.script_done());
}

#[test]
fn login_under_logindisabled_without_plain_is_refused_locally() {
    let mut h = Harness::new("* OK [CAPABILITY IMAP4rev1 LOGINDISABLED] hi\r\n");
    let e = h.login("alice", "secret").unwrap_err();
    assert_eq!(e, OpError::Usage(UsageError::LoginDisabled));
    assert!(h.peer.lines.is_empty(), "nothing sent: {:?}", h.peer.lines);
}

#[test]
fn failed_login_is_a_command_error_and_the_connection_stays() {
    let mut h = Harness::new(BARE);
    h.expect(
        "LOGIN alice wrong",
        "{tag} NO [AUTHENTICATIONFAILED] no\r\n",
    )
    .expect("LOGIN alice secret", "{tag} OK yes\r\n");
    let e = h.login("alice", "wrong").unwrap_err();
    assert!(e.is_no() && !e.is_fatal(), "{e:?}");
    h.login("alice", "secret").unwrap();
}

#[test]
fn authenticate_auto_asks_capabilities_and_picks_the_strongest_mechanism() {
    // The greeting names no capabilities: CAPABILITY first, then SCRAM-SHA-256 is chosen over
    // PLAIN; its first message rides on SASL-IR.
    let mut h = Harness::new("* OK hi\r\n");
    h.expect(
        "CAPABILITY",
        "* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=SCRAM-SHA-256 SASL-IR\r\n{tag} OK done\r\n",
    )
    .expect("AUTHENTICATE SCRAM-SHA-256 ", "{tag} NO stop here\r\n");
    let e = h
        .authenticate_auto(Credentials::password("alice", "secret"))
        .unwrap_err();
    assert!(e.is_no(), "{e:?}");
    assert!(h.script_done());
}

#[test]
fn mechanism_choice_by_credentials() {
    let caps = imap_core::client::Capabilities::new(vec![
        Capability::Auth("PLAIN".try_into().unwrap()),
        Capability::Auth("XOAUTH2".try_into().unwrap()),
    ]);
    assert_eq!(
        choose_mechanism(&caps, CredentialsKind::Password),
        Ok(Mechanism::Plain)
    );
    assert_eq!(
        choose_mechanism(&caps, CredentialsKind::OAuth2Token),
        Ok(Mechanism::XOAuth2)
    );
    let none = imap_core::client::Capabilities::new(vec![]);
    assert!(matches!(
        choose_mechanism(&none, CredentialsKind::Password),
        Err(OpError::Usage(UsageError::MissingCapability(_)))
    ));
}

#[test]
fn select_yields_the_summary_and_examine_is_read_only() {
    let mut h = logged_in(BARE);
    h.expect(
        "SELECT INBOX",
        "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* FLAGS (\\Seen)\r\n{tag} OK [READ-WRITE] ok\r\n",
    )
    .expect(
        "EXAMINE Sent (CONDSTORE)",
        "* 0 EXISTS\r\n{tag} OK [READ-ONLY] ok\r\n",
    );
    let s = h.select("INBOX").unwrap();
    assert_eq!(
        (s.exists, s.uid_validity, s.read_only),
        (3, UidValidity::new(7), false)
    );
    let s = h
        .select_with("Sent", SelectOptions::read_only().with_condstore())
        .unwrap();
    assert!(s.read_only);
    assert!(h.script_done());
}

#[test]
fn unselect_uses_unselect_when_offered() {
    let mut h = logged_in(FULL);
    h.expect("SELECT INBOX", "* 1 EXISTS\r\n{tag} OK ok\r\n")
        .expect("UNSELECT", "{tag} OK ok\r\n");
    h.select("INBOX").unwrap();
    h.unselect().unwrap();
    assert_eq!(h.engine.client().state(), ConnState::Authenticated);
    assert!(h.script_done());
}

#[test]
fn unselect_without_unselect_examines_and_closes() {
    let mut h = logged_in(BARE);
    h.expect("SELECT INBOX", "* 1 EXISTS\r\n{tag} OK ok\r\n")
        .expect("EXAMINE INBOX", "* 1 EXISTS\r\n{tag} OK [READ-ONLY] ok\r\n")
        .expect("CLOSE", "{tag} OK closed\r\n");
    h.select("INBOX").unwrap();
    h.unselect().unwrap();
    assert_eq!(h.engine.client().state(), ConnState::Authenticated);
    assert!(h.script_done());
}

#[test]
fn enable_yields_what_was_enabled() {
    let mut h = logged_in(FULL);
    h.expect("ENABLE CONDSTORE", "* ENABLED CONDSTORE\r\n{tag} OK ok\r\n");
    assert_eq!(
        h.enable(&[Capability::CondStore]).unwrap(),
        vec![Capability::CondStore]
    );
}

#[test]
fn compress_only_when_offered() {
    let mut h = logged_in(BARE);
    assert!(!h.compress().unwrap());
    assert!(
        h.peer.lines.len() == 1,
        "nothing but LOGIN sent: {:?}",
        h.peer.lines
    );
}

#[test]
fn raw_command_with_a_line_break_is_refused_locally() {
    let mut h = logged_in(BARE);
    let e = h.raw_command("XFOO a\r\nb").unwrap_err();
    assert!(matches!(e, OpError::Usage(UsageError::Invalid(_))), "{e:?}");
    h.expect("XFOO bar", "* XFOO 1\r\n{tag} OK ok\r\n");
    let c = h.raw_command("XFOO bar").unwrap();
    assert_eq!(c.data.len(), 1);
}

#[test]
fn logout_waits_briefly_for_the_close() {
    let mut h = logged_in(BARE);
    h.expect("LOGOUT", "* BYE bye\r\n{tag} OK done\r\n");
    let before = h.now;
    h.logout().unwrap();
    // The server did not close: the virtual clock ran to the linger time, no further.
    assert_eq!(h.now - before, imap_core::ops::op::LOGOUT_LINGER);
    h.engine.handle_eof(h.now);
    assert_eq!(
        h.logout(),
        Ok(()),
        "a second LOGOUT on a closed connection does nothing"
    );
}
