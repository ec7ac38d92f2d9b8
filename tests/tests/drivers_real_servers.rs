//! Both drivers against real servers, private instances started by the tests: Dovecot
//! (`imap_tests::dovecot`, with TLS on) and Cyrus IMAP (`imap_tests::cyrus`, plain TCP). One
//! scenario (login, CREATE / RENAME / DELETE, APPEND, LIST, STATUS, SELECT, SEARCH, FETCH with
//! BODYSTRUCTURE, BINARY and a 5 MB message streamed to a writer, STORE, COPY and MOVE with
//! COPYUID, EXPUNGE with renumbering, IDLE woken by a second connection's APPEND, LOGOUT),
//! written once per driver and run against Dovecot over plain TCP, implicit TLS and STARTTLS,
//! and against Cyrus over plain TCP.
//!
//! Without a server installed the tests print `SKIPPED` and pass, unless `IMAP_REQUIRE_DOVECOT`
//! (or `IMAP_TESTS_REQUIRE_DOVECOT`) or `IMAP_TESTS_REQUIRE_CYRUS` is set: CI sets them, and a
//! missing server fails there.

#[path = "../../imap-blocking/tests/mock_fixture/mod.rs"]
mod mock_fixture;

use imap_tests::cyrus::{self, Cyrus};
use imap_tests::dovecot::{self, Dovecot, Options};
use mock_fixture::{ATTACHMENT, Transport, m1, m2};

/// Where a scenario connects: a server's ports, the certificate to trust and the account.
struct Target {
    port: u16,
    tls_port: Option<u16>,
    ca_pem: Option<String>,
    user: &'static str,
    password: &'static str,
}

impl Target {
    fn dovecot(d: &Dovecot) -> Target {
        Target {
            port: d.addr().port(),
            tls_port: d.tls_addr().map(|a| a.port()),
            ca_pem: d.certificate_pem().map(str::to_owned),
            user: dovecot::USER,
            password: dovecot::PASSWORD,
        }
    }

    fn cyrus(c: &Cyrus) -> Target {
        Target {
            port: c.addr().port(),
            tls_port: None,
            ca_pem: None,
            user: cyrus::USER,
            password: cyrus::PASSWORD,
        }
    }

    fn ca_pem(&self) -> Vec<u8> {
        self.ca_pem
            .as_deref()
            .expect("a TLS target")
            .as_bytes()
            .to_vec()
    }

    fn tls_port(&self) -> u16 {
        self.tls_port.expect("a TLS target")
    }
}

/// A private Dovecot with TLS (STARTTLS and an imaps port), or `None` to skip.
fn dovecot(test: &str) -> Option<Dovecot> {
    dovecot::start_or_skip_with(
        test,
        Options {
            tls: true,
            ..Options::default()
        },
    )
}

/// A reply to [`m1`].
fn m3() -> Vec<u8> {
    b"From: Bob <bob@example.net>\r\n\
      To: Alice <alice@example.org>\r\n\
      Subject: Re: hello world\r\n\
      Message-ID: <m3@example.net>\r\n\
      In-Reply-To: <m1@example.org>\r\n\
      \r\n\
      Hi Alice.\r\n"
        .to_vec()
}

/// A message of a little over 5 MB, numbered lines (so a lost or repeated chunk shows).
fn big_message() -> Vec<u8> {
    let mut m = b"From: Dave <dave@example.net>\r\n\
      To: Alice <alice@example.org>\r\n\
      Subject: a big one\r\n\
      Message-ID: <big@example.net>\r\n\
      \r\n"
        .to_vec();
    let mut i = 0u32;
    while m.len() < 5 * 1024 * 1024 {
        m.extend_from_slice(
            format!("line {i:07} of a five megabyte message, sixty-four bytes\r\n").as_bytes(),
        );
        i += 1;
    }
    m
}

/// A short message, numbered.
fn extra(n: u32) -> Vec<u8> {
    format!(
        "From: Eve <eve@example.org>\r\n\
         Subject: extra {n}\r\n\
         Message-ID: <extra{n}@example.org>\r\n\
         \r\n\
         extra message {n}\r\n"
    )
    .into_bytes()
}

/// The scenario with imap-blocking.
mod blocking {
    use super::{ATTACHMENT, Target, Transport, big_message, extra, m1, m2, m3};
    use imap_blocking::imap_core::mailbox::{MessageRef, Update};
    use imap_blocking::types::{Capability, Flag, SeqNum, Uid, UidSet};
    use imap_blocking::{
        Connector, Event, FetchQuery, Query, Security, Session, TlsOptions, outline,
    };
    use std::time::Duration;

    fn connector(d: &Target, transport: Transport) -> Connector {
        let c = Connector::new("127.0.0.1")
            .connect_timeout(Some(Duration::from_secs(20)))
            .command_timeout(Duration::from_secs(60))
            .password(d.user, d.password);
        let trust = || TlsOptions::new().ca_pem(d.ca_pem());
        match transport {
            Transport::Plain => c
                .port(d.port)
                .security(Security::Plain)
                .allow_plaintext_login(true),
            Transport::Tls => c.port(d.tls_port()).security(Security::Tls).tls(trust()),
            Transport::StartTls => c.port(d.port).security(Security::StartTls).tls(trust()),
        }
    }

    fn seq(n: u32) -> SeqNum {
        SeqNum::new(n).unwrap()
    }

    fn appended(s: &mut Session, folder: &str, message: &[u8], flags: &[Flag]) -> Uid {
        s.append(folder, message, flags, None)
            .unwrap()
            .uid
            .expect("APPENDUID")
    }

    pub(super) fn scenario(d: &Target, transport: Transport) {
        let mut s = connector(d, transport).login().unwrap();
        assert_eq!(s.connection().is_tls(), transport != Transport::Plain);
        for cap in [Capability::Idle, Capability::UidPlus, Capability::Move] {
            assert!(s.has_capability(&cap).unwrap(), "{cap:?}");
        }

        // CREATE, RENAME, DELETE.
        s.create_folder("Scratch").unwrap();
        s.rename_folder("Scratch", "Scratch2").unwrap();
        assert!(s.folder_exists("Scratch2").unwrap());
        assert!(!s.folder_exists("Scratch").unwrap());
        s.delete_folder("Scratch2").unwrap();
        assert!(!s.folder_exists("Scratch2").unwrap());
        s.create_folder("Archive").unwrap();

        // APPEND, LIST, STATUS.
        let big = big_message();
        let a1 = appended(&mut s, "INBOX", &m1(), &[Flag::Seen]);
        let a2 = appended(&mut s, "INBOX", &m2(), &[]);
        let a3 = appended(&mut s, "INBOX", &m3(), &[]);
        let a4 = appended(&mut s, "INBOX", &big, &[]);
        assert!(a1 < a2 && a2 < a3 && a3 < a4);
        let names: Vec<String> = s
            .folders()
            .unwrap()
            .iter()
            .map(|f| f.name.to_string())
            .collect();
        assert!(
            names.contains(&"INBOX".to_owned()) && names.contains(&"Archive".to_owned()),
            "{names:?}"
        );
        let st = s.folder_status("INBOX").unwrap();
        assert_eq!(st.messages, Some(4));
        assert_eq!(st.unseen, Some(3));
        assert_eq!(st.uid_next, Some(a4.get() + 1));

        // SELECT.
        let summary = s.select("INBOX").unwrap();
        assert_eq!(summary.exists, 4);
        assert_eq!(summary.uid_validity, st.uid_validity);

        // SEARCH.
        assert_eq!(s.search(&Query::all()).unwrap(), vec![a1, a2, a3, a4]);
        assert_eq!(s.search(&Query::new().unseen()).unwrap(), vec![a2, a3, a4]);
        assert_eq!(s.search(&Query::new().from("carol")).unwrap(), vec![a2]);
        assert_eq!(s.search(&Query::new().larger(1_000_000)).unwrap(), vec![a4]);
        assert_eq!(s.search_seq(&Query::new().seen()).unwrap(), vec![seq(1)]);

        // FETCH: summary, BODYSTRUCTURE, sections, BINARY, the whole of a 5 MB message.
        let msgs = s.fetch(&UidSet::all(), &FetchQuery::summary()).unwrap();
        assert_eq!(msgs[&a1].subject().as_deref(), Some("hello world"));
        assert_eq!(msgs[&a2].subject().as_deref(), Some("a report"));
        assert_eq!(msgs[&a4].size, Some(big.len() as u64));
        let m = s
            .fetch_one(a2, &FetchQuery::new().body_structure().binary(&[2], None))
            .unwrap();
        let parts = outline(m.body_structure.as_ref().unwrap());
        let types: Vec<&str> = parts.iter().map(|p| p.mime_type.as_str()).collect();
        assert_eq!(
            types,
            ["multipart/mixed", "text/plain", "application/octet-stream"]
        );
        assert_eq!(parts[2].filename.as_deref(), Some("data.bin"));
        assert_eq!(m.binary_part(&[2]), Some(ATTACHMENT));
        let m = s
            .fetch_one(a1, &FetchQuery::new().body().header_fields(["Subject"]))
            .unwrap();
        assert_eq!(m.body(), Some(&m1()[..]));
        assert_eq!(m.header_value("subject").as_deref(), Some("hello world"));
        let mut out = Vec::new();
        let n = s.download(a4, &mut out).unwrap();
        assert_eq!(n as usize, big.len());
        assert!(out == big, "the 5 MB message came back different");

        // STORE.
        let r = s.add_flags(a2, &[Flag::Flagged]).unwrap();
        assert!(r[&a2].contains(&Flag::Flagged));
        s.add_keywords(a2, &["$Forwarded"]).unwrap();
        let f = s.flags(a2).unwrap();
        assert!(
            f[&a2].contains(&Flag::Flagged) && f[&a2].contains(&Flag::parse("$Forwarded").unwrap())
        );
        let r = s.remove_flags(a2, &[Flag::Flagged]).unwrap();
        assert!(!r[&a2].contains(&Flag::Flagged));
        let r = s.set_flags(a3, &[Flag::Seen, Flag::Answered]).unwrap();
        let mut got = r[&a3].clone();
        got.retain(|f| *f != Flag::Recent);
        got.sort_by_key(Flag::to_wire);
        assert_eq!(got, vec![Flag::Answered, Flag::Seen]);
        assert_eq!(s.search(&Query::new().unseen()).unwrap(), vec![a2, a4]);

        // COPY and MOVE, with COPYUID.
        let copied = s.copy(UidSet::single(a1), "Archive").unwrap().unwrap();
        assert_eq!(copied.len(), 1);
        assert_eq!(copied.pairs().next().unwrap().0, a1);
        let moved = s
            .move_messages(&UidSet::single(a3), "Archive")
            .unwrap()
            .unwrap();
        assert_eq!(moved.len(), 1);
        assert_eq!(moved.pairs().next().unwrap().0, a3);
        assert!(moved.pairs().next().unwrap().1 > copied.pairs().next().unwrap().1);
        assert_eq!(s.selected().unwrap().exists(), 3);
        assert_eq!(s.folder_status("Archive").unwrap().messages, Some(2));

        // EXPUNGE renumbers: INBOX is a1, a2, a4; removing a2 makes a4 number 2.
        let expunged = s.delete_and_expunge(&UidSet::single(a2)).unwrap();
        assert_eq!(
            expunged.messages,
            vec![MessageRef {
                seq: seq(2),
                uid: Some(a2)
            }]
        );
        let model = s.selected().unwrap();
        assert_eq!(model.exists(), 2);
        assert_eq!(model.uid(seq(2)), Some(a4));
        assert_eq!(
            s.search_seq(&Query::new().uids(UidSet::single(a4)))
                .unwrap(),
            vec![seq(2)]
        );
        assert_eq!(s.search(&Query::all()).unwrap(), vec![a1, a4]);

        // IDLE: a second connection appends; the idling session hears EXISTS.
        let mut other = connector(d, transport).login().unwrap();
        s.drain_events();
        let mut idle = s.idle().unwrap();
        let a5 = appended(&mut other, "INBOX", &extra(5), &[]);
        let mut heard = false;
        for _ in 0..100 {
            if let Some(Event::Mailbox(Update::Exists { exists: 3, .. })) =
                idle.wait_timeout(Duration::from_millis(200)).unwrap()
            {
                heard = true;
                break;
            }
        }
        assert!(heard, "no EXISTS while idling");
        idle.done().unwrap();
        assert_eq!(s.search(&Query::all()).unwrap(), vec![a1, a4, a5]);
        other.logout().unwrap();

        s.logout().unwrap();
    }

    /// Without trusting the server's self-signed certificate, neither TLS nor STARTTLS connects.
    pub(super) fn untrusted(d: &Target) {
        for (port, security) in [(d.tls_port(), Security::Tls), (d.port, Security::StartTls)] {
            let err = Connector::new("127.0.0.1")
                .port(port)
                .security(security)
                .connect_timeout(Some(Duration::from_secs(20)))
                .connect()
                .unwrap_err();
            assert!(
                matches!(&err, imap_blocking::Error::Tls(e) if e.to_string().contains("certificate")),
                "{security:?}: {err:?}"
            );
        }
    }
}

/// The scenario with imap-tokio.
mod tokio_driver {
    use super::{ATTACHMENT, Target, Transport, big_message, extra, m1, m2, m3};
    use imap_tokio::imap_core::mailbox::{MessageRef, Update};
    use imap_tokio::types::{Capability, Flag, SeqNum, Uid, UidSet};
    use imap_tokio::{Connector, Event, FetchQuery, Query, Security, Session, TlsOptions, outline};
    use std::time::Duration;

    fn connector(d: &Target, transport: Transport) -> Connector {
        let c = Connector::new("127.0.0.1")
            .connect_timeout(Some(Duration::from_secs(20)))
            .command_timeout(Duration::from_secs(60))
            .password(d.user, d.password);
        let trust = || TlsOptions::new().ca_pem(d.ca_pem());
        match transport {
            Transport::Plain => c
                .port(d.port)
                .security(Security::Plain)
                .allow_plaintext_login(true),
            Transport::Tls => c.port(d.tls_port()).security(Security::Tls).tls(trust()),
            Transport::StartTls => c.port(d.port).security(Security::StartTls).tls(trust()),
        }
    }

    fn seq(n: u32) -> SeqNum {
        SeqNum::new(n).unwrap()
    }

    async fn appended(s: &mut Session, folder: &str, message: &[u8], flags: &[Flag]) -> Uid {
        s.append(folder, message, flags, None)
            .await
            .unwrap()
            .uid
            .expect("APPENDUID")
    }

    pub(super) async fn scenario(d: &Target, transport: Transport) {
        let mut s = connector(d, transport).login().await.unwrap();
        assert_eq!(s.connection().is_tls(), transport != Transport::Plain);
        for cap in [Capability::Idle, Capability::UidPlus, Capability::Move] {
            assert!(s.has_capability(&cap).await.unwrap(), "{cap:?}");
        }

        // CREATE, RENAME, DELETE.
        s.create_folder("Scratch").await.unwrap();
        s.rename_folder("Scratch", "Scratch2").await.unwrap();
        assert!(s.folder_exists("Scratch2").await.unwrap());
        assert!(!s.folder_exists("Scratch").await.unwrap());
        s.delete_folder("Scratch2").await.unwrap();
        assert!(!s.folder_exists("Scratch2").await.unwrap());
        s.create_folder("Archive").await.unwrap();

        // APPEND, LIST, STATUS.
        let big = big_message();
        let a1 = appended(&mut s, "INBOX", &m1(), &[Flag::Seen]).await;
        let a2 = appended(&mut s, "INBOX", &m2(), &[]).await;
        let a3 = appended(&mut s, "INBOX", &m3(), &[]).await;
        let a4 = appended(&mut s, "INBOX", &big, &[]).await;
        assert!(a1 < a2 && a2 < a3 && a3 < a4);
        let names: Vec<String> = s
            .folders()
            .await
            .unwrap()
            .iter()
            .map(|f| f.name.to_string())
            .collect();
        assert!(
            names.contains(&"INBOX".to_owned()) && names.contains(&"Archive".to_owned()),
            "{names:?}"
        );
        let st = s.folder_status("INBOX").await.unwrap();
        assert_eq!(st.messages, Some(4));
        assert_eq!(st.unseen, Some(3));
        assert_eq!(st.uid_next, Some(a4.get() + 1));

        // SELECT.
        let summary = s.select("INBOX").await.unwrap();
        assert_eq!(summary.exists, 4);
        assert_eq!(summary.uid_validity, st.uid_validity);

        // SEARCH.
        assert_eq!(s.search(&Query::all()).await.unwrap(), vec![a1, a2, a3, a4]);
        assert_eq!(
            s.search(&Query::new().unseen()).await.unwrap(),
            vec![a2, a3, a4]
        );
        assert_eq!(
            s.search(&Query::new().from("carol")).await.unwrap(),
            vec![a2]
        );
        assert_eq!(
            s.search(&Query::new().larger(1_000_000)).await.unwrap(),
            vec![a4]
        );
        assert_eq!(
            s.search_seq(&Query::new().seen()).await.unwrap(),
            vec![seq(1)]
        );

        // FETCH: summary, BODYSTRUCTURE, sections, BINARY, the whole of a 5 MB message.
        let msgs = s
            .fetch(&UidSet::all(), &FetchQuery::summary())
            .await
            .unwrap();
        assert_eq!(msgs[&a1].subject().as_deref(), Some("hello world"));
        assert_eq!(msgs[&a2].subject().as_deref(), Some("a report"));
        assert_eq!(msgs[&a4].size, Some(big.len() as u64));
        let m = s
            .fetch_one(a2, &FetchQuery::new().body_structure().binary(&[2], None))
            .await
            .unwrap();
        let parts = outline(m.body_structure.as_ref().unwrap());
        let types: Vec<&str> = parts.iter().map(|p| p.mime_type.as_str()).collect();
        assert_eq!(
            types,
            ["multipart/mixed", "text/plain", "application/octet-stream"]
        );
        assert_eq!(parts[2].filename.as_deref(), Some("data.bin"));
        assert_eq!(m.binary_part(&[2]), Some(ATTACHMENT));
        let m = s
            .fetch_one(a1, &FetchQuery::new().body().header_fields(["Subject"]))
            .await
            .unwrap();
        assert_eq!(m.body(), Some(&m1()[..]));
        assert_eq!(m.header_value("subject").as_deref(), Some("hello world"));
        let mut out = Vec::new();
        let n = s.download(a4, &mut out).await.unwrap();
        assert_eq!(n as usize, big.len());
        assert!(out == big, "the 5 MB message came back different");

        // STORE.
        let r = s.add_flags(a2, &[Flag::Flagged]).await.unwrap();
        assert!(r[&a2].contains(&Flag::Flagged));
        s.add_keywords(a2, &["$Forwarded"]).await.unwrap();
        let f = s.flags(a2).await.unwrap();
        assert!(
            f[&a2].contains(&Flag::Flagged) && f[&a2].contains(&Flag::parse("$Forwarded").unwrap())
        );
        let r = s.remove_flags(a2, &[Flag::Flagged]).await.unwrap();
        assert!(!r[&a2].contains(&Flag::Flagged));
        let r = s
            .set_flags(a3, &[Flag::Seen, Flag::Answered])
            .await
            .unwrap();
        let mut got = r[&a3].clone();
        got.retain(|f| *f != Flag::Recent);
        got.sort_by_key(Flag::to_wire);
        assert_eq!(got, vec![Flag::Answered, Flag::Seen]);
        assert_eq!(
            s.search(&Query::new().unseen()).await.unwrap(),
            vec![a2, a4]
        );

        // COPY and MOVE, with COPYUID.
        let copied = s
            .copy(UidSet::single(a1), "Archive")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(copied.len(), 1);
        assert_eq!(copied.pairs().next().unwrap().0, a1);
        let moved = s
            .move_messages(&UidSet::single(a3), "Archive")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(moved.len(), 1);
        assert_eq!(moved.pairs().next().unwrap().0, a3);
        assert!(moved.pairs().next().unwrap().1 > copied.pairs().next().unwrap().1);
        assert_eq!(s.selected().unwrap().exists(), 3);
        assert_eq!(s.folder_status("Archive").await.unwrap().messages, Some(2));

        // EXPUNGE renumbers: INBOX is a1, a2, a4; removing a2 makes a4 number 2.
        let expunged = s.delete_and_expunge(&UidSet::single(a2)).await.unwrap();
        assert_eq!(
            expunged.messages,
            vec![MessageRef {
                seq: seq(2),
                uid: Some(a2)
            }]
        );
        let model = s.selected().unwrap();
        assert_eq!(model.exists(), 2);
        assert_eq!(model.uid(seq(2)), Some(a4));
        assert_eq!(
            s.search_seq(&Query::new().uids(UidSet::single(a4)))
                .await
                .unwrap(),
            vec![seq(2)]
        );
        assert_eq!(s.search(&Query::all()).await.unwrap(), vec![a1, a4]);

        // IDLE: a second connection appends; the idling session hears EXISTS.
        let mut other = connector(d, transport).login().await.unwrap();
        s.drain_events();
        let mut idle = s.idle().await.unwrap();
        let a5 = appended(&mut other, "INBOX", &extra(5), &[]).await;
        let mut heard = false;
        for _ in 0..100 {
            if let Some(Event::Mailbox(Update::Exists { exists: 3, .. })) =
                idle.wait_timeout(Duration::from_millis(200)).await.unwrap()
            {
                heard = true;
                break;
            }
        }
        assert!(heard, "no EXISTS while idling");
        idle.done().await.unwrap();
        assert_eq!(s.search(&Query::all()).await.unwrap(), vec![a1, a4, a5]);
        other.logout().await.unwrap();

        s.logout().await.unwrap();
    }

    /// Without trusting the server's self-signed certificate, neither TLS nor STARTTLS connects.
    pub(super) async fn untrusted(d: &Target) {
        for (port, security) in [(d.tls_port(), Security::Tls), (d.port, Security::StartTls)] {
            let err = Connector::new("127.0.0.1")
                .port(port)
                .security(security)
                .connect_timeout(Some(Duration::from_secs(20)))
                .connect()
                .await
                .unwrap_err();
            assert!(
                matches!(&err, imap_tokio::Error::Tls(e) if e.to_string().contains("certificate")),
                "{security:?}: {err:?}"
            );
        }
    }
}

#[test]
fn blocking_over_plain_tcp() {
    if let Some(d) = dovecot("blocking_over_plain_tcp") {
        blocking::scenario(&Target::dovecot(&d), Transport::Plain);
    }
}

#[test]
fn blocking_over_implicit_tls() {
    if let Some(d) = dovecot("blocking_over_implicit_tls") {
        blocking::untrusted(&Target::dovecot(&d));
        blocking::scenario(&Target::dovecot(&d), Transport::Tls);
    }
}

#[test]
fn blocking_over_starttls() {
    if let Some(d) = dovecot("blocking_over_starttls") {
        blocking::scenario(&Target::dovecot(&d), Transport::StartTls);
    }
}

#[tokio::test]
async fn tokio_over_plain_tcp() {
    if let Some(d) = dovecot("tokio_over_plain_tcp") {
        tokio_driver::scenario(&Target::dovecot(&d), Transport::Plain).await;
    }
}

#[tokio::test]
async fn tokio_over_implicit_tls() {
    if let Some(d) = dovecot("tokio_over_implicit_tls") {
        tokio_driver::untrusted(&Target::dovecot(&d)).await;
        tokio_driver::scenario(&Target::dovecot(&d), Transport::Tls).await;
    }
}

#[tokio::test]
async fn tokio_over_starttls() {
    if let Some(d) = dovecot("tokio_over_starttls") {
        tokio_driver::scenario(&Target::dovecot(&d), Transport::StartTls).await;
    }
}

#[test]
fn blocking_against_cyrus() {
    if let Some(c) = cyrus::start_or_skip("blocking_against_cyrus") {
        blocking::scenario(&Target::cyrus(&c), Transport::Plain);
    }
}

#[tokio::test]
async fn tokio_against_cyrus() {
    if let Some(c) = cyrus::start_or_skip("tokio_against_cyrus") {
        tokio_driver::scenario(&Target::cyrus(&c), Transport::Plain).await;
    }
}
