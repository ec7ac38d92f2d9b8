//! The driver scenarios about settings and trust, written once: [`trust_scenarios`] expands
//! them for one driver.

/// Settings refused before connecting (an `imaps://` URL switched to plain text, a URL user
/// without a password, a password without a user), each a typed error while nothing
/// connected to the port.
///
/// Expands to a module `trust_scenarios`; the parameters are those of
/// [`crate::mock_server_scenarios`].
#[macro_export]
macro_rules! trust_scenarios {
    (
        driver = $d:ident,
        async = [$($async:tt)*],
        await = [$($aw:tt)*],
        block_on = [$($block_on:tt)*],
        stream = [$($stream:tt)*] $(,)?
    ) => {
        #[allow(unused_imports)]
        mod trust_scenarios {
        use super::*;
        use $d::prelude::*;
        use $d::{Connector, Error, Security, SettingsError};
        use std::net::TcpListener;
        use std::time::Duration;

        /// A port on 127.0.0.1 nobody answers on, and a check that nothing connected to it.
        fn untouched_port() -> (u16, impl FnOnce()) {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let port = listener.local_addr().unwrap().port();
            (port, move || {
                let e = listener.accept().map(drop).unwrap_err();
                assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock, "something connected");
            })
        }

        fn url(scheme: &str, user: &str, port: u16) -> Connector {
            Connector::from_url(&format!("{scheme}://{user}127.0.0.1:{port}/"))
                .unwrap()
                .connect_timeout(Some(Duration::from_secs(5)))
        }

        /// An `imaps://` URL switched to plain text is refused: no connection is made.
        #[test]
        fn a_plaintext_override_of_an_imaps_url_is_refused() {
            $($block_on)* ($($async)* {
                let (port, untouched) = untouched_port();
                let c = url("imaps", "alice@", port).security(Security::Plain);
                let err = c.connect() $($aw)* .unwrap_err();
                assert!(
                    matches!(&err, Error::Settings(SettingsError::PlaintextForImaps { .. })),
                    "{err:?}"
                );
                let err = c.password("alice", "pw").login() $($aw)* .unwrap_err();
                assert!(matches!(&err, Error::Settings(_)), "{err:?}");
                untouched();
            })
        }

        /// A URL with a user and no password or token: an error naming the user, before
        /// connecting.
        #[test]
        fn a_missing_password_is_an_error_before_connecting() {
            $($block_on)* ($($async)* {
                let (port, untouched) = untouched_port();
                let err = url("imaps", "alice@", port).login() $($aw)* .unwrap_err();
                assert!(
                    matches!(&err, Error::Settings(SettingsError::MissingSecret { user })
                        if user == "alice"),
                    "{err:?}"
                );
                untouched();
            })
        }

        /// A URL without a user name and a password given for its (empty) user: an error,
        /// not `LOGIN ""`.
        #[test]
        fn a_url_without_a_user_name_is_an_error_not_an_empty_login() {
            $($block_on)* ($($async)* {
                let (port, untouched) = untouched_port();
                let c = url("imap", "", port);
                let user = c.user().unwrap_or_default().to_owned();
                let err = c.clone().password(user.clone(), "pw").login() $($aw)* .unwrap_err();
                assert_eq!(
                    err.to_string(),
                    "no user name to log in with: give one in the URL (imaps://USER@host/)"
                );
                let err = c.oauth2(user, "token").login() $($aw)* .unwrap_err();
                assert!(
                    matches!(&err, Error::Settings(SettingsError::MissingUser)),
                    "{err:?}"
                );
                untouched();
            })
        }
        }
    };
}
