//! The driver scenarios about settings and trust, written once: [`trust_scenarios`] expands
//! them for one driver.

/// Settings refused before connecting (an `imaps://` URL switched to plain text, a URL user
/// without a password, a password without a user), each a typed error while nothing
/// connected to the port; TLS spoken to a plaintext port and plain text to a TLS port, each
/// named from the first bytes the server sends (the mock server's two ports), and a server
/// slow to greet that reads the client's greeting probe and works as usual. Whom the client
/// trusts, over real connections to the mock server: its own self-signed `CA:TRUE`
/// certificate given as the CA file (pinned) and another refused, the name to verify when
/// connecting by IP, a client certificate when the server requires one.
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
        use $d::{Connector, Error, Security, SettingsError, TlsOptions};
        use $crate::fixture::{self, PASSWORD, USER};
        use mock_server::listener::MockServer;
        use mock_server::session::options::Faults;
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

        /// `imaps://` to the plaintext port: the server's greeting answers the ClientHello,
        /// and the handshake fails at its first byte, named.
        #[test]
        fn tls_spoken_to_a_plaintext_port_is_named() {
            $($block_on)* ($($async)* {
                let server = fixture::server();
                let err = Connector::new("127.0.0.1")
                    .port(server.addr().port())
                    .danger_accept_invalid_certs()
                    .connect_timeout(Some(Duration::from_secs(20)))
                    .connect()
                    $($aw)* .unwrap_err();
                assert!(matches!(err, Error::TlsToPlaintextPort), "{err:?}");
            })
        }

        /// Plain text and STARTTLS to the implicit-TLS port: the server waits for a
        /// ClientHello in silence; the greeting probe draws its TLS alert, named, long before
        /// the connect timeout.
        #[test]
        fn plaintext_spoken_to_a_tls_port_is_named() {
            $($block_on)* ($($async)* {
                let server = fixture::server();
                for security in [Security::Plain, Security::StartTls] {
                    let err = Connector::new("127.0.0.1")
                        .port(server.tls_addr().port())
                        .security(security)
                        .greeting_probe(Some(Duration::from_millis(100)))
                        .connect_timeout(Some(Duration::from_secs(60)))
                        .connect()
                        $($aw)* .unwrap_err();
                    assert!(matches!(err, Error::PlaintextToTlsPort), "{security:?}: {err:?}");
                }
            })
        }

        /// A plaintext server that greets only after the probe was sent reads it as a line
        /// of spaces; the connection works as usual.
        #[test]
        fn a_server_slow_to_greet_is_not_harmed_by_the_probe() {
            $($block_on)* ($($async)* {
                let server = MockServer::builder()
                    .store(fixture::store())
                    .plain()
                    .allow_plaintext_login()
                    .faults(Faults {
                        write_delay: Some(Duration::from_millis(300)),
                        ..Faults::default()
                    })
                    .start()
                    .unwrap();
                let mut s = Connector::new("127.0.0.1")
                    .port(server.addr().port())
                    .security(Security::Plain)
                    .allow_plaintext_login()
                    .greeting_probe(Some(Duration::from_millis(10)))
                    .connect_timeout(Some(Duration::from_secs(20)))
                    .password(USER, PASSWORD)
                    .login()
                    $($aw)* .unwrap();
                assert_eq!(s.select("INBOX") $($aw)* .unwrap().exists, 3);
                s.logout() $($aw)* .unwrap();
            })
        }

        /// The fixture's store on an implicit-TLS port serving `certificate`.
        fn tls_server(certificate: mock_server::listener::Certificate) -> mock_server::listener::RunningServer {
            MockServer::builder()
                .store(fixture::store())
                .tls()
                .certificate(certificate)
                .start()
                .unwrap()
        }

        fn tls_to(port: u16, host: &str, tls: TlsOptions) -> Connector {
            Connector::new(host)
                .port(port)
                .tls(tls)
                .connect_timeout(Some(Duration::from_secs(20)))
                .password(USER, PASSWORD)
        }

        /// The server's own self-signed `CA:TRUE` certificate (`openssl req -x509`, Dovecot's
        /// and Cyrus's Debian packages) as the CA file: trusted, pinned; another server's
        /// refused.
        #[test]
        fn the_servers_own_self_signed_certificate_is_trusted_exactly() {
            $($block_on)* ($($async)* {
                let cert = fixture::openssl_req_x509(&["localhost"]);
                let server = tls_server(cert.clone());
                let dir = tempfile::tempdir().unwrap();
                let ca = dir.path().join("dovecot.pem");
                std::fs::write(&ca, cert.pem()).unwrap();
                let port = server.tls_addr().port();
                let mut s = tls_to(port, "localhost", TlsOptions::new().ca_file(&ca))
                    .login()
                    $($aw)* .unwrap();
                assert!(s.is_tls());
                s.logout() $($aw)* .unwrap();
                let other = fixture::openssl_req_x509(&["localhost"]);
                let impostor = tls_server(other);
                let err = tls_to(impostor.tls_addr().port(), "localhost", TlsOptions::new().ca_file(&ca))
                    .login()
                    $($aw)* .unwrap_err();
                assert!(matches!(err, Error::Tls(_)), "{err:?}");
            })
        }

        /// Connecting to 127.0.0.1 to a server whose certificate names `mail.example.com`:
        /// refused for the IP, accepted with that name to verify.
        #[test]
        fn connecting_by_ip_verifies_the_name_given() {
            $($block_on)* ($($async)* {
                let cert = fixture::openssl_req_x509(&["mail.example.com"]);
                let server = tls_server(cert.clone());
                let port = server.tls_addr().port();
                let trust = TlsOptions::new().ca_pem(cert.pem());
                let err = tls_to(port, "127.0.0.1", trust.clone()).login() $($aw)* .unwrap_err();
                assert!(
                    matches!(&err, Error::Tls(e) if e.to_string().contains("not valid for name")),
                    "{err:?}"
                );
                let mut s = tls_to(port, "127.0.0.1", trust.verify_name("mail.example.com"))
                    .login()
                    $($aw)* .unwrap();
                s.logout() $($aw)* .unwrap();
            })
        }

        /// A server that requires a client certificate: refused without one, logged in
        /// with it.
        #[test]
        fn a_client_certificate_when_the_server_requires_one() {
            $($block_on)* ($($async)* {
                let (client_ca, cert, key) = fixture::client_identity();
                let server_cert = fixture::openssl_req_x509(&["localhost"]);
                let server = MockServer::builder()
                    .store(fixture::store())
                    .tls()
                    .certificate(server_cert.clone())
                    .client_auth(client_ca)
                    .start()
                    .unwrap();
                let port = server.tls_addr().port();
                let trust = TlsOptions::new().ca_pem(server_cert.pem());
                let err = tls_to(port, "localhost", trust.clone()).login() $($aw)* .unwrap_err();
                assert!(matches!(err, Error::Tls(_) | Error::Io(_)), "{err:?}");
                let mut s = tls_to(port, "localhost", trust.client_cert_pem(cert, key))
                    .login()
                    $($aw)* .unwrap();
                assert!(s.is_tls());
                s.logout() $($aw)* .unwrap();
            })
        }
        }
    };
}
