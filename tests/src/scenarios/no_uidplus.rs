//! A client against a server without UIDPLUS (RFC 4315), written once:
//! [`no_uidplus_scenarios`] expands it for one driver.

/// What `imap-tokio/examples/async_session.rs` does to remove its test message, against the
/// mock server acting as a server without UIDPLUS (`MockServerBuilder::without_uidplus`):
/// APPEND of a message with a unique Message-ID names no UID, SEARCH HEADER Message-ID finds
/// it, `delete_and_expunge` removes it. Without UIDPLUS (or IMAP4rev2) `delete_and_expunge`
/// falls back to a plain EXPUNGE, which also removes every other message already marked
/// `\Deleted`: the scenario marks one first and asserts that it goes too, as documented on
/// `op::DeleteAndExpunge`, while unmarked messages stay.
///
/// Expands to a module `no_uidplus_scenarios`; the parameters are those of
/// [`crate::mock_server_scenarios`].
#[macro_export]
macro_rules! no_uidplus_scenarios {
    (
        driver = $d:ident,
        async = [$($async:tt)*],
        await = [$($aw:tt)*],
        block_on = [$($block_on:tt)*],
        stream = [$($stream:tt)*] $(,)?
    ) => {
        #[allow(unused_imports)]
        mod no_uidplus_scenarios {
        use super::*;
        use $d::prelude::*;
        use $d::types::{Capability, Flag, UidSet};
        use $d::{Connector, Query, Security};
        use $crate::fixture::{self, PASSWORD, USER};
        use mock_server::listener::MockServer;
        use std::time::Duration;

        const MESSAGE_ID: &str = "<no-uidplus-scenario@example.org>";

        #[test]
        fn appended_message_found_by_message_id_and_removed_without_uidplus() {
            $($block_on)* ($($async)* {
                let server = MockServer::builder()
                    .store(fixture::store())
                    .allow_plaintext_login()
                    .without_uidplus()
                    .start()
                    .expect("starting the mock server");
                let addr = server.addr();
                let mut s = Connector::new("127.0.0.1")
                    .port(addr.port())
                    .security(Security::Plain)
                    .allow_plaintext_login()
                    .connect_timeout(Some(Duration::from_secs(10)))
                    .command_timeout(Duration::from_secs(10))
                    .password(USER, PASSWORD)
                    .login()
                    $($aw)* .unwrap();
                let caps = s.capabilities() $($aw)* .unwrap();
                assert!(!caps.has(&Capability::UidPlus) && !caps.is_rev2(), "{caps:?}");

                let [u1, u2, u3] = <[_; 3]>::try_from(fixture::uids(&server, "INBOX")).unwrap();
                s.select("INBOX") $($aw)* .unwrap();
                // Another message already marked \Deleted.
                s.delete(UidSet::single(u2)) $($aw)* .unwrap();
                assert!(fixture::flags(&server, "INBOX", u2).contains(&Flag::Deleted));

                let message = format!(
                    "From: me@example.org\r\nSubject: test\r\nMessage-ID: {MESSAGE_ID}\r\n\r\nHello.\r\n"
                );
                let appended = s
                    .append("INBOX", message.as_bytes(), &[Flag::Seen, Flag::Draft], None)
                    $($aw)* .unwrap();
                assert_eq!(appended.uid, None, "no APPENDUID without UIDPLUS");
                let stored = fixture::uids(&server, "INBOX");
                let new = *stored.last().unwrap();
                assert_eq!(stored, vec![u1, u2, u3, new]);

                // As the example: its Message-ID finds it.
                let query = Query::parse(&format!("HEADER Message-ID \"{MESSAGE_ID}\"")).unwrap();
                let found: Vec<_> = s.search(&query) $($aw)* .unwrap().iter().collect();
                assert_eq!(found, vec![new]);

                let set = $d::uid_set(&found).unwrap();
                let expunged = s.delete_and_expunge(&set) $($aw)* .unwrap();
                // The fallback's plain EXPUNGE takes the other \Deleted message with it.
                assert_eq!(expunged.count(), 2, "{expunged:?}");
                assert_eq!(fixture::uids(&server, "INBOX"), vec![u1, u3]);
                assert_eq!(s.selected().unwrap().exists(), 2);
                s.logout() $($aw)* .unwrap();
            })
        }
        }
    };
}
