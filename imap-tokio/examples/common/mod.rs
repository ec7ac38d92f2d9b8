//! Shared by the examples: connect and log in from a URL argument.
//!
//! `cargo run -p imap-tokio --example NAME -- imaps://user@host/ [args...]`, with the
//! password in `IMAP_PASSWORD` (or an OAuth 2.0 token in `IMAP_TOKEN`). `IMAP_CA_FILE` trusts
//! a private CA; `IMAP_INSECURE=1` accepts any certificate (test servers only). A `imap://`
//! URL upgrades with STARTTLS; `IMAP_PLAIN=1` disables TLS and allows passwords in the clear.

#![allow(dead_code)]

use imap_tokio::imap_core::terminal::escaped;
use imap_tokio::prelude::*;
use imap_tokio::{Connector, Security, Session};
use std::time::Duration;

/// The URL argument and the remaining arguments.
pub fn args() -> (String, Vec<String>) {
    let mut it = std::env::args().skip(1);
    let Some(url) = it.next() else {
        eprintln!(
            "usage: {} imaps://user@host[:port]/ [args...]",
            std::env::args().next().unwrap_or_default()
        );
        eprintln!("password in IMAP_PASSWORD (or token in IMAP_TOKEN)");
        std::process::exit(2);
    };
    (url, it.collect())
}

/// A connector for the URL with the environment's settings.
pub fn connector(url: &str) -> Connector {
    let mut c = Connector::from_url(url)
        .unwrap_or_else(|e| {
            eprintln!("{}", escaped(&e.to_string()));
            std::process::exit(2)
        })
        .command_timeout(Duration::from_secs(120));
    if let Ok(ca) = std::env::var("IMAP_CA_FILE") {
        c = c.ca_file(ca);
    }
    if std::env::var("IMAP_INSECURE").is_ok_and(|v| v == "1") {
        c = c.danger_accept_invalid_certs(true);
    }
    if std::env::var("IMAP_PLAIN").is_ok_and(|v| v == "1") {
        c = c.security(Security::Plain).allow_plaintext_login(true);
    }
    let user = c.user().unwrap_or_default().to_owned();
    if let Ok(token) = std::env::var("IMAP_TOKEN") {
        c = c.oauth2(user, token);
    } else if let Ok(pw) = std::env::var("IMAP_PASSWORD") {
        c = c.password(user, pw);
    }
    c
}

/// Connects and logs in, or exits with the error.
pub async fn login() -> (Session, Vec<String>) {
    let (url, rest) = args();
    match connector(&url).login().await {
        Ok(s) => (s, rest),
        Err(e) => {
            eprintln!("login failed: {}", escaped(&e.to_string()));
            std::process::exit(1)
        }
    }
}
