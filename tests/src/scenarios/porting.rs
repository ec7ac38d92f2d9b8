//! The commands imaplib and IMAPClient users reach for, against the mock server, written once:
//! [`porting_scenarios`] expands them for one driver.

/// MULTIAPPEND (each new UID named, the store holding the messages in order), CHECK, FETCH
/// CHANGEDSINCE and SEARCH MODSEQ, SEARCH CHARSET ISO-8859-1 (the strings written in it and found by the server),
/// THREAD and MOVE by sequence numbers, compared with what the mock server's store holds; XLIST
/// with Gmail's role names read as SPECIAL-USE; PROXYAUTH, which the mock server does not
/// offer, comes back as the server's refusal.
///
/// Expands to a module `porting_scenarios`; the parameters are those of
/// [`crate::mock_server_scenarios`].
#[macro_export]
macro_rules! porting_scenarios {
    (
        driver = $d:ident,
        async = [$($async:tt)*],
        await = [$($aw:tt)*],
        block_on = [$($block_on:tt)*],
        stream = [$($stream:tt)*] $(,)?
    ) => {
        #[allow(unused_imports)]
        mod porting_scenarios {
        use super::*;
        use $d::imap_core::client::Outcome;
        use $d::imap_core::ops::messages::AppendItem;
        use $d::imap_core::ops::op::SelectOptions;
        use $d::prelude::*;
        use $d::types::{Flag, SeqNum, SeqSet, UidSet};
        use $d::{Connector, Error, FetchQuery, Query, Security, Session, SpecialUse};
        use $crate::fixture::{self, PASSWORD, Transport, USER};
        use mock_server::listener::RunningServer;
        use std::time::Duration;

        fn seq(n: u32) -> SeqNum {
            SeqNum::new(n).unwrap()
        }

        $($async)* fn login(server: &RunningServer) -> Session {
            let (addr, _) = fixture::endpoint(server, Transport::Plain);
            Connector::new("127.0.0.1")
                .port(addr.port())
                .security(Security::Plain)
                .allow_plaintext_login()
                .connect_timeout(Some(Duration::from_secs(10)))
                .command_timeout(Duration::from_secs(10))
                .password(USER, PASSWORD)
                .login()
                $($aw)* .unwrap()
        }

        /// Whether `err` is the server's refusal (NO or BAD).
        fn refused(err: &Error) -> bool {
            matches!(err, Error::Command(c) if matches!(c.outcome, Outcome::No | Outcome::Bad))
        }

        const GREETING: &[u8] = b"Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nMessage-ID: <a@x>\r\n\r\nhallo\r\n";
        const REPLY: &[u8] = b"Subject: Re: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nMessage-ID: <b@x>\r\nIn-Reply-To: <a@x>\r\nReferences: <a@x>\r\n\r\nauch\r\n";
        const OTHER: &[u8] = b"Subject: other\r\nMessage-ID: <c@x>\r\n\r\nnothing\r\n";

        #[test]
        fn multiappend_check_search_charset_thread_and_move_by_sequence_numbers() {
            $($block_on)* ($($async)* {
                let server = fixture::server();
                let mut s = login(&server) $($aw)*;
                s.create_folder("Ported") $($aw)* .unwrap();
                let appended = s
                    .multiappend(
                        "Ported",
                        vec![
                            AppendItem::new(GREETING).flags(vec![Flag::Seen]),
                            AppendItem::new(REPLY),
                            AppendItem::new(OTHER),
                        ],
                    )
                    $($aw)* .unwrap();
                let stored = fixture::uids(&server, "Ported");
                let named: Vec<_> = appended.iter().map(|a| a.uid.unwrap()).collect();
                assert_eq!(named, stored, "MULTIAPPEND names each new UID in order");
                assert_eq!(fixture::flags(&server, "Ported", stored[0]), vec![Flag::Seen]);

                s.select("Ported") $($aw)* .unwrap();
                s.check() $($aw)* .unwrap();

                // "Grüße" written in ISO-8859-1: the mock server reads it back and finds both.
                let found = s
                    .search_charset(&Query::new().subject("Grüße"), "ISO-8859-1")
                    $($aw)* .unwrap();
                assert_eq!(found.iter().collect::<Vec<_>>(), stored[..2].to_vec());
                let seqs = s
                    .search_seq_charset(&Query::new().body("hallo"), "KOI8-R")
                    $($aw)* .unwrap();
                assert_eq!(seqs.iter().collect::<Vec<_>>(), vec![seq(1)]);
                let e = s
                    .search_charset(&Query::new().subject("€"), "ISO-8859-1")
                    $($aw)* .unwrap_err();
                assert!(!refused(&e), "refused locally, not by the server: {e:?}");

                let threads = s.thread_seq("REFERENCES", &Query::all()) $($aw)* .unwrap();
                let mut shapes: Vec<_> = threads
                    .iter()
                    .map(|t| (t.members.clone(), t.children.len()))
                    .collect();
                shapes.sort();
                assert_eq!(shapes, vec![(vec![1, 2], 0), (vec![3], 0)], "{threads:?}");

                let mapping = s
                    .move_seq(&SeqSet::range(seq(2), seq(3)), "Archive")
                    $($aw)* .unwrap()
                    .expect("the mock server has UIDPLUS");
                assert_eq!(fixture::uids(&server, "Ported"), stored[..1].to_vec());
                assert_eq!(mapping.len(), 2);
                assert_eq!(
                    mapping.pairs().map(|(from, _)| from).collect::<Vec<_>>(),
                    stored[1..].to_vec()
                );
                assert_eq!(s.selected().unwrap().exists(), 1);
                s.logout() $($aw)* .unwrap();
            })
        }

        #[test]
        fn fetch_changed_since_yields_only_what_changed() {
            $($block_on)* ($($async)* {
                let server = fixture::server();
                let inbox = fixture::uids(&server, "INBOX");
                let mut s = login(&server) $($aw)*;
                let summary = s
                    .select_with("INBOX", SelectOptions::read_write().with_condstore())
                    $($aw)* .unwrap();
                let before = summary.highest_modseq.expect("CONDSTORE");
                s.add_flags(UidSet::single(inbox[1]), &[Flag::Answered]) $($aw)* .unwrap();
                let query = FetchQuery::new().flags().changed_since(before);
                let changed = s.fetch(&UidSet::all(), &query) $($aw)* .unwrap();
                assert_eq!(changed.keys().copied().collect::<Vec<_>>(), vec![inbox[1]]);
                let m = &changed[&inbox[1]];
                assert!(m.modseq.unwrap() > before);
                assert!(m.has_flag(&Flag::Answered).unwrap());
                // SEARCH's CHANGEDSINCE is CONDSTORE's MODSEQ criterion, which takes the
                // mod-sequence itself too (RFC 7162 section 3.1.5): after `before` is from
                // `before + 1`.
                let searched = s.search(&Query::new().changed_since(before + 1)) $($aw)* .unwrap();
                assert_eq!(searched.iter().collect::<Vec<_>>(), vec![inbox[1]]);
                let since_now = FetchQuery::new().changed_since(m.modseq.unwrap());
                assert!(s.fetch_seq(&SeqSet::all(), &since_now) $($aw)* .unwrap().is_empty());
                s.logout() $($aw)* .unwrap();
            })
        }

        #[test]
        fn xlist_reads_gmails_roles_as_special_use() {
            $($block_on)* ($($async)* {
                let server = fixture::server();
                let mut s = login(&server) $($aw)*;
                s.create_special_folder("All Mail", SpecialUse::All) $($aw)* .unwrap();
                s.create_special_folder("Spam", SpecialUse::Junk) $($aw)* .unwrap();
                let folders = s.xlist_folders("*") $($aw)* .unwrap();
                let role = |name: &str| {
                    let f = folders.iter().find(|f| f.name.display_name() == name);
                    f.unwrap_or_else(|| panic!("no {name}: {folders:?}")).special_use()
                };
                // The mock server writes `\AllMail` and `\Spam`, as Gmail did.
                assert_eq!(role("All Mail"), Some(SpecialUse::All));
                assert_eq!(role("Spam"), Some(SpecialUse::Junk));
                assert_eq!(role("Sent"), Some(SpecialUse::Sent));
                assert_eq!(role("INBOX"), None);
                assert_eq!(folders.len(), fixture::account(&server).mailboxes().len());
                s.logout() $($aw)* .unwrap();
            })
        }

        #[test]
        fn proxyauth_is_the_servers_refusal_where_it_has_none() {
            $($block_on)* ($($async)* {
                let server = fixture::server();
                let mut s = login(&server) $($aw)*;
                let e = s.proxy_auth("bob") $($aw)* .unwrap_err();
                assert!(refused(&e), "{e:?}");
                // The session goes on.
                assert_eq!(s.select("INBOX") $($aw)* .unwrap().exists, 3);
                s.logout() $($aw)* .unwrap();
            })
        }
        }
    };
}
