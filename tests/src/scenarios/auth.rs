//! The driver scenarios about authentication that extends (issue 14 point 7), written once:
//! [`auth_scenarios`] expands them for one driver.

/// OAuth 2.0 with a token provider against the mock server, whose store expires a token as an
/// authorization server does: the provider is asked again and the login tried once more, over
/// XOAUTH2 and OAUTHBEARER; and a SASL mechanism of the caller's, set on the `Connector`,
/// answering the mock server's challenges.
///
/// Expands to a module `auth_scenarios`; the parameters are those of
/// [`crate::mock_server_scenarios`].
#[macro_export]
macro_rules! auth_scenarios {
    (
        driver = $d:ident,
        async = [$($async:tt)*],
        await = [$($aw:tt)*],
        block_on = [$($block_on:tt)*],
        stream = [$($stream:tt)*] $(,)?
    ) => {
        #[allow(unused_imports)]
        mod auth_scenarios {
        use super::*;
        use $d::prelude::*;
        use $d::imap_core::sasl::{
            Mechanism, SaslError, SaslMechanism, SaslStep, TokenError, TokenSource,
        };
        use $d::imap_core::secret::Secret;
        use $d::{Connector, Error, Security};
        use $crate::fixture::{self as mock_fixture, PASSWORD, USER};
        use mock_server::listener::{MockServer, RunningServer};
        use mock_server::store::Store;
        use std::sync::{Arc, Mutex};
        use std::time::Duration;

        /// A plain-port server offering XOAUTH2 and OAUTHBEARER over the fixture's store.
        fn oauth_server() -> (RunningServer, Store) {
            let store = mock_fixture::store();
            let server = MockServer::builder()
                .store(store.clone())
                .oauth(true)
                .allow_plaintext_login()
                .start()
                .expect("starting the mock server");
            (server, store)
        }

        fn connector(server: &RunningServer) -> Connector {
            Connector::new("127.0.0.1")
                .port(server.addr().port())
                .security(Security::Plain)
                .allow_plaintext_login()
                .connect_timeout(Some(Duration::from_secs(10)))
                .command_timeout(Duration::from_secs(10))
        }

        /// A provider as an application writes one: it keeps the token it has and gets a new
        /// one from the authorization server (here: the next of `issued`) only when told the
        /// last one expired. Every call is logged.
        fn provider(issued: &[&str]) -> (TokenSource, Arc<Mutex<Vec<bool>>>) {
            let log = Arc::new(Mutex::new(Vec::new()));
            let calls = log.clone();
            let mut issued: Vec<String> = issued.iter().rev().map(|t| t.to_string()).collect();
            let mut current = issued.pop();
            let tokens = TokenSource::from_fn(move |user, expired| {
                assert_eq!(user, USER);
                calls.lock().unwrap().push(expired);
                if expired {
                    current = issued.pop();
                }
                current
                    .clone()
                    .map(Secret::new)
                    .ok_or_else(|| TokenError::new("the refresh token was revoked"))
            });
            (tokens, log)
        }

        fn calls(log: &Arc<Mutex<Vec<bool>>>) -> Vec<bool> {
            std::mem::take(&mut *log.lock().unwrap())
        }

        /// The token the provider holds has expired: the server's JSON error challenge says so,
        /// the failed exchange is ended as the mechanism requires, the provider is asked again
        /// and the second login succeeds; later the fresh token expires too, while the provider
        /// still holds it, and the next login refreshes it the same way.
        #[test]
        fn an_expired_token_is_refreshed_and_the_login_tried_again() {
            $($block_on)* ($($async)* {
                let (server, store) = oauth_server();
                store.add_oauth_token(USER, "fresh").unwrap();
                let (tokens, log) = provider(&["stale", "fresh", "fresher"]);
                let port = server.addr().port();
                for mechanism in [Mechanism::XOAuth2, Mechanism::OAuthBearer] {
                    let c = Connector::from_url(&format!(
                        "imap://{USER};AUTH={mechanism}@127.0.0.1:{port}/"
                    ))
                    .unwrap()
                    .security(Security::Plain)
                    .allow_plaintext_login()
                    .oauth2_tokens(USER, tokens.clone());
                    let mut s = c.login() $($aw)* .unwrap();
                    s.noop() $($aw)* .unwrap();
                    s.logout() $($aw)* .unwrap();
                    // XOAUTH2: "stale" refused, "fresh" accepted; OAUTHBEARER: the "fresh" the
                    // provider kept refused, "fresher" accepted.
                    assert_eq!(calls(&log), [false, true], "{mechanism}");
                    // The token the provider holds expires; the server grants the next one.
                    if mechanism == Mechanism::XOAuth2 {
                        assert!(store.expire_oauth_token(USER, "fresh").unwrap());
                        store.add_oauth_token(USER, "fresher").unwrap();
                    }
                }
            })
        }

        /// A provider with nothing more to give ends the login with its own error; a token
        /// refused for another reason than expiry is not asked for again (the mock server's
        /// XOAUTH2 refusal always says 401, so a token that is refused twice shows the limit of
        /// one retry).
        #[test]
        fn one_retry_then_the_servers_refusal() {
            $($block_on)* ($($async)* {
                let (server, _store) = oauth_server();
                let (tokens, log) = provider(&["stale", "also-stale", "never-asked"]);
                let err = connector(&server)
                    .oauth2_tokens(USER, tokens)
                    .login() $($aw)*
                    .unwrap_err();
                assert!(err.is_no(), "{err:?}");
                assert!(
                    err.to_string().contains("the server refused the OAuth token"),
                    "{err}"
                );
                assert_eq!(calls(&log), [false, true]);
                let (tokens, log) = provider(&["stale"]);
                let err = connector(&server)
                    .oauth2_tokens(USER, tokens)
                    .login() $($aw)*
                    .unwrap_err();
                assert_eq!(
                    err.to_string(),
                    "no OAuth 2.0 token: the refresh token was revoked"
                );
                assert_eq!(calls(&log), [false, true]);
            })
        }

        /// LOGIN written by a user as a custom mechanism: the server's `Username:` and
        /// `Password:` challenges answered by the trait's `step`.
        struct MyLogin {
            user: &'static str,
            password: &'static str,
        }

        impl SaslMechanism for MyLogin {
            fn name(&self) -> &str {
                "LOGIN"
            }
            fn step(&mut self, challenge: &[u8]) -> Result<SaslStep, SaslError> {
                let answer = match challenge {
                    b"Username:" => self.user,
                    b"Password:" => self.password,
                    _ => return Err(SaslError::custom("LOGIN", "an unknown challenge")),
                };
                Ok(SaslStep::Respond(Secret::new(answer.as_bytes().to_vec())))
            }
            fn sends_password(&self) -> bool {
                true
            }
        }

        #[test]
        fn a_custom_mechanism_set_on_the_connector_logs_in() {
            $($block_on)* ($($async)* {
                let (server, _store) = oauth_server();
                let mut s = connector(&server)
                    .sasl_mechanism(|| MyLogin { user: USER, password: PASSWORD })
                    .login() $($aw)*
                    .unwrap();
                s.noop() $($aw)* .unwrap();
                s.logout() $($aw)* .unwrap();
                let err = connector(&server)
                    .sasl_mechanism(|| MyLogin { user: USER, password: "wrong" })
                    .login() $($aw)*
                    .unwrap_err();
                assert!(err.is_no(), "{err:?}");
            })
        }
        }
    };
}
