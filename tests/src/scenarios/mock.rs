//! The driver scenarios against the mock server, written once: [`mock_server_scenarios`]
//! expands them for one driver.

/// Every high-level method of a driver's `Session` against the mock server: one scenario run
/// once per transport.
/// Results are compared with what the mock server's store holds; what the mock server does not
/// support (SETQUOTA, Gmail extensions) must come back as the typed error, never as an empty
/// result. Also: an untrusted certificate is a TLS error over TLS and STARTTLS, and the
/// plaintext LOGIN rules.
///
/// Expands to a module `mock_scenarios` of `#[test]` functions. The scenario bodies are
/// written once, for a blocking or an async driver:
///
/// - `driver`: the driver crate (`imap_blocking`, `imap_tokio`);
/// - `async`: `[]` for a blocking driver, `[async]` for an async one (helpers become
///   `async fn`, each test body an `async` block);
/// - `await`: `[]`, or `[.await]`: what follows every call into the driver;
/// - `block_on`: `[]`, or the path of a function that runs a future to completion
///   (`fn block_on<F: Future>(f: F) -> F::Output`, as [`crate::runtime::block_on`] for tokio);
/// - `stream`: `[]`, or the path of a function that makes the blocking
///   [`std::net::TcpStream`] of the in-memory transport ([`crate::memory::in_memory`]) a stream
///   the driver's `Connector::connect_stream` takes ([`crate::runtime::tokio_stream`]).
///
/// Over plain TCP, implicit TLS, STARTTLS and the mock server's in-memory connection, with
/// and without COMPRESS=DEFLATE (plain TCP, TLS and in memory).
///
/// The calling module's imports are visible inside (`use super::*`): a driver whose methods
/// come from a trait is instantiated with that trait imported next to the macro call.
#[macro_export]
macro_rules! mock_server_scenarios {
    (
        driver = $d:ident,
        async = [$($async:tt)*],
        await = [$($aw:tt)*],
        block_on = [$($block_on:tt)*],
        stream = [$($stream:tt)*] $(,)?
    ) => {
        #[allow(unused_imports)]
        mod mock_scenarios {
        use super::*;
        use $d::imap_core::client::{Outcome, UsageError};
        use $d::imap_core::mailbox::Update;
        use $d::imap_core::ops::search::{sort_by, sort_by_reverse};
        use $d::types::{
            Capability, CommandBody, Date, DateTime, Flag, QuotaLimit, SearchReturn, Section, SeqNum,
            SortKey, StatusItem, Uid, UidSet,
        };
        use $d::prelude::*;
        use $d::imap_core::engine::HasEngine;
        use $d::imap_core::ops::op::SelectOptions;
        use $d::{
            Client, Connector, Credentials, Error, Event, FetchQuery, ListOptions, Mechanism, Query,
            Security, Session, SpecialUse, TlsOptions, outline,
        };
        use $crate::fixture::{self as mock_fixture, PASSWORD, Transport, USER};
        use mock_server::listener::{MockServer, RunningServer};
        use std::time::Duration;

        /// A connector for `transport`, trusting the server's self-signed certificate.
        fn connector(server: &RunningServer, transport: Transport) -> Connector {
            let (addr, pem) = mock_fixture::endpoint(server, transport);
            let c = Connector::new("127.0.0.1")
                .port(addr.port())
                .connect_timeout(Some(Duration::from_secs(10)))
                .command_timeout(Duration::from_secs(10))
                .password(USER, PASSWORD);
            match transport {
                Transport::Plain => c.security(Security::Plain).allow_plaintext_login(),
                Transport::Tls => c
                    .security(Security::Tls)
                    .tls(TlsOptions::new().ca_pem(pem.into_bytes())),
                Transport::StartTls => c
                    .security(Security::StartTls)
                    .tls(TlsOptions::new().ca_pem(pem.into_bytes())),
                Transport::Memory => c.security(Security::Plain).allow_plaintext_login(),
            }
        }

        /// A connection over `transport`, not logged in.
        $($async)* fn connect(server: &RunningServer, transport: Transport) -> Client {
            let c = connector(server, transport);
            match transport {
                Transport::Memory => {
                    let stream = $crate::memory::in_memory(server.server());
                    c.connect_stream($($stream)* (stream)) $($aw)*.unwrap()
                }
                _ => c.connect() $($aw)*.unwrap(),
            }
        }

        /// A session over `transport`, logged in as the test account.
        $($async)* fn login(server: &RunningServer, transport: Transport) -> Session {
            let client = connect(server, transport) $($aw)*;
            connector(server, transport).authenticate(client) $($aw)*.unwrap()
        }

        /// Whether `transport` runs TLS.
        fn is_tls(transport: Transport) -> bool {
            matches!(transport, Transport::Tls | Transport::StartTls)
        }

        fn seq(n: u32) -> SeqNum {
            SeqNum::new(n).unwrap()
        }

        /// Whether `err` is the server's refusal (NO or BAD), not a local or connection failure.
        fn refused(err: &Error) -> bool {
            matches!(err, Error::Command(c) if matches!(c.outcome, Outcome::No | Outcome::Bad))
        }

        $($async)* fn scenario(transport: Transport, compress: bool) {
            let server = mock_fixture::server();
            let inbox = mock_fixture::uids(&server, "INBOX");
            let [u1, u2, u3] = inbox[..] else {
                panic!("the store has three messages: {inbox:?}")
            };
            let mut s = login(&server, transport) $($aw)*;
            if compress {
                // COMPRESS=DEFLATE: everything after this runs compressed both ways.
                assert!(s.compress() $($aw)*.unwrap());
            }
            assert_eq!(s.is_tls(), is_tls(transport), "{transport:?}");

            client(&server, transport) $($aw)*;
            general(&mut s) $($aw)*;
            folders(&mut s, &server) $($aw)*;
            let summary = s.examine("INBOX") $($aw)*.unwrap();
            assert_eq!(summary.exists, 3);
            assert!(s.selected().unwrap().is_read_only());
            s.unselect() $($aw)*.unwrap();
            assert!(s.selected().is_none());
            let summary = s.select_with("INBOX", SelectOptions::read_write().with_condstore()) $($aw)*.unwrap();
            assert!(summary.highest_modseq.is_some(), "{summary:?}");
            let summary = s.select("INBOX") $($aw)*.unwrap();
            let status = s.folder_status("INBOX") $($aw)*.unwrap();
            assert_eq!(summary.exists, 3);
            assert_eq!(summary.uid_validity, status.uid_validity);
            assert_eq!(summary.uid_next, status.uid_next);

            search(&mut s, [u1, u2, u3]) $($aw)*;
            fetch(&mut s, &server, [u1, u2, u3]) $($aw)*;
            flags(&mut s, &server, [u1, u2, u3]) $($aw)*;
            messages(&mut s, &server, [u1, u2]) $($aw)*;
            idle(&mut s, &server, transport) $($aw)*;
            info(&mut s, &server) $($aw)*;
            acl_and_metadata(&mut s) $($aw)*;
            unsupported(&mut s, u1) $($aw)*;

            // CLOSE expunges what is marked \Deleted.
            let victim = *mock_fixture::uids(&server, "INBOX").last().unwrap();
            s.delete(victim) $($aw)*.unwrap();
            s.close() $($aw)*.unwrap();
            assert!(s.selected().is_none());
            assert!(!mock_fixture::uids(&server, "INBOX").contains(&victim));

            s.logout() $($aw)*.unwrap();
        }

        /// Before login: greeting, CAPABILITY, ID; a wrong password, then AUTHENTICATE on the same
        /// client; automatic mechanism choice; LOGOUT without logging in.
        $($async)* fn client(server: &RunningServer, transport: Transport) {
            let mut c = connect(server, transport) $($aw)*;
            assert_eq!(c.is_tls(), is_tls(transport));
            assert!(c.greeting().is_some());
            let caps = c.capabilities() $($aw)*.unwrap();
            assert!(caps.has(&Capability::SaslIr));
            // Offered on the plain port until the connection is protected (an in-memory one
            // counts as protected).
            assert_eq!(
                caps.has(&Capability::StartTls),
                transport == Transport::Plain
            );
            let id = c.id(&[]) $($aw)*.unwrap();
            assert!(id.iter().any(|p| p.name == "name" && p.value.as_deref() == Some("mock-server")));
            let err = c.login(USER, "wrong password") $($aw)*.unwrap_err();
            assert!(err.error.is_no(), "{:?}", err.error);
            let err = err.client.into_session().unwrap_err();
            assert!(matches!(err.error, Error::Usage(_)), "{:?}", err.error);
            let mut s = err
                .client
                .authenticate(
                    Mechanism::Plain,
                    Credentials::password(USER, PASSWORD.to_owned()),
                ) $($aw)*
                .unwrap();
            s.noop() $($aw)*.unwrap();
            s.logout() $($aw)*.unwrap();
            let c = connect(server, transport) $($aw)*;
            let s = c
                .authenticate_auto(Credentials::password(USER, PASSWORD.to_owned())) $($aw)*
                .unwrap();
            s.logout() $($aw)*.unwrap();
            connect(server, transport) $($aw)*.logout() $($aw)*.unwrap();
        }

        /// CAPABILITY, NAMESPACE, ID, ENABLE, NOOP, raw commands.
        $($async)* fn general(s: &mut Session) {
            let caps = s.capabilities() $($aw)*.unwrap();
            assert!(caps.has(&Capability::Idle) && caps.has(&Capability::UidPlus));
            assert!(s.capabilities() $($aw)*.unwrap().has(&Capability::Move));
            assert!(!s.capabilities() $($aw)*.unwrap().has(&Capability::StartTls));

            let ns = s.namespace() $($aw)*.unwrap();
            assert_eq!(ns.personal.len(), 1, "{ns:?}");
            assert_eq!(ns.personal[0].prefix.as_bytes(), b"");
            assert_eq!(ns.personal[0].delimiter, Some(b'/'));
            assert!(ns.other_users.is_empty() && ns.shared.is_empty());

            let id = s.id(&[("name", Some(concat!(stringify!($d), " tests")))]) $($aw)*.unwrap();
            assert!(
                id.iter().any(|p| p.name == "name" && p.value.as_deref() == Some("mock-server")),
                "{id:?}"
            );

            assert_eq!(
                s.enable(&[Capability::CondStore]) $($aw)*.unwrap(),
                vec![Capability::CondStore]
            );
            // Enabling it again enables nothing new.
            assert_eq!(s.enable(&[Capability::CondStore]) $($aw)*.unwrap(), vec![]);

            s.noop() $($aw)*.unwrap();
            let c = s.raw_command("NOOP") $($aw)*.unwrap();
            assert_eq!(c.outcome, Outcome::Ok);
            let err = s.raw_command("XNOSUCHCOMMAND with args") $($aw)*.unwrap_err();
            assert!(refused(&err), "{err:?}");
            let err = s.raw_command("NOOP\r\nA1 LOGOUT") $($aw)*.unwrap_err();
            assert!(
                matches!(err, Error::Usage(UsageError::Invalid(_))),
                "{err:?}"
            );
            // The connection is fine after both.
            s.run_command(CommandBody::Noop) $($aw)*.unwrap();
        }

        /// LIST (plain, with subscriptions, with STATUS), special folders, existence, STATUS, CREATE,
        /// RENAME, DELETE, SUBSCRIBE, UNSUBSCRIBE.
        $($async)* fn folders(s: &mut Session, server: &RunningServer) {
            let list = s.folders() $($aw)*.unwrap();
            let mut names: Vec<String> = list.iter().map(|f| f.name.to_string()).collect();
            names.sort();
            assert_eq!(names, mock_fixture::mailboxes(server));
            let subscribed = mock_fixture::account(server).subscriptions();
            for f in &list {
                assert_eq!(
                    f.subscribed,
                    subscribed.contains(&f.name.to_string()),
                    "{f:?}"
                );
                assert_eq!(f.delimiter, Some('/'));
            }
            let sent = list.iter().find(|f| f.name.to_string() == "Sent").unwrap();
            assert_eq!(sent.special_use(), Some(SpecialUse::Sent));

            let with_status = s.folders_with_status() $($aw)*.unwrap();
            let inbox = with_status
                .iter()
                .find(|f| f.name.to_string() == "INBOX")
                .unwrap();
            let st = inbox.status.as_ref().expect("LIST-STATUS data");
            assert_eq!(st.messages, Some(3));
            assert_eq!(st.unseen, Some(2));
            let archive = with_status
                .iter()
                .find(|f| f.name.to_string() == "Archive")
                .unwrap();
            assert_eq!(archive.status.as_ref().unwrap().messages, Some(0));

            let only_subscribed = s
                .list_folders(&ListOptions::all().subscribed_only()) $($aw)*
                .unwrap();
            let mut names: Vec<String> = only_subscribed.iter().map(|f| f.name.to_string()).collect();
            names.sort();
            let mut expected = subscribed.clone();
            expected.sort();
            assert_eq!(names, expected);

            let archive = s
                .find_special_folder(SpecialUse::Archive) $($aw)*
                .unwrap()
                .unwrap();
            assert_eq!(archive.name.to_string(), "Archive");
            assert!(
                s.find_special_folder(SpecialUse::Junk) $($aw)*
                    .unwrap()
                    .is_none()
            );

            assert!(s.folder_exists("Archive") $($aw)*.unwrap());
            assert!(!s.folder_exists("No such folder") $($aw)*.unwrap());

            let st = s
                .status(
                    "INBOX",
                    &[StatusItem::Messages, StatusItem::Unseen, StatusItem::Size],
                ) $($aw)*
                .unwrap();
            assert_eq!(st.messages, Some(3));
            assert_eq!(st.unseen, Some(2));
            let size: u64 = mock_fixture::uids(server, "INBOX")
                .into_iter()
                .map(|u| mock_fixture::raw(server, "INBOX", u).len() as u64)
                .sum();
            assert_eq!(st.size, Some(size));
            let err = s.folder_status("No such folder") $($aw)*.unwrap_err();
            assert!(err.is_no(), "{err:?}");

            s.create_folder("Work/2024") $($aw)*.unwrap();
            assert!(mock_fixture::mailboxes(server).contains(&"Work/2024".to_owned()));
            s.subscribe("Work/2024") $($aw)*.unwrap();
            assert!(
                mock_fixture::account(server)
                    .subscriptions()
                    .contains(&"Work/2024".to_owned())
            );
            s.rename_folder("Work/2024", "Projects") $($aw)*.unwrap();
            let boxes = mock_fixture::mailboxes(server);
            assert!(boxes.contains(&"Projects".to_owned()) && !boxes.contains(&"Work/2024".to_owned()));
            s.unsubscribe("Work/2024") $($aw)*.unwrap();
            assert!(
                !mock_fixture::account(server)
                    .subscriptions()
                    .contains(&"Work/2024".to_owned())
            );
            s.delete_folder("Projects") $($aw)*.unwrap();
            // CREATE made the parent too (RFC 9051 6.3.4) if the server keeps it.
            if mock_fixture::mailboxes(server).contains(&"Work".to_owned()) {
                s.delete_folder("Work") $($aw)*.unwrap();
            }
            assert!(
                !mock_fixture::mailboxes(server)
                    .iter()
                    .any(|m| m == "Projects" || m == "Work")
            );
            let err = s.delete_folder("Projects") $($aw)*.unwrap_err();
            assert!(err.is_no(), "{err:?}");
            let err = s.create_folder("INBOX") $($aw)*.unwrap_err();
            assert!(err.is_no(), "{err:?}");

            s.create_special_folder("Junk", SpecialUse::Junk) $($aw)*
                .unwrap();
            let junk = s
                .find_special_folder(SpecialUse::Junk) $($aw)*
                .unwrap()
                .unwrap();
            assert_eq!(junk.name.to_string(), "Junk");
            s.delete_folder("Junk") $($aw)*.unwrap();
        }

        /// SEARCH with the criteria builder and from text, SORT, THREAD; by UID and by sequence
        /// number. INBOX holds M1 (seen), M2, M3 (flagged, a reply to M1, large).
        $($async)* fn search(s: &mut Session, [u1, u2, u3]: [Uid; 3]) {
            assert_eq!(s.search(&Query::all()) $($aw)*.unwrap(), vec![u1, u2, u3]);
            assert_eq!(
                s.search(&Query::new().unseen()) $($aw)*.unwrap(),
                vec![u2, u3]
            );
            assert_eq!(
                s.search_seq(&Query::new().unseen()) $($aw)*.unwrap(),
                vec![seq(2), seq(3)]
            );
            assert_eq!(
                s.search(&Query::new().from("carol")) $($aw)*.unwrap(),
                vec![u2]
            );
            assert_eq!(
                s.search(&Query::new().or(Query::new().seen(), Query::new().flagged())) $($aw)*
                    .unwrap(),
                vec![u1, u3]
            );
            assert_eq!(
                s.search(&Query::new().larger(100_000)) $($aw)*.unwrap(),
                vec![u3]
            );
            assert_eq!(
                s.search(&Query::new().header("In-Reply-To", "<m1@example.org>")) $($aw)*
                    .unwrap(),
                vec![u3]
            );
            assert_eq!(
                s.search(&Query::new().not(Query::new().subject("hello"))) $($aw)*
                    .unwrap(),
                vec![u2]
            );
            assert_eq!(
                s.search(&Query::new().uids(UidSet::single(u2)).unseen()) $($aw)*
                    .unwrap(),
                vec![u2]
            );
            assert_eq!(
                s.search_text("SUBJECT report UNSEEN") $($aw)*.unwrap(),
                vec![u2]
            );
            assert!(matches!(
                s.search_text("SUBJECT") $($aw)*.unwrap_err(),
                Error::Query(_)
            ));
            assert!(
                s.search(&Query::new().body("no such words")) $($aw)*
                    .unwrap()
                    .is_empty()
            );

            // Base subjects: "hello world" (M1, M3 after "Re:"), "a report" (M2); ties by number.
            assert_eq!(
                s.sort(&[sort_by(SortKey::Subject)], &Query::all()) $($aw)*
                    .unwrap(),
                vec![u2, u1, u3]
            );
            assert_eq!(
                s.sort(&[sort_by_reverse(SortKey::Date)], &Query::all()) $($aw)*
                    .unwrap(),
                vec![u3, u2, u1]
            );
            assert_eq!(
                s.sort_seq(&[sort_by(SortKey::Size)], &Query::new().unseen()) $($aw)*
                    .unwrap(),
                vec![seq(2), seq(3)]
            );
            // ESORT (RFC 5267 section 3): MIN and MAX are first and last in sort order, ALL in order.
            let r = s
                .esort(
                    &[sort_by_reverse(SortKey::Date)],
                    &[
                        SearchReturn::Min,
                        SearchReturn::Max,
                        SearchReturn::All,
                        SearchReturn::Count,
                    ],
                    &Query::all(),
                ) $($aw)*
                .unwrap()
                .expect("an ESEARCH");
            assert_eq!(
                (r.min, r.max, r.count, r.uid),
                (Some(u3.get()), Some(u1.get()), Some(3), true)
            );
            assert_eq!(
                r.numbers().collect::<Vec<_>>(),
                [u3.get(), u2.get(), u1.get()]
            );

            let threads = s.thread("REFERENCES", &Query::all()) $($aw)*.unwrap();
            let mut shapes: Vec<Vec<u32>> = threads
                .iter()
                .map(|t| {
                    let mut v = Vec::new();
                    flatten(t, &mut v);
                    v
                })
                .collect();
            shapes.sort();
            assert_eq!(
                shapes,
                vec![vec![u1.get(), u3.get()], vec![u2.get()]],
                "{threads:?}"
            );
            let err = s.thread("NOT AN ATOM", &Query::all()) $($aw)*.unwrap_err();
            assert!(matches!(err, Error::Usage(_)), "{err:?}");
        }

        fn flatten(t: &$d::types::Thread, out: &mut Vec<u32>) {
            out.extend(&t.members);
            for c in &t.children {
                flatten(c, out);
            }
        }

        /// FETCH: summary, BODYSTRUCTURE, headers, sections, partial, BINARY, by UID and by sequence
        /// number, one message, and streaming to a writer.
        $($async)* fn fetch(s: &mut Session, server: &RunningServer, [u1, u2, u3]: [Uid; 3]) {
            let all = UidSet::all();
            let msgs = s
                .fetch(&all, &FetchQuery::summary().modseq()) $($aw)*
                .unwrap();
            assert_eq!(msgs.keys().copied().collect::<Vec<_>>(), vec![u1, u2, u3]);
            for (uid, subject) in [
                (u1, "hello world"),
                (u2, "a report"),
                (u3, "Re: hello world"),
            ] {
                let m = &msgs[&uid];
                assert_eq!(m.subject().as_deref(), Some(subject));
                assert_eq!(
                    m.size,
                    Some(mock_fixture::raw(server, "INBOX", uid).len() as u64)
                );
                assert_eq!(
                    mock_fixture::sorted(m.flags.clone().unwrap()),
                    mock_fixture::flags(server, "INBOX", uid)
                );
                assert!(m.internal_date.is_some() && m.modseq.is_some());
            }
            let env = msgs[&u2].envelope.as_ref().unwrap();
            assert_eq!(
                env.message_id().map(|s| s.to_string()),
                Some("<m2@example.com>".to_owned())
            );

            // The same, message by message as they arrive (fetch_stream), then the end.
            let mut stream = s
                .fetch_stream(&all, &FetchQuery::summary().modseq()) $($aw)*
                .unwrap();
            let mut streamed = Vec::new();
            while let Some(m) = stream.next() $($aw)*.unwrap() {
                streamed.push(m);
            }
            assert!(stream.next() $($aw)*.unwrap().is_none());
            let uids: Vec<Uid> = streamed.iter().filter_map(|m| m.uid).collect();
            assert_eq!(uids, vec![u1, u2, u3]);
            for m in &streamed {
                assert_eq!(Some(m), m.uid.and_then(|u| msgs.get(&u)));
            }

            // BODYSTRUCTURE.
            let m = s
                .fetch_one(u2, &FetchQuery::new().body_structure()) $($aw)*
                .unwrap();
            let parts = outline(m.body_structure.as_ref().unwrap());
            let shape: Vec<(Vec<u32>, String)> = parts
                .iter()
                .map(|p| (p.path.clone(), p.mime_type.clone()))
                .collect();
            assert_eq!(
                shape,
                vec![
                    (vec![], "multipart/mixed".to_owned()),
                    (vec![1], "text/plain".to_owned()),
                    (vec![2], "application/octet-stream".to_owned()),
                ]
            );
            assert_eq!(parts[1].charset.as_deref(), Some("utf-8"));
            assert_eq!(parts[2].encoding, "base64");
            assert_eq!(parts[2].filename.as_deref(), Some("data.bin"));
            assert_eq!(parts[2].disposition.as_deref(), Some("attachment"));
            let single = s
                .fetch_one(u1, &FetchQuery::new().body_structure()) $($aw)*
                .unwrap();
            assert_eq!(
                outline(single.body_structure.as_ref().unwrap())[0].mime_type,
                "text/plain"
            );

            // Header, header fields, text, a part, the whole message.
            let m1 = mock_fixture::raw(server, "INBOX", u1);
            let m = s
                .fetch_one(u1, &FetchQuery::new().header().text().body()) $($aw)*
                .unwrap();
            assert_eq!(m.body(), Some(&m1[..]));
            let split = m1.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
            assert_eq!(m.header(), Some(&m1[..split]));
            assert_eq!(m.text(), Some(&m1[split..]));
            assert_eq!(
                m.header_value("message-id").as_deref(),
                Some("<m1@example.org>")
            );
            let m = s
                .fetch_one(
                    u2,
                    &FetchQuery::new()
                        .header_fields(["Subject", "From"])
                        .part(&[1]),
                ) $($aw)*
                .unwrap();
            assert_eq!(m.header_value("Subject").as_deref(), Some("a report"));
            assert_eq!(
                m.header_value("From").as_deref(),
                Some("Carol <carol@example.com>")
            );
            assert!(m.header_value("To").is_none());
            assert_eq!(
                m.section(&Section {
                    part: vec![1],
                    text: None
                }),
                Some(&b"See the attachment."[..])
            );
            // Peeking left \Seen alone.
            assert!(!mock_fixture::flags(server, "INBOX", u2).contains(&Flag::Seen));

            // Partial.
            let m = s
                .fetch_one(
                    u3,
                    &FetchQuery::new().section(Section::default(), Some((8, 21))),
                ) $($aw)*
                .unwrap();
            let m3 = mock_fixture::raw(server, "INBOX", u3);
            assert_eq!(m.body(), Some(&m3[8..29]));
            assert_eq!(m.sections()[0].origin, Some(8));

            // BINARY: decoded by the server, whole and partial.
            let m = s
                .fetch_one(u2, &FetchQuery::new().binary(&[2], None)) $($aw)*
                .unwrap();
            assert_eq!(m.binary_part(&[2]), Some(mock_fixture::ATTACHMENT));
            let m = s
                .fetch_one(u2, &FetchQuery::new().binary(&[2], Some((7, 7)))) $($aw)*
                .unwrap();
            assert_eq!(m.binary_part(&[2]), Some(&b"payload"[..]));

            // By sequence number, still keyed by UID.
            let by_seq = s
                .fetch_seq(
                    &$d::seq_set(&[seq(1), seq(3)]).unwrap(),
                    &FetchQuery::new().flags(),
                ) $($aw)*
                .unwrap();
            assert_eq!(by_seq.keys().copied().collect::<Vec<_>>(), vec![u1, u3]);
            let by_set = s
                .fetch_set(UidSet::single(u2), &FetchQuery::new().size()) $($aw)*
                .unwrap();
            assert_eq!(
                by_set[&u2].size,
                Some(mock_fixture::raw(server, "INBOX", u2).len() as u64)
            );
            let err = s
                .fetch_one(Uid::new(999).unwrap(), &FetchQuery::new()) $($aw)*
                .unwrap_err();
            assert!(matches!(err, Error::NotFound(_)), "{err:?}");

            // Streaming: M3 (about 300 KiB, above the streaming threshold and above rustls' 64 KiB
            // send buffer, which the mock server once overran over TLS), M1 below it; a MIME part.
            let mut out = Vec::new();
            let n = s.download(u3, &mut out) $($aw)*.unwrap();
            assert_eq!(n as usize, m3.len());
            assert_eq!(out, m3);
            let mut out = Vec::new();
            s.fetch_to_writer(u1, Section::default(), &mut out) $($aw)*
                .unwrap();
            assert_eq!(out, m1);
            let mut out = Vec::new();
            s.fetch_to_writer(
                u2,
                Section {
                    part: vec![2],
                    text: None,
                },
                &mut out,
            ) $($aw)*
            .unwrap();
            assert_eq!(out, b"YmluYXJ5IHBheWxvYWQgAAEC/yBlbmQ=");
            let err = s
                .download(Uid::new(999).unwrap(), &mut Vec::new()) $($aw)*
                .unwrap_err();
            assert!(matches!(err, Error::NotFound(_)), "{err:?}");
            // The connection is in order after all that.
            assert_eq!(s.search(&Query::all()) $($aw)*.unwrap(), vec![u1, u2, u3]);
        }

        /// Flags and keywords: get, add, remove, set; the results and the store agree.
        $($async)* fn flags(s: &mut Session, server: &RunningServer, [u1, u2, u3]: [Uid; 3]) {
            let got = s.flags(UidSet::all()) $($aw)*.unwrap();
            for uid in [u1, u2, u3] {
                assert_eq!(
                    mock_fixture::sorted(got[&uid].clone()),
                    mock_fixture::flags(server, "INBOX", uid)
                );
            }
            let r = s
                .add_flags(u2, &[Flag::Flagged, Flag::Answered]) $($aw)*
                .unwrap();
            assert_eq!(
                mock_fixture::sorted(r[&u2].clone()),
                mock_fixture::sorted(vec![Flag::Flagged, Flag::Answered])
            );
            check(s, server, u2, &[Flag::Flagged, Flag::Answered]) $($aw)*;
            let r = s.remove_flags(u2, &[Flag::Answered]) $($aw)*.unwrap();
            assert_eq!(mock_fixture::sorted(r[&u2].clone()), vec![Flag::Flagged]);
            check(s, server, u2, &[Flag::Flagged]) $($aw)*;
            let r = s.set_flags(u3, &[Flag::Seen, Flag::Draft]) $($aw)*.unwrap();
            assert_eq!(
                mock_fixture::sorted(r[&u3].clone()),
                mock_fixture::sorted(vec![Flag::Seen, Flag::Draft])
            );
            check(s, server, u3, &[Flag::Seen, Flag::Draft]) $($aw)*;
            // By sequence number: the result is still keyed by UID.
            let r = s
                .add_flags($d::seq_set(&[seq(1)]).unwrap(), &[Flag::Flagged]) $($aw)*
                .unwrap();
            assert_eq!(r.keys().copied().collect::<Vec<_>>(), vec![u1]);
            check(s, server, u1, &[Flag::Seen, Flag::Flagged]) $($aw)*;

            let fwd = Flag::parse("$Forwarded").unwrap();
            let r = s
                .add_keywords(UidSet::single(u1), &["$Forwarded", "NonJunk"]) $($aw)*
                .unwrap();
            assert!(r[&u1].contains(&fwd));
            check(
                s,
                server,
                u1,
                &[
                    Flag::Seen,
                    Flag::Flagged,
                    fwd.clone(),
                    Flag::parse("NonJunk").unwrap(),
                ],
            ) $($aw)*;
            s.remove_keywords(u1, &["NonJunk"]) $($aw)*.unwrap();
            check(s, server, u1, &[Flag::Seen, Flag::Flagged, fwd]) $($aw)*;
            let err = s.add_keywords(u1, &["two words"]) $($aw)*.unwrap_err();
            assert!(matches!(err, Error::Usage(_)), "{err:?}");
            let err = s.add_keywords(u1, &["\\Seen)"]) $($aw)*.unwrap_err();
            assert!(matches!(err, Error::Usage(_)), "{err:?}");
        }

        /// Asserts that the store and a FETCH FLAGS agree that `uid` has `expected`.
        $($async)* fn check(s: &mut Session, server: &RunningServer, uid: Uid, expected: &[Flag]) {
            let expected = mock_fixture::sorted(expected.to_vec());
            assert_eq!(mock_fixture::flags(server, "INBOX", uid), expected);
            assert_eq!(
                mock_fixture::sorted(s.flags(uid) $($aw)*.unwrap()[&uid].clone()),
                expected
            );
        }

        /// APPEND (APPENDUID), COPY and MOVE (COPYUID), delete and EXPUNGE / UID EXPUNGE with
        /// renumbering.
        $($async)* fn messages(s: &mut Session, server: &RunningServer, [u1, u2]: [Uid; 2]) {
            let before = mock_fixture::uids(server, "INBOX");
            let appended = s
                .append("INBOX", &mock_fixture::extra(1), &[Flag::Seen], None) $($aw)*
                .unwrap();
            let after = mock_fixture::uids(server, "INBOX");
            let x1 = *after.last().unwrap();
            assert_eq!(after.len(), before.len() + 1);
            assert_eq!(appended.uid, Some(x1));
            let status = s.folder_status("INBOX") $($aw)*.unwrap();
            assert_eq!(appended.uid_validity, status.uid_validity);
            assert_eq!(
                mock_fixture::raw(server, "INBOX", x1),
                mock_fixture::extra(1)
            );
            assert_eq!(mock_fixture::flags(server, "INBOX", x1), vec![Flag::Seen]);
            // Into another folder, with an internal date.
            let date = DateTime::new(Date::new(2024, 1, 1).unwrap(), 10, 0, 0, 60).unwrap();
            let a = s
                .append("Sent", &mock_fixture::extra(2), &[], Some(date)) $($aw)*
                .unwrap();
            let sent = mock_fixture::uids(server, "Sent");
            assert_eq!(a.uid, sent.last().copied());
            let m = mock_fixture::account(server)
                .message("Sent", sent[0])
                .unwrap()
                .unwrap();
            assert_eq!(m.internal_date, date);
            let err = s
                .append("No such folder", &mock_fixture::extra(3), &[], None) $($aw)*
                .unwrap_err();
            assert!(err.is_no(), "{err:?}");
            // The new message is in the session's model (EXISTS was announced).
            s.noop() $($aw)*.unwrap();
            assert_eq!(s.selected().unwrap().exists() as usize, after.len());

            // COPY by UID and by sequence number.
            let mapping = s
                .copy(UidSet::single(u1), "Archive") $($aw)*
                .unwrap()
                .unwrap();
            let archive = mock_fixture::uids(server, "Archive");
            assert_eq!(mapping.pairs().collect::<Vec<_>>(), vec![(u1, archive[0])]);
            assert_eq!(mapping.destination(u1), Some(archive[0]));
            assert_eq!(
                mock_fixture::raw(server, "Archive", archive[0]),
                mock_fixture::raw(server, "INBOX", u1)
            );
            let mapping = s
                .copy($d::seq_set(&[seq(1)]).unwrap(), "Trash") $($aw)*
                .unwrap()
                .unwrap();
            assert_eq!(
                mapping.pairs().collect::<Vec<_>>(),
                vec![(u1, mock_fixture::uids(server, "Trash")[0])]
            );

            // MOVE: gone from INBOX, renumbered in the model.
            let exists = s.selected().unwrap().exists();
            let mapping = s
                .move_messages(&UidSet::single(u2), "Archive") $($aw)*
                .unwrap()
                .unwrap();
            let archive = mock_fixture::uids(server, "Archive");
            assert_eq!(mapping.pairs().collect::<Vec<_>>(), vec![(u2, archive[1])]);
            assert!(!mock_fixture::uids(server, "INBOX").contains(&u2));
            // The mapping names the destination's UIDVALIDITY.
            let archive_status = s.folder_status("Archive") $($aw)*.unwrap();
            assert_eq!(Some(mapping.uid_validity), archive_status.uid_validity);
            let model = s.selected().unwrap();
            assert_eq!(model.exists(), exists - 1);
            assert_eq!(model.seq(u2), None);
            assert_eq!(
                model.uid(seq(2)),
                Some(mock_fixture::uids(server, "INBOX")[1])
            );

            // Delete and expunge: UID EXPUNGE removes only the one asked for.
            let y1 = s
                .append("INBOX", &mock_fixture::extra(4), &[], None) $($aw)*
                .unwrap()
                .uid
                .unwrap();
            let y2 = s
                .append("INBOX", &mock_fixture::extra(5), &[], None) $($aw)*
                .unwrap()
                .uid
                .unwrap();
            s.noop() $($aw)*.unwrap();
            s.delete(UidSet::single(y2)) $($aw)*.unwrap();
            assert!(mock_fixture::flags(server, "INBOX", y2).contains(&Flag::Deleted));
            // Regression: the model did not know y1's UID (appended, announced by EXISTS only), and
            // the result used to name no UID at all.
            let expunged = s.delete_and_expunge(&UidSet::single(y1)) $($aw)*.unwrap();
            assert_eq!(expunged.uids(), vec![y1]);
            assert_eq!(expunged.count(), 1);
            let inbox = mock_fixture::uids(server, "INBOX");
            assert!(!inbox.contains(&y1) && inbox.contains(&y2));
            // The later message moved down by one.
            let model = s.selected().unwrap();
            assert_eq!(model.exists() as usize, inbox.len());
            let last = seq(inbox.len() as u32);
            assert!(model.uid(last).is_none_or(|u| u == y2));
            assert_eq!(
                s.search_seq(&Query::new().uids(UidSet::single(y2))) $($aw)*
                    .unwrap(),
                vec![last]
            );
            // EXPUNGE removes every \Deleted one, by sequence number (y2 was marked with a silent
            // STORE, so the model may not know its UID).
            let expunged = s.expunge() $($aw)*.unwrap();
            assert_eq!(expunged.count(), 1);
            assert_eq!(expunged.messages[0].seq, seq(inbox.len() as u32));
            assert!(expunged.messages[0].uid.is_none_or(|u| u == y2));
            assert!(!mock_fixture::uids(server, "INBOX").contains(&y2));
            // UID EXPUNGE of a message not marked \Deleted removes nothing.
            let expunged = s.expunge_uids(&UidSet::single(x1)) $($aw)*.unwrap();
            assert_eq!(expunged.count(), 0);
            assert!(mock_fixture::uids(server, "INBOX").contains(&x1));
        }

        /// IDLE: a second connection appends and changes flags; the idling session hears of it.
        $($async)* fn idle(s: &mut Session, server: &RunningServer, transport: Transport) {
            let mut other = login(server, transport) $($aw)*;
            let before = s.selected().unwrap().exists();
            // Events queued by earlier commands (EXISTS after APPEND, ...) are not what this waits for.
            s.drain_events();

            let mut idle = s.idle() $($aw)*.unwrap();
            let new_uid = other
                .append("INBOX", &mock_fixture::extra(6), &[], None) $($aw)*
                .unwrap()
                .uid
                .unwrap();
            let mut got_exists = false;
            for _ in 0..50 {
                if let Some(Event::Mailbox(Update::Exists { exists, .. })) =
                    idle.wait_timeout(Duration::from_millis(200)) $($aw)*.unwrap()
                {
                    assert_eq!(exists, before + 1);
                    got_exists = true;
                    break;
                }
            }
            assert!(got_exists, "no EXISTS while idling");
            assert_eq!(idle.selected().unwrap().exists(), before + 1);
            idle.done() $($aw)*.unwrap();
            // The session works after IDLE; the new message is there.
            let last = s.search(&Query::all()) $($aw)*.unwrap().last();
            assert_eq!(last, Some(new_uid));

            // A flag change made while the session was not idling is announced when IDLE starts.
            other.select("INBOX") $($aw)*.unwrap();
            other.add_flags(new_uid, &[Flag::Flagged]) $($aw)*.unwrap();
            let events = s.idle_for(Duration::from_secs(10)) $($aw)*.unwrap();
            assert!(
                events.iter().any(|e| matches!(
                    e,
                    Event::Mailbox(Update::Fetched(f)) if f.message.uid == Some(new_uid)
                )),
                "{events:?}"
            );

            // An expunge by the other session arrives with NOOP, renumbering the model.
            let exists = s.selected().unwrap().exists();
            other
                .delete_and_expunge(&UidSet::single(new_uid)) $($aw)*
                .unwrap();
            s.drain_events();
            s.noop() $($aw)*.unwrap();
            let events = s.drain_events();
            assert!(
                events
                    .iter()
                    .any(|e| matches!(e, Event::Mailbox(Update::Expunged(m)) if m.uid == Some(new_uid))),
                "{events:?}"
            );
            assert_eq!(s.selected().unwrap().exists(), exists - 1);
            assert_eq!(s.selected().unwrap().seq(new_uid), None);
            other.logout() $($aw)*.unwrap();
        }

        /// QUOTA: the store's usage.
        $($async)* fn info(s: &mut Session, server: &RunningServer) {
            let expected = mock_fixture::account(server).quota().resources();
            let $d::imap_core::ops::op::QuotaRoots { roots, quotas, .. } =
                s.quota_root("INBOX") $($aw)*.unwrap();
            assert_eq!(roots, vec![String::new()]);
            assert_eq!(quotas.len(), 1);
            assert_eq!(quotas[0].root, "");
            assert_eq!(quotas[0].resources, expected);
            let quotas = s.quota("") $($aw)*.unwrap();
            assert_eq!(quotas[0].resources, expected);
            let err = s.quota("nonexistent-root") $($aw)*.unwrap_err();
            assert!(err.is_no(), "{err:?}");
            let err = s
                .set_quota(
                    "",
                    vec![QuotaLimit {
                        name: "STORAGE".try_into().unwrap(),
                        limit: 10,
                    }],
                ) $($aw)*
                .unwrap_err();
            assert!(err.is_no(), "{err:?}");
        }

        /// ACL (RFC 4314) and METADATA (RFC 5464), which the mock server answers in the selected
        /// state as in the authenticated one: grants show in GETACL until deleted, the owner holds every
        /// right, and an annotation reads back as it was set.
        $($async)* fn acl_and_metadata(s: &mut Session) {
            let owner = [(USER.to_owned(), "lrswipkxteacd".to_owned())];
            let acl = |entries: Vec<$d::types::AclEntry>| -> Vec<(String, String)> {
                entries
                    .iter()
                    .map(|e| (e.identifier.to_string(), e.rights.to_string()))
                    .collect()
            };
            assert_eq!(acl(s.acl("INBOX") $($aw)*.unwrap()), owner);
            s.set_acl("INBOX", "bob", "+r") $($aw)*.unwrap();
            let mut with_bob = owner.to_vec();
            with_bob.push(("bob".to_owned(), "r".to_owned()));
            assert_eq!(acl(s.acl("INBOX") $($aw)*.unwrap()), with_bob);
            s.delete_acl("INBOX", "bob") $($aw)*.unwrap();
            assert_eq!(acl(s.acl("INBOX") $($aw)*.unwrap()), owner);
            assert_eq!(s.my_rights("INBOX") $($aw)*.unwrap(), "lrswipkxteacd");
            let rights = s.list_rights("INBOX", "bob") $($aw)*.unwrap();
            let (required, optional) = (rights.required, rights.optional);
            assert_eq!(required, "");
            assert!(optional.iter().any(|r| r == "r"), "{optional:?}");
            s.set_metadata("INBOX", &[("/private/comment", Some("hi"))]) $($aw)*
                .unwrap();
            let got = s.metadata("INBOX", &["/private/comment"]) $($aw)*.unwrap();
            let got: Vec<(String, Option<String>)> = got
                .iter()
                .map(|e| (e.name.to_string(), e.value.as_ref().map(ToString::to_string)))
                .collect();
            assert_eq!(
                got,
                [("/private/comment".to_owned(), Some("hi".to_owned()))]
            );
        }

        /// What the mock server does not implement (Gmail's extensions): the typed refusal, and the
        /// session goes on.
        $($async)* fn unsupported(s: &mut Session, u1: Uid) {
            let errors = [
                s.gmail_search("has:attachment") $($aw)*
                    .map(drop)
                    .unwrap_err(),
                s.labels(u1) $($aw)*.map(drop).unwrap_err(),
                s.add_labels(u1, &["important"]) $($aw)*.unwrap_err(),
                s.remove_labels(u1, &["important"]) $($aw)*.unwrap_err(),
                s.set_labels(u1, &["important"]) $($aw)*.unwrap_err(),
            ];
            for err in &errors {
                assert!(refused(err), "{err:?}");
            }
            s.noop() $($aw)*.unwrap();
        }

        #[test]
        fn every_method_in_memory() {
            $($block_on)* ($($async)* { scenario(Transport::Memory, false) $($aw)*; })
        }

        #[test]
        fn every_method_compressed_in_memory() {
            $($block_on)* ($($async)* { scenario(Transport::Memory, true) $($aw)*; })
        }

        #[test]
        fn every_method_over_plain_tcp() {
            $($block_on)* ($($async)* { scenario(Transport::Plain, false) $($aw)*; })
        }

        #[test]
        fn every_method_compressed_over_plain_tcp() {
            $($block_on)* ($($async)* { scenario(Transport::Plain, true) $($aw)*; })
        }

        #[test]
        fn every_method_compressed_over_implicit_tls() {
            $($block_on)* ($($async)* { scenario(Transport::Tls, true) $($aw)*; })
        }

        #[test]
        fn every_method_over_implicit_tls() {
            $($block_on)* ($($async)* { scenario(Transport::Tls, false) $($aw)*; })
        }

        #[test]
        fn every_method_over_starttls() {
            $($block_on)* ($($async)* { scenario(Transport::StartTls, false) $($aw)*; })
        }

        /// Regression: STARTTLS against an untrusted certificate failed as
        /// [`Error::StartTlsUnavailable`] (the handshake error was dropped because the STARTTLS
        /// command itself had completed OK); it is the TLS error, as with implicit TLS.
        #[test]
        fn an_untrusted_certificate_is_a_tls_error_over_tls_and_starttls() {
            $($block_on)* ($($async)* {
            let server = mock_fixture::server();
            for (addr, security) in [
                (server.tls_addr(), Security::Tls),
                (server.addr(), Security::StartTls),
            ] {
                let err = Connector::new("127.0.0.1")
                    .port(addr.port())
                    .security(security)
                    .connect_timeout(Some(Duration::from_secs(10)))
                    .connect() $($aw)*
                    .unwrap_err();
                assert!(
                    matches!(&err, Error::Tls(e) if e.to_string().contains("certificate")),
                    "{security:?}: {err:?}"
                );
            }})
        }

        /// LOGIN in the clear: refused by the client without the opt-in, and refused by a server that
        /// advertises LOGINDISABLED before STARTTLS even with it; after STARTTLS it works.
        #[test]
        fn plaintext_login_needs_the_opt_in_and_the_servers_consent() {
            $($block_on)* ($($async)* {
            let server = mock_fixture::server();
            let (addr, _) = mock_fixture::endpoint(&server, Transport::Plain);
            let plain = Connector::new("127.0.0.1")
                .port(addr.port())
                .security(Security::Plain)
                .connect_timeout(Some(Duration::from_secs(10)));
            let err = plain
                .connect() $($aw)*
                .unwrap()
                .login(USER, PASSWORD) $($aw)*
                .unwrap_err();
            assert!(
                matches!(err.error, Error::Usage(UsageError::PlaintextLogin)),
                "{:?}",
                err.error
            );

            let strict = MockServer::builder()
                .store(mock_fixture::store())
                .starttls()
                .start()
                .unwrap();
            let err = plain
                .clone()
                .port(strict.addr().port())
                .allow_plaintext_login()
                .connect() $($aw)*
                .unwrap()
                .login(USER, PASSWORD) $($aw)*
                .unwrap_err();
            assert!(
                matches!(err.error, Error::Usage(UsageError::LoginDisabled)),
                "{:?}",
                err.error
            );
            let (_, pem) = mock_fixture::endpoint(&strict, Transport::StartTls);
            let s = Connector::new("127.0.0.1")
                .port(strict.addr().port())
                .starttls()
                .tls(TlsOptions::new().ca_pem(pem.into_bytes()))
                .password(USER, PASSWORD)
                .login() $($aw)*
                .unwrap();
            s.logout() $($aw)*.unwrap();})
        }
        }
    };
}
