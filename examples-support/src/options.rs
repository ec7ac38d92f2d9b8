//! The options every example takes, and the [`Connector`] they make.
//!
//! A server is named by a URL (`imaps://user@host[:port]/[folder]`: implicit TLS;
//! `imap://...`: STARTTLS), by IMAPClient's `-H HOST [-P PORT] -u USER`, or by IMAPClient's INI
//! file (`-f FILE`, see [`crate::config`]); later sources override earlier ones in that order:
//! INI file, URL, flags, then the environment (`IMAP_CA_FILE`, `IMAP_INSECURE=1`,
//! `IMAP_PLAIN=1`, `IMAP_CLIENT_CERT` and `IMAP_CLIENT_KEY`, `IMAP_TLS_NAME`,
//! `IMAP_SYSTEM_ROOTS=1`). An `imaps://` URL is never used in plain text: `--plain` (or
//! `IMAP_PLAIN=1`) with one is refused. The password comes from `IMAP_PASSWORD`, the INI file or a prompt that does
//! not echo; an OAuth 2.0 access token from `IMAP_TOKEN` or the INI file, or from the INI
//! file's refresh token exchanged at the token endpoint (`oauth2_url`, `IMAP_OAUTH2_URL`, or
//! the one IMAPClient knows for the host; see [`crate::oauth2`]). A folder in the URL
//! (`imaps://alice@host/Archive`) is the folder the example works on.

use crate::config::{self, IniSettings};
use crate::oauth2::{self, RefreshToken};
use imap_connect::{Connector, Security, TlsOptions};
use imap_core::ops::url::ImapUrl;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

/// How to reach and log in to the server: `#[command(flatten)]` it into an example's options.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ConnectArgs {
    /// The server: imaps://user@host[:port]/[folder] (implicit TLS) or imap://... (STARTTLS).
    #[arg(value_name = "URL")]
    pub url: Option<String>,
    /// IMAPClient's INI file (its [DEFAULT] section unless --section).
    #[arg(
        short = 'f',
        long = "file",
        visible_alias = "config",
        value_name = "INI"
    )]
    pub config: Option<PathBuf>,
    /// The section of the INI file to use.
    #[arg(long, value_name = "NAME", requires = "config")]
    pub section: Option<String>,
    /// The server's host name (instead of a URL).
    #[arg(short = 'H', long)]
    pub host: Option<String>,
    /// The port (default: 993 with implicit TLS, 143 otherwise).
    #[arg(short = 'P', long)]
    pub port: Option<u16>,
    /// The user name.
    #[arg(short = 'u', long)]
    pub username: Option<String>,
    /// Connect in plaintext and upgrade with STARTTLS before logging in (port 143).
    #[arg(long, conflicts_with = "plain")]
    pub starttls: bool,
    /// No TLS at all, password sent in the clear (test servers only; also IMAP_PLAIN=1).
    #[arg(long)]
    pub plain: bool,
    /// Trust this CA or self-signed server certificate (PEM; also IMAP_CA_FILE).
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Present this client certificate (PEM chain) for mutual TLS, with --client-key (also
    /// IMAP_CLIENT_CERT).
    #[arg(long, value_name = "PEM", requires = "client_key")]
    pub client_cert: Option<PathBuf>,
    /// The private key (PEM) of --client-cert (also IMAP_CLIENT_KEY).
    #[arg(long, value_name = "PEM", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
    /// Verify the server's certificate for this name instead of the host connected to, for
    /// connecting by IP address (also IMAP_TLS_NAME).
    #[arg(long, value_name = "NAME")]
    pub tls_name: Option<String>,
    /// Trust the operating system's certificate store instead of the Mozilla roots built in
    /// (also IMAP_SYSTEM_ROOTS=1).
    #[arg(long)]
    pub system_roots: bool,
    /// Accept any certificate (test servers only; also IMAP_INSECURE=1).
    #[arg(long)]
    pub insecure: bool,
    /// Seconds without an answer before a command fails.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Print the protocol trace on stderr, credentials redacted (also IMAP_DEBUG=1; RUST_LOG
    /// chooses other levels).
    #[arg(short = 'v', long)]
    pub verbose: bool,
}

/// What the options resolved to: the connector, ready to log in, and the folder the URL names.
#[derive(Debug)]
#[non_exhaustive]
pub struct Target {
    /// Connection and login settings.
    pub connector: Connector,
    /// The folder of the URL (`imaps://host/Archive` names `Archive`), if any.
    pub folder: Option<String>,
}

impl Target {
    /// The folder to work on: `arg` when given, else the URL's folder, else `INBOX`.
    pub fn folder(&self, arg: Option<&str>) -> String {
        arg.map(str::to_owned)
            .or_else(|| self.folder.clone())
            .unwrap_or_else(|| "INBOX".into())
    }
}

/// Why the options could not be used (printed as a sentence by [`crate::report`]).
pub type OptionsError = Box<dyn std::error::Error + Send + Sync>;

/// IMAPClient's refresh token and client, and the token endpoint if given (`oauth2_url`).
#[derive(Debug)]
struct Refresh {
    client_id: String,
    client_secret: String,
    refresh_token: String,
    url: Option<String>,
}

/// Settings gathered from every source before the connector is built.
#[derive(Debug, Default)]
struct Gathered {
    host: Option<String>,
    port: Option<u16>,
    security: Option<Security>,
    user: Option<String>,
    password: Option<String>,
    token: Option<String>,
    refresh: Option<Refresh>,
    verify: bool,
    ca_file: Option<PathBuf>,
    tls: TlsOptions,
    timeout: Option<Duration>,
    folder: Option<String>,
}

impl ConnectArgs {
    /// Resolves the options, the INI file and the environment into a [`Target`]; asks for the
    /// password (without echo) when none was given and stdin is a terminal.
    ///
    /// # Errors
    /// A sentence saying what is missing or wrong (no server, a bad URL or INI file, no user
    /// name, no password and no terminal to ask on).
    pub fn resolve(&self) -> Result<Target, OptionsError> {
        let mut g = Gathered {
            verify: true,
            ..Gathered::default()
        };
        if let Some(path) = &self.config {
            apply_ini(&mut g, config::read(path, self.section.as_deref())?)?;
        }
        if let Some(url) = &self.url {
            if !url.contains("://") {
                return Err(format!(
                    "{url:?} is not a server URL (imaps://user@host/ or imap://user@host/); \
                     it comes before any other argument"
                )
                .into());
            }
            let u = ImapUrl::parse(url)?;
            g.host = Some(u.host.clone());
            g.port = Some(u.port);
            g.security = Some(if u.implicit_tls {
                Security::Tls
            } else {
                Security::StartTls
            });
            g.user = u.user.clone().or(g.user);
            g.password = u.password.clone().or(g.password);
            g.folder = u.mailbox.clone();
        }
        g.host = self.host.clone().or(g.host);
        g.port = self.port.or(g.port);
        g.user = self.username.clone().or(g.user);
        if self.starttls {
            g.security = Some(Security::StartTls);
        }
        let env_on = |name: &str| std::env::var(name).is_ok_and(|v| v == "1");
        if self.plain || env_on("IMAP_PLAIN") {
            g.security = Some(Security::Plain);
        }
        if let Some(ca) = self
            .ca_file
            .clone()
            .or_else(|| std::env::var_os("IMAP_CA_FILE").map(PathBuf::from))
        {
            g.ca_file = Some(ca);
        }
        let env_path = |name: &str| std::env::var_os(name).map(PathBuf::from);
        let cert = self
            .client_cert
            .clone()
            .or_else(|| env_path("IMAP_CLIENT_CERT"));
        let key = self
            .client_key
            .clone()
            .or_else(|| env_path("IMAP_CLIENT_KEY"));
        match (cert, key) {
            (Some(cert), Some(key)) => g.tls = g.tls.client_cert_files(cert, key),
            (None, None) => {}
            _ => {
                return Err(
                    "a client certificate needs both IMAP_CLIENT_CERT and IMAP_CLIENT_KEY".into(),
                );
            }
        }
        if let Some(name) = self
            .tls_name
            .clone()
            .or_else(|| std::env::var("IMAP_TLS_NAME").ok())
        {
            g.tls = g.tls.verify_name(name);
        }
        if self.system_roots || env_on("IMAP_SYSTEM_ROOTS") {
            g.tls = g.tls.native_roots();
        }
        if self.insecure || env_on("IMAP_INSECURE") {
            g.verify = false;
        }
        if let Some(t) = self.timeout {
            g.timeout = Some(seconds(t)?);
        }
        if let Ok(token) = std::env::var("IMAP_TOKEN") {
            g.token = Some(token);
        } else if let Ok(pw) = std::env::var("IMAP_PASSWORD") {
            g.password = Some(pw);
        }
        build(g)
    }
}

fn seconds(t: f64) -> Result<Duration, OptionsError> {
    Duration::try_from_secs_f64(t)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("{t} is not a number of seconds").into())
}

fn apply_ini(g: &mut Gathered, ini: IniSettings) -> Result<(), OptionsError> {
    g.host = ini.host;
    g.port = ini.port;
    g.security = Some(match (ini.ssl, ini.starttls) {
        (_, true) => Security::StartTls,
        (true, false) => Security::Tls,
        (false, false) => Security::Plain,
    });
    g.verify = ini.ssl_verify_cert;
    if !ini.ssl_check_hostname && ini.ssl_verify_cert {
        eprintln!(
            "warning: ssl_check_hostname = false is not supported; the certificate is checked \
             against the host name (set ssl_verify_cert = false for a test server)"
        );
    }
    g.ca_file = ini.ssl_ca_file;
    g.timeout = ini.timeout.map(seconds).transpose()?;
    g.user = ini.username;
    g.password = ini.password;
    if ini.oauth2 {
        match (ini.oauth2_access_token, ini.oauth2_refresh_token) {
            (Some(token), _) => g.token = Some(token),
            (None, _) if std::env::var_os("IMAP_TOKEN").is_some() => {}
            (None, Some(refresh_token)) => {
                let (Some(client_id), Some(client_secret)) =
                    (ini.oauth2_client_id, ini.oauth2_client_secret)
                else {
                    return Err("oauth2 = true with oauth2_refresh_token needs \
                                oauth2_client_id and oauth2_client_secret"
                        .into());
                };
                g.refresh = Some(Refresh {
                    client_id,
                    client_secret,
                    refresh_token,
                    url: ini.oauth2_url,
                });
            }
            (None, None) => {
                return Err(
                    "oauth2 = true needs oauth2_refresh_token (with oauth2_client_id \
                            and oauth2_client_secret), oauth2_access_token or IMAP_TOKEN"
                        .into(),
                );
            }
        }
    }
    Ok(())
}

fn build(g: Gathered) -> Result<Target, OptionsError> {
    let Some(host) = g.host else {
        return Err("no server: give a URL (imaps://user@host/), -H HOST or -f FILE".into());
    };
    let security = g.security.unwrap_or(Security::Tls);
    let mut c = Connector::new(host.clone())
        .tls(g.tls)
        .security(security)
        .command_timeout(g.timeout.unwrap_or(Duration::from_secs(120)));
    if let Some(port) = g.port {
        c = c.port(port);
    }
    if security == Security::Plain {
        c = c.allow_plaintext_login();
    }
    if let Some(ca) = &g.ca_file {
        c = c.ca_file(ca);
    }
    if !g.verify {
        c = c.danger_accept_invalid_certs();
    }
    let Some(user) = g.user.filter(|u| !u.is_empty()) else {
        return Err(format!(
            "no user name: give it in the URL (imaps://USER@{host}/), with -u or in the INI file"
        )
        .into());
    };
    c = match (g.token, g.refresh, g.password) {
        (Some(token), _, _) => c.oauth2(user, token),
        (None, Some(refresh), _) => {
            let url = std::env::var("IMAP_OAUTH2_URL")
                .ok()
                .or(refresh.url)
                .or_else(|| oauth2::known_endpoint(&host).map(str::to_owned));
            let Some(url) = url else {
                return Err(format!(
                    "no OAuth 2.0 token endpoint for {host}: give it as oauth2_url in the INI \
                     file (or IMAP_OAUTH2_URL) to exchange oauth2_refresh_token"
                )
                .into());
            };
            let refresher = RefreshToken::new(
                url,
                refresh.client_id,
                refresh.client_secret,
                refresh.refresh_token,
                g.timeout.unwrap_or(Duration::from_secs(30)),
            );
            c.oauth2_provider(user, refresher)
        }
        (None, None, Some(pw)) => c.password(user, pw),
        (None, None, None) => {
            let pw = prompt_password(&user, &host)?;
            c.password(user, pw)
        }
    };
    Ok(Target {
        connector: c,
        folder: g.folder,
    })
}

/// Asks for the password on the terminal without echoing it.
fn prompt_password(user: &str, host: &str) -> Result<String, OptionsError> {
    if !std::io::stdin().is_terminal() {
        return Err(
            "no password: set IMAP_PASSWORD (or IMAP_TOKEN), put it in the INI file, \
                    or run on a terminal to be asked"
                .into(),
        );
    }
    Ok(rpassword::prompt_password(format!(
        "password for {user} at {host}: "
    ))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        conn: ConnectArgs,
        folder: Option<String>,
    }

    fn target(args: &[&str]) -> Result<Target, OptionsError> {
        let cli = Cli::try_parse_from(std::iter::once("example").chain(args.iter().copied()))?;
        cli.conn.resolve()
    }

    #[test]
    fn the_url_names_the_folder_and_starttls_means_starttls() {
        let t = target(&["imaps://alice:pw@mail.example.org/Archive/2024"]).unwrap();
        assert_eq!(t.folder.as_deref(), Some("Archive/2024"));
        assert_eq!(t.folder(None), "Archive/2024");
        assert_eq!(t.folder(Some("INBOX")), "INBOX");
        assert_eq!(t.connector.security_mode(), Security::Tls);
        assert_eq!(t.connector.effective_port(), 993);

        let t = target(&["--starttls", "imaps://alice:pw@mail.example.org/"]).unwrap();
        assert_eq!(t.connector.security_mode(), Security::StartTls);
        assert_eq!(t.connector.effective_port(), 993, "the URL's port stays");
        let t = target(&["imap://alice:pw@mail.example.org"]).unwrap();
        assert_eq!(t.connector.security_mode(), Security::StartTls);
        assert_eq!(t.connector.effective_port(), 143);
        assert_eq!(t.folder(None), "INBOX");
    }

    #[test]
    fn missing_pieces_are_sentences() {
        let e = target(&["INBOX"]).unwrap_err().to_string();
        assert!(e.contains("is not a server URL"), "{e}");
        let e = target(&["imaps://mail.example.org/"])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("no user name"), "{e}");
        let e = target(&[]).unwrap_err().to_string();
        assert!(e.starts_with("no server"), "{e}");
    }

    #[test]
    fn an_ini_file_gives_imapclient_settings() {
        let dir = std::env::temp_dir().join(format!("imap-examples-ini-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("imap.ini");
        std::fs::write(
            &path,
            "[DEFAULT]\nhost = mail.example.org\nusername = alice\npassword = a#b;c\n\
             ssl = false\nstarttls = true\nport = 1143\n",
        )
        .unwrap();
        let t = target(&["-f", path.to_str().unwrap()]).unwrap();
        assert_eq!(t.connector.host(), "mail.example.org");
        assert_eq!(t.connector.security_mode(), Security::StartTls);
        assert_eq!(t.connector.effective_port(), 1143);
        let t = target(&["-f", path.to_str().unwrap(), "-H", "other", "--plain"]).unwrap();
        assert_eq!(t.connector.host(), "other");
        assert_eq!(t.connector.security_mode(), Security::Plain);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn tls_options_reach_the_connector() {
        let e = target(&["--client-cert", "c.pem", "imaps://alice:pw@h/"]).unwrap_err();
        assert!(e.to_string().contains("--client-key"), "{e}");
        let t = target(&[
            "--tls-name",
            "mail.example.org",
            "imaps://alice:pw@127.0.0.1/",
        ])
        .unwrap();
        let name = t.connector.tls_target().unwrap().name;
        assert_eq!(name, imap_connect::server_name("mail.example.org").unwrap());
    }
}
