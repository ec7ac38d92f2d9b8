//! What the driver scenarios against real servers ([`crate::real_server_scenarios`]) connect
//! to and store: a [`Target`] (a private Dovecot or Cyrus) and the messages appended there.

use crate::cyrus::{self, Cyrus};
use crate::dovecot::{self, Dovecot, Options};

/// Where a scenario connects: a server's ports, the certificate to trust and the account.
pub struct Target {
    /// The plain port (STARTTLS where the server offers it).
    pub port: u16,
    /// The implicit-TLS port, if any.
    pub tls_port: Option<u16>,
    /// The certificate to trust (PEM), for a TLS target.
    pub ca_pem: Option<String>,
    /// The account's user name.
    pub user: &'static str,
    /// Its password.
    pub password: &'static str,
}

impl Target {
    /// A private Dovecot's ports, certificate and account.
    pub fn dovecot(d: &Dovecot) -> Target {
        Target {
            port: d.addr().port(),
            tls_port: d.tls_addr().map(|a| a.port()),
            ca_pem: d.certificate_pem().map(str::to_owned),
            user: dovecot::USER,
            password: dovecot::PASSWORD,
        }
    }

    /// A private Cyrus's port and account (no TLS).
    pub fn cyrus(c: &Cyrus) -> Target {
        Target {
            port: c.addr().port(),
            tls_port: None,
            ca_pem: None,
            user: cyrus::USER,
            password: cyrus::PASSWORD,
        }
    }

    /// The certificate to trust.
    ///
    /// # Panics
    /// When the target has no TLS.
    pub fn ca_pem(&self) -> Vec<u8> {
        self.ca_pem
            .as_deref()
            .expect("a TLS target")
            .as_bytes()
            .to_vec()
    }

    /// The implicit-TLS port.
    ///
    /// # Panics
    /// When the target has no TLS.
    pub fn tls_port(&self) -> u16 {
        self.tls_port.expect("a TLS target")
    }
}

/// A private Dovecot with TLS (STARTTLS and an imaps port), or `None` to skip.
pub fn dovecot(test: &str) -> Option<Dovecot> {
    dovecot::start_or_skip_with(
        test,
        Options {
            tls: true,
            ..Options::default()
        },
    )
}

/// A reply to [`crate::fixture::m1`].
pub fn m3() -> Vec<u8> {
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
pub fn big_message() -> Vec<u8> {
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
pub fn extra(n: u32) -> Vec<u8> {
    format!(
        "From: Eve <eve@example.org>\r\n\
         Subject: extra {n}\r\n\
         Message-ID: <extra{n}@example.org>\r\n\
         \r\n\
         extra message {n}\r\n"
    )
    .into_bytes()
}
