//! The blocking client's extension commands against a private Cyrus IMAP 3.6
//! (`imap_tests::cyrus`), the server whose extension set is the widest of those we can run: ID,
//! NAMESPACE, ENABLE, CONDSTORE and QRESYNC, LIST-STATUS, CREATE-SPECIAL-USE and SPECIAL-USE,
//! SUBSCRIBE, SORT, THREAD, ESEARCH, ACL, QUOTA, METADATA and COMPRESS=DEFLATE.
//!
//! Without Cyrus the test prints `SKIPPED` and passes, unless `IMAP_TESTS_REQUIRE_CYRUS` is set
//! (CI sets it).

use imap_blocking::imap_core::ops::folders::SpecialUse;
use imap_blocking::imap_core::ops::op::SelectOptions;
use imap_blocking::prelude::*;
use imap_blocking::types::{Capability, Flag, SortCriterion, SortKey, UidSet};
use imap_blocking::{Connector, FetchQuery, Query, Security, Session};
use imap_tests::cyrus::{self, Cyrus, PASSWORD, USER};
use std::time::Duration;

fn login(c: &Cyrus) -> Session {
    Connector::new("127.0.0.1")
        .port(c.addr().port())
        .security(Security::Plain)
        .allow_plaintext_login()
        .connect_timeout(Some(Duration::from_secs(20)))
        .command_timeout(Duration::from_secs(60))
        .password(USER, PASSWORD)
        .login()
        .unwrap()
}

fn message(from: &str, subject: &str, date: &str, refs: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: tester@localhost\r\nSubject: {subject}\r\nDate: {date}\r\n\
         Message-ID: <{subject}@example.org>\r\n{refs}\r\nbody of {subject}\r\n"
    )
    .into_bytes()
}

#[test]
fn extensions_against_cyrus() {
    let Some(c) = cyrus::start_or_skip("extensions_against_cyrus") else {
        return;
    };
    let mut s = login(&c);
    // Everything below runs compressed.
    assert!(s.compress().unwrap());
    for cap in [
        Capability::CondStore,
        Capability::QResync,
        Capability::Sort,
        Capability::Acl,
        Capability::Quota,
    ] {
        assert!(s.capabilities().unwrap().has(&cap), "{cap:?}");
    }

    // ID and NAMESPACE.
    let id = s.id(&[("name", Some("imap-tests"))]).unwrap();
    assert!(
        id.iter()
            .any(|p| p.name.eq_ignore_ascii_case("name")
                && p.value.as_deref() == Some("Cyrus IMAPD")),
        "{id:?}"
    );
    let ns = s.namespace().unwrap();
    assert_eq!(ns.personal.len(), 1, "{ns:?}");
    assert_eq!(ns.personal[0].delimiter, Some(b'/'));

    // CREATE-SPECIAL-USE, SPECIAL-USE, LIST-STATUS, SUBSCRIBE.
    s.create_special_folder("Sent", SpecialUse::Sent).unwrap();
    let sent = s.find_special_folder(SpecialUse::Sent).unwrap().unwrap();
    assert_eq!(sent.name.name(), Some("Sent"));
    s.subscribe("Sent").unwrap();
    let folders = s.folders_with_status().unwrap();
    let inbox = folders
        .iter()
        .find(|f| f.name.name() == Some("INBOX"))
        .unwrap();
    assert_eq!(inbox.status.as_ref().unwrap().messages, Some(0));

    // Messages for SORT and THREAD: b replies to a, c stands alone.
    let a = message(
        "Zed <z@example.org>",
        "alpha",
        "Mon, 1 Jan 2024 10:00:00 +0000",
        "",
    );
    let b = message(
        "Amy <a@example.org>",
        "Re: alpha",
        "Tue, 2 Jan 2024 10:00:00 +0000",
        "In-Reply-To: <alpha@example.org>\r\nReferences: <alpha@example.org>\r\n",
    );
    let c3 = message(
        "Bob <b@example.org>",
        "gamma",
        "Wed, 3 Jan 2024 10:00:00 +0000",
        "",
    );
    let ua = s.append("INBOX", &a, &[], None).unwrap().uid.unwrap();
    let ub = s
        .append("INBOX", &b, &[Flag::Seen], None)
        .unwrap()
        .uid
        .unwrap();
    let uc = s.append("INBOX", &c3, &[], None).unwrap().uid.unwrap();

    // ENABLE QRESYNC, then SELECT with CONDSTORE: mod-sequences come back.
    let enabled = s.enable(&[Capability::QResync]).unwrap();
    assert!(enabled.contains(&Capability::QResync), "{enabled:?}");
    let summary = s
        .select_with("INBOX", SelectOptions::read_write().with_condstore())
        .unwrap();
    assert_eq!(summary.exists, 3);
    let before = summary.highest_modseq.expect("HIGHESTMODSEQ");
    s.add_flags(ua, &[Flag::Flagged]).unwrap();
    let m = s
        .fetch_one(ua, &FetchQuery::new().flags().modseq())
        .unwrap();
    assert!(m.modseq.unwrap() > before, "{m:?}");

    // SORT and THREAD.
    let by_from = s
        .sort(
            &[SortCriterion {
                reverse: false,
                key: SortKey::From,
            }],
            &Query::all(),
        )
        .unwrap();
    assert_eq!(by_from, vec![ub, uc, ua]);
    let threads = s.thread("REFERENCES", &Query::all()).unwrap();
    assert_eq!(threads.len(), 2, "{threads:?}");
    assert_eq!(s.search(&Query::new().unseen()).unwrap(), vec![ua, uc]);

    // ACL.
    let mine = s.my_rights("INBOX").unwrap();
    assert!(mine.contains('a') && mine.contains('l'), "{mine}");
    s.set_acl("Sent", "anyone", "lr").unwrap();
    let acl = s.acl("Sent").unwrap();
    assert!(
        acl.iter().any(|e| e.identifier.to_string() == "anyone"),
        "{acl:?}"
    );
    s.delete_acl("Sent", "anyone").unwrap();
    assert!(
        !s.acl("Sent")
            .unwrap()
            .iter()
            .any(|e| e.identifier.to_string() == "anyone")
    );
    let required = s.list_rights("Sent", "anyone").unwrap().required;
    assert!(!required.contains('a'), "{required}");

    // QUOTA: INBOX has a root (autocreate_quota: 0 makes an unlimited one).
    let roots = s.quota_root("INBOX").unwrap().roots;
    assert!(!roots.is_empty(), "{roots:?}");

    // METADATA.
    s.set_metadata("INBOX", &[("/private/comment", Some("hello metadata"))])
        .unwrap();
    let md = s.metadata("INBOX", &["/private/comment"]).unwrap();
    assert_eq!(md.len(), 1, "{md:?}");
    assert_eq!(
        md[0].value.as_ref().map(|v| v.to_string()),
        Some("hello metadata".to_owned())
    );

    // MOVE under QRESYNC: the server reports VANISHED, the model follows.
    s.move_messages(&UidSet::single(uc), "Sent").unwrap();
    assert_eq!(s.selected().unwrap().exists(), 2);
    assert_eq!(s.search(&Query::all()).unwrap(), vec![ua, ub]);
    s.logout().unwrap();
}
