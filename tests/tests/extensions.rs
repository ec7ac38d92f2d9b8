//! Our client issuing the extensions the mock server advertises (ESORT, SORT=DISPLAY,
//! CATENATE, CONTEXT=SEARCH, NOTIFY), sans-IO in memory through [`Pair`].

use imap_core::ops::search::{self, Query, sort_by, sort_by_reverse};
use imap_core::types::*;
use imap_tests::Pair;
use mock_server::listener::MockServer;
use mock_server::store::Store;
use std::time::Instant;

/// Three messages whose FROM mailboxes sort differently from their display names, dated
/// 3, 1 and 2 January.
const MSGS: [&str; 3] = [
    "From: \"Zoe Adams\" <zoe@example.com>\r\nDate: Wed, 3 Jan 2024 10:00:00 +0000\r\n\
     Subject: third\r\n\r\none\r\n",
    "From: carl@example.com\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nSubject: first\r\n\r\n\
     two\r\n",
    "From: \"Bea\" <yves@example.com>\r\nDate: Tue, 2 Jan 2024 10:00:00 +0000\r\n\
     Subject: second\r\n\r\nthree\r\n",
];

fn server() -> MockServer {
    let mut b = Store::builder().user("u", "p").mailbox("INBOX");
    for m in MSGS {
        b = b.message(m.as_bytes().to_vec(), &[], None);
    }
    let store = b.mailbox("Archive").build().expect("store");
    MockServer::builder().store(store).build().expect("server")
}

fn connect(server: &MockServer) -> Pair {
    let mut p = Pair::connect(server, Instant::now());
    p.login_select("u", "p", "INBOX");
    p
}

fn pair() -> Pair {
    connect(&server())
}

#[test]
fn esort_and_sort_display_through_the_client() {
    let mut p = pair();
    let caps = p.client.capabilities();
    assert!(caps.has(&Capability::ESort) && caps.has(&Capability::SortDisplay));

    // SORT=DISPLAY: "Bea", "carl@example.com", "Zoe Adams"; FROM by mailbox: carl, yves, zoe.
    let c = p.call(Query::all().sort_command(&[sort_by(SortKey::DisplayFrom)], true));
    assert_eq!(
        search::sorted_uids(&c),
        [3, 2, 1].map(|n| Uid::new(n).unwrap())
    );
    let c = p.call(Query::all().sort_command(&[sort_by(SortKey::From)], true));
    assert_eq!(
        search::sorted_uids(&c),
        [2, 3, 1].map(|n| Uid::new(n).unwrap())
    );

    // ESORT: the ESEARCH is in sort order, MIN/MAX first and last in it.
    let returns = [
        SearchReturn::Min,
        SearchReturn::Max,
        SearchReturn::All,
        SearchReturn::Count,
    ];
    let c = p.call(Query::all().esort_command(&[sort_by_reverse(SortKey::Date)], &returns, true));
    assert!(c.is_ok(), "{c:?}");
    let r = search::esearch(&c).expect("an ESEARCH");
    assert_eq!(
        (r.min, r.max, r.count, r.uid),
        (Some(1), Some(2), Some(3), true)
    );
    assert_eq!(r.all, [1..=1, 3..=3, 2..=2]);
    assert_eq!(r.numbers().collect::<Vec<_>>(), [1, 3, 2]);

    // `RETURN ()` is ALL; by sequence number.
    let c = p.call(Query::all().esort_command(&[sort_by(SortKey::Subject)], &[], false));
    let r = search::esearch(&c).expect("an ESEARCH");
    assert_eq!((r.all, r.uid), (vec![2..=3, 1..=1], false));
}

/// CATENATE through the client: the APPEND is built from text and a [`PartUrl`]; the server's
/// `NO [BADURL url]` reaches the caller typed.
#[test]
fn catenate_through_the_client() {
    use imap_core::ops::messages::{appended, catenate_command};
    use imap_core::ops::part_url::PartUrl;
    let mut p = pair();
    assert!(p.client.capabilities().has(&Capability::Catenate));
    let c = p.call(CommandBody::Status {
        mailbox: "INBOX".into(),
        items: vec![StatusItem::UidValidity],
    });
    let validity = c
        .statuses()
        .first()
        .and_then(|(_, items)| {
            items.iter().find_map(|(i, v)| match (i, v) {
                (StatusItem::UidValidity, StatusValue::Number(n)) => {
                    std::num::NonZeroU32::new(*n as u32)
                }
                _ => None,
            })
        })
        .expect("UIDVALIDITY");
    let body = PartUrl::new("INBOX", validity, Uid::new(2).unwrap()).section(Section {
        part: vec![],
        text: Some(SectionText::Text),
    });
    let c = p.call(catenate_command(
        "Archive".into(),
        vec![
            CatPart::Text("Subject: forwarded\r\n\r\n".into()),
            CatPart::Url(body.to_string().into()),
        ],
        vec![Flag::Seen],
        None,
    ));
    assert!(c.is_ok(), "{c:?}");
    let uid = appended(&c).uid.expect("APPENDUID");
    let c = p.call(CommandBody::Select {
        mailbox: "Archive".into(),
        params: Default::default(),
    });
    assert!(c.is_ok(), "{c:?}");
    let c = p.call(CommandBody::Fetch {
        set: MessageSet::Uid(UidSet::single(uid)),
        items: FetchItems::Items(vec![FetchItem::BodySection {
            section: Section::default(),
            partial: None,
            peek: true,
        }]),
        changed_since: None,
        vanished: false,
    });
    let body = c.fetched().find_map(|f| {
        f.data.into_iter().find_map(|d| match d {
            FetchData::BodySection { data: Some(d), .. } => Some(d),
            _ => None,
        })
    });
    assert_eq!(
        body.as_ref().map(|b| b.as_bytes()),
        Some(&b"Subject: forwarded\r\n\r\ntwo\r\n"[..])
    );

    let bad = PartUrl::new("INBOX", validity, Uid::new(99).unwrap()).to_string();
    let c = p.call(catenate_command(
        "Archive".into(),
        vec![CatPart::Url(bad.clone().into())],
        vec![],
        None,
    ));
    assert!(!c.is_ok());
    assert_eq!(c.code, Some(Code::BadUrl(bad.into())));
}

/// CONTEXT=SEARCH through the client: a PARTIAL page and an UPDATE context whose ADDTO and
/// REMOVEFROM reach the caller as events while another search runs, without being taken for
/// that search's answer; CANCELUPDATE ends them.
#[test]
fn context_search_through_the_client() {
    use imap_core::client::Event;
    let server = server();
    let mut p = connect(&server);
    let mut other = connect(&server);
    assert!(p.client.capabilities().has(&Capability::ContextSearch));

    let page = PartialRange {
        from_end: true,
        first: std::num::NonZeroU32::new(1).unwrap(),
        second: std::num::NonZeroU32::new(2).unwrap(),
    };
    let c = p.call(Query::all().esearch_command(&[SearchReturn::Partial(page)], true));
    let r = search::esearch(&c).expect("an ESEARCH");
    assert_eq!(r.partial, Some((page, vec![2..=3])));

    let id = p
        .client
        .send(
            p.now,
            Query::new()
                .unseen()
                .esearch_command(&[SearchReturn::Update, SearchReturn::Count], true),
        )
        .unwrap();
    p.run();
    let c = p.take_completion(id).expect("completed");
    let context_tag = c.tag.clone();
    assert_eq!(search::esearch(&c).and_then(|r| r.count), Some(3));

    // Another client reads message 2; this client's next search gets its own answer only.
    let c = other.call(CommandBody::Store {
        set: MessageSet::Uid(UidSet::single(Uid::new(2).unwrap())),
        kind: StoreKind::Add,
        silent: true,
        target: StoreTarget::Flags(vec![Flag::Seen]),
        unchanged_since: None,
    });
    assert!(c.is_ok(), "{c:?}");
    p.events.clear();
    let c = p.call(Query::all().esearch_command(&[SearchReturn::Count], true));
    assert_eq!(search::esearch(&c).and_then(|r| r.count), Some(3));
    assert_eq!(
        c.esearch().and_then(|e| e.tag.clone()),
        Some(Str::from(c.tag.as_bytes()))
    );
    let updates: Vec<&ESearch> = p
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Data(Data::ESearch(e))
                if e.tag.as_ref().map(|t| t.as_bytes()) == Some(context_tag.as_bytes()) =>
            {
                Some(e)
            }
            _ => None,
        })
        .collect();
    assert_eq!(updates.len(), 1, "{:?}", p.events);
    let ESearchData::RemoveFrom(removed) = &updates[0].data[0] else {
        panic!("{updates:?}")
    };
    assert_eq!(removed[0].0, 0);
    assert_eq!(
        removed[0]
            .1
            .items()
            .iter()
            .map(|i| i.bounds(0))
            .collect::<Vec<_>>(),
        [(2, 2)]
    );

    let c = p.call(search::cancel_update_command(&[context_tag]));
    assert!(c.is_ok(), "{c:?}");
}

/// NOTIFY (RFC 5465) built with `ops::notify::Notify`: after another client's APPENDs to the
/// selected INBOX and to Archive, the server's wake-up alone (no command from this client)
/// brings EXISTS, the FETCH (UID) asked for, and a STATUS for Archive; an event the server
/// does not tell (AnnotationChange: no ANNOTATE) is refused with NO [BADEVENT] naming those it
/// does.
#[test]
fn notify_through_the_client() {
    use imap_core::client::Event;
    use imap_core::ops::notify::{Notify, mailboxes};
    let server = server();
    let mut p = connect(&server);
    let mut other = connect(&server);
    let c = p.call(
        Notify::new()
            .group(
                MailboxFilter::Personal,
                vec![
                    NotifyEvent::MessageNew(Vec::new()),
                    NotifyEvent::MessageExpunge,
                    NotifyEvent::AnnotationChange,
                ],
            )
            .command(),
    );
    assert!(
        matches!(&c.code, Some(Code::BadEvent(e))
            if e.iter().any(|a| a.as_str() == "MessageNew")
                && e.iter().any(|a| a.as_str() == "MailboxMetadataChange")),
        "{c:?}"
    );
    let c = p.call(
        Notify::new()
            .with_status()
            .messages(MailboxFilter::Selected, vec![FetchItem::Uid])
            .messages(mailboxes(&["Archive"]), Vec::new())
            .command(),
    );
    assert!(c.is_ok(), "{c:?}");
    for mailbox in ["INBOX", "Archive"] {
        let c = other.call(CommandBody::Append {
            mailbox: Mailbox::from(mailbox),
            messages: vec![AppendMessage {
                flags: vec![],
                date: None,
                data: AppendData::literal("Subject: new\r\n\r\nhi\r\n"),
            }],
        });
        assert!(c.is_ok(), "{c:?}");
    }
    p.events.clear();
    p.wake();
    let data: Vec<&Data> = p
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Data(d) => Some(d),
            _ => None,
        })
        .collect();
    assert!(
        data.iter().any(|d| matches!(d, Data::Exists(4))),
        "{data:?}"
    );
    assert!(
        data.iter().any(|d| matches!(d, Data::Fetch { data, .. }
            if data.contains(&FetchData::Uid(Uid::new(4).unwrap())))),
        "{data:?}"
    );
    assert!(
        data.iter()
            .any(|d| matches!(d, Data::Status { mailbox, items }
            if mailbox.name() == Some("Archive")
                && items.contains(&(StatusItem::Messages, StatusValue::Number(1))))),
        "{data:?}"
    );
    // The client's mailbox numbers the new message and knows its UID from the FETCH.
    assert_eq!(p.client_uids().len(), 4);
    assert_eq!(p.client_uids()[3], Some(4));
}
