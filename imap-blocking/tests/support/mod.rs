//! A tiny scripted IMAP server for the driver tests: a thread on 127.0.0.1 that answers canned
//! responses, keeps a small INBOX, and can do TLS, STARTTLS, IDLE pushes and silence.
//! Shared by imap-blocking and imap-tokio tests (`#[path]`).
//!
//! Both crates' `tests/mock_matrix.rs` (every `Session` method over plain, TLS and STARTTLS,
//! with the fixture in `tests/mock_fixture/`) and imap-tokio's `tests/cancellation.rs` now run
//! against `mock_server::listener::MockServer`; they cover the round trip, EXPUNGE / UID
//! EXPUNGE renumbering, MOVE with COPYUID, a wrong password then AUTHENTICATE on the same
//! client, implicit TLS and STARTTLS with the generated certificate (untrusted by default),
//! IDLE with a second session (EXISTS, FETCH FLAGS, EXPUNGE), dropped tokio futures (in the
//! middle of a literal, `idle()`, `done()`), split and delayed writes, a server silent in
//! the middle of a response or during IDLE, and the plaintext LOGIN rules.
//!
//! TODO(mock-server): port what only this scripted server still tests:
//! - `ca_file`; `danger_accept_invalid_certs`; no LOGIN on the server's transcript when the
//!   client refuses plaintext LOGIN (the typed errors for LOGIN without the opt-in and for
//!   LOGINDISABLED are in mock_matrix);
//! - no greeting (connect timeout), disconnect mid-command (connection error, never an empty
//!   result), a command that never gets an answer with imap-blocking;
//! - IDLE re-issue after a short `idle_reissue`, `idle_timeout` with imap-blocking;
//! - `connect_command` against the mock server binary on stdio;
//! - the examples run against the demo account (`cargo run --example ... -- imap://...`).

#![allow(dead_code)]

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// A test PKI: a private CA and a server certificate for localhost / 127.0.0.1 it signed.
pub struct Pki {
    /// The CA certificate, PEM.
    pub ca_pem: String,
    /// The server's TLS configuration.
    pub server: Arc<ServerConfig>,
}

impl Pki {
    /// Generates a CA and a leaf certificate.
    pub fn new() -> Pki {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "imap-rs test CA");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let certs: Vec<CertificateDer<'static>> = vec![leaf.der().clone(), ca_cert.der().clone()];
        let server = ServerConfig::builder_with_provider(imap_tls::provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        Pki {
            ca_pem: ca_cert.pem(),
            server: Arc::new(server),
        }
    }
}

/// How the server behaves.
#[derive(Clone)]
pub struct Options {
    /// Capabilities (greeting, CAPABILITY, LOGIN's OK).
    pub caps: String,
    /// TLS from the first byte.
    pub implicit_tls: Option<Arc<ServerConfig>>,
    /// STARTTLS offered with this config.
    pub starttls: Option<Arc<ServerConfig>>,
    /// Send no greeting at all.
    pub no_greeting: bool,
    /// Commands (upper-case name, `UID` forms as `UID FETCH`) that get no answer, ever.
    pub never_answer: Vec<String>,
    /// Commands after which the server closes the connection without answering.
    pub close_on: Vec<String>,
    /// Lines pushed 50 ms after IDLE is accepted.
    pub idle_push: Vec<String>,
    /// Commands answered only after this delay.
    pub delay: Vec<(String, Duration)>,
    /// Commands answered by an untagged line that never ends, one byte every 20 ms (at most
    /// 1,000 bytes, then the connection closes; sooner when the client leaves).
    pub dribble: Vec<String>,
    /// Commands answered by these bytes instead (`{tag}` stands for the command's tag): a
    /// hostile server's replies.
    pub answers: Vec<(String, String)>,
    /// Connections to accept before the thread ends.
    pub connections: usize,
    /// The password LOGIN accepts.
    pub password: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            caps: "IMAP4rev1 IDLE UIDPLUS MOVE LITERAL+ SPECIAL-USE LIST-EXTENDED LIST-STATUS AUTH=PLAIN SASL-IR".into(),
            implicit_tls: None,
            starttls: None,
            no_greeting: false,
            never_answer: Vec::new(),
            close_on: Vec::new(),
            idle_push: Vec::new(),
            delay: Vec::new(),
            dribble: Vec::new(),
            answers: Vec::new(),
            connections: 1,
            password: "secret".into(),
        }
    }
}

/// A hostile server's answers claiming every UID in a few dozen bytes: UID SEARCH (ESEARCH
/// ALL), UID COPY (COPYUID) and APPEND (APPENDUID) of `1:4294967295`.
pub fn four_billion_uids() -> Vec<(String, String)> {
    vec![
        (
            "UID SEARCH".into(),
            "* ESEARCH (TAG \"{tag}\") UID ALL 1:4294967295\r\n{tag} OK done\r\n".into(),
        ),
        (
            "UID COPY".into(),
            "{tag} OK [COPYUID 9 1:4294967295 1:4294967295] done\r\n".into(),
        ),
        (
            "APPEND".into(),
            "{tag} OK [APPENDUID 9 1:4294967295] done\r\n".into(),
        ),
    ]
}

/// One stored message.
#[derive(Clone)]
pub struct Msg {
    pub uid: u32,
    pub flags: Vec<String>,
    pub body: Vec<u8>,
}

/// The running server.
pub struct TestServer {
    pub addr: SocketAddr,
    pub port: u16,
    /// Every command line received, in order (literals excluded).
    pub log: Arc<Mutex<Vec<String>>>,
    pub handle: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Commands received so far.
    pub fn commands(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

pub fn message(i: u32, size: usize) -> Vec<u8> {
    let mut m = format!(
        "From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: Message {i}\r\nDate: Thu, 13 Jul 2023 10:00:00 +0000\r\nMessage-ID: <{i}@example.org>\r\n\r\n"
    )
    .into_bytes();
    let line = b"The quick brown fox jumps over the lazy dog. Apress.\r\n";
    while m.len() < size {
        m.extend_from_slice(line);
    }
    m
}

/// Starts a server with three messages in INBOX (UIDs 1, 2, 3; 2 is \Seen).
pub fn start(opts: Options) -> TestServer {
    start_with(
        opts,
        vec![
            Msg {
                uid: 1,
                flags: vec![],
                body: message(1, 300),
            },
            Msg {
                uid: 2,
                flags: vec!["\\Seen".into()],
                body: message(2, 500),
            },
            Msg {
                uid: 3,
                flags: vec![],
                body: message(3, 200),
            },
        ],
    )
}

/// Starts a server with these messages in INBOX.
pub fn start_with(opts: Options, msgs: Vec<Msg>) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let log2 = log.clone();
    let handle = std::thread::spawn(move || {
        for _ in 0..opts.connections {
            let Ok((tcp, _)) = listener.accept() else {
                return;
            };
            tcp.set_read_timeout(Some(Duration::from_secs(20))).ok();
            let mut s = Session {
                io: match &opts.implicit_tls {
                    Some(cfg) => Io::Tls(Box::new(StreamOwned::new(
                        ServerConnection::new(cfg.clone()).unwrap(),
                        tcp,
                    ))),
                    None => Io::Plain(tcp),
                },
                buf: Vec::new(),
                opts: opts.clone(),
                msgs: msgs.clone(),
                next_uid: msgs.iter().map(|m| m.uid).max().unwrap_or(0) + 1,
                log: log2.clone(),
                selected: false,
            };
            let _ = s.run();
        }
    });
    TestServer {
        port: addr.port(),
        addr,
        log,
        handle: Some(handle),
    }
}

enum Io {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
    Gone,
}

impl Io {
    fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
        match self {
            Io::Plain(s) => s.read(b),
            Io::Tls(s) => s.read(b),
            Io::Gone => Ok(0),
        }
    }
    fn write(&mut self, b: &[u8]) -> io::Result<()> {
        match self {
            Io::Plain(s) => s.write_all(b),
            Io::Tls(s) => {
                s.write_all(b)?;
                s.flush()
            }
            Io::Gone => Ok(()),
        }
    }
}

struct Session {
    io: Io,
    buf: Vec<u8>,
    opts: Options,
    msgs: Vec<Msg>,
    next_uid: u32,
    log: Arc<Mutex<Vec<String>>>,
    selected: bool,
}

impl Session {
    fn send(&mut self, s: &str) -> io::Result<()> {
        self.io.write(s.as_bytes())
    }

    fn fill(&mut self) -> io::Result<bool> {
        let mut b = [0u8; 8192];
        let n = self.io.read(&mut b)?;
        self.buf.extend_from_slice(&b[..n]);
        Ok(n > 0)
    }

    fn line(&mut self) -> io::Result<Option<String>> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let l = String::from_utf8_lossy(&self.buf[..i]).into_owned();
                self.buf.drain(..i + 2);
                return Ok(Some(l));
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    fn bytes(&mut self, n: usize) -> io::Result<Vec<u8>> {
        while self.buf.len() < n {
            if !self.fill()? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        Ok(self.buf.drain(..n).collect())
    }

    /// One command: its line(s) with literals taken out.
    fn command(&mut self) -> io::Result<Option<(String, Vec<Vec<u8>>)>> {
        let mut text = String::new();
        let mut literals = Vec::new();
        loop {
            let Some(line) = self.line()? else {
                return Ok(None);
            };
            if let Some(open) = line.rfind('{').filter(|_| line.ends_with('}')) {
                let spec = &line[open + 1..line.len() - 1];
                let plus = spec.ends_with('+');
                let n: usize = spec.trim_end_matches('+').parse().unwrap_or(0);
                text.push_str(&line[..open]);
                if !plus {
                    self.send("+ go ahead\r\n")?;
                }
                literals.push(self.bytes(n)?);
                text.push_str("<literal>");
            } else {
                text.push_str(&line);
                return Ok(Some((text, literals)));
            }
        }
    }

    fn run(&mut self) -> io::Result<()> {
        if !self.opts.no_greeting {
            let caps = self.caps();
            self.send(&format!("* OK [CAPABILITY {caps}] test server ready\r\n"))?;
        }
        while let Some((line, literals)) = self.command()? {
            self.log.lock().unwrap().push(line.clone());
            let (tag, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
            let tag = tag.to_owned();
            let (mut name, mut args) = split_word(rest);
            if name == "UID" {
                let (n2, a2) = split_word(args);
                name = format!("UID {n2}");
                args = a2;
            }
            let args = args.to_owned();
            if self.opts.never_answer.contains(&name) {
                continue;
            }
            if self.opts.close_on.contains(&name) {
                self.io = Io::Gone;
                return Ok(());
            }
            if let Some((_, text)) = self.opts.answers.iter().find(|(n, _)| *n == name) {
                let text = text.replace("{tag}", &tag);
                self.send(&text)?;
                continue;
            }
            if self.opts.dribble.contains(&name) {
                let line = b"* OK this line goes on and on ";
                for i in 0..1000 {
                    self.io.write(&line[i % line.len()..][..1])?;
                    std::thread::sleep(Duration::from_millis(20));
                }
                self.io = Io::Gone;
                return Ok(());
            }
            if let Some((_, d)) = self.opts.delay.iter().find(|(n, _)| *n == name) {
                std::thread::sleep(*d);
            }
            if !self.handle(&tag, &name, &args, literals)? {
                return Ok(());
            }
        }
        Ok(())
    }

    fn caps(&self) -> String {
        let mut caps = self.opts.caps.clone();
        if self.opts.starttls.is_some() && matches!(self.io, Io::Plain(_)) {
            caps.push_str(" STARTTLS");
        }
        caps
    }

    fn seq_of(&self, uid: u32) -> usize {
        self.msgs.iter().position(|m| m.uid == uid).unwrap() + 1
    }

    fn fetch_line(&self, m: &Msg, items: &str, with_uid: bool) -> String {
        let seq = self.seq_of(m.uid);
        let mut parts = Vec::new();
        if with_uid || items.contains("UID") {
            parts.push(format!("UID {}", m.uid));
        }
        if items.contains("FLAGS") {
            parts.push(format!("FLAGS ({})", m.flags.join(" ")));
        }
        if items.contains("RFC822.SIZE") {
            parts.push(format!("RFC822.SIZE {}", m.body.len()));
        }
        if items.contains("INTERNALDATE") {
            parts.push("INTERNALDATE \"13-Jul-2023 10:00:00 +0000\"".into());
        }
        if items.contains("ENVELOPE") {
            parts.push(format!(
                "ENVELOPE (\"Thu, 13 Jul 2023 10:00:00 +0000\" \"Message {}\" ((\"Alice\" NIL \"alice\" \"example.org\")) NIL NIL ((NIL NIL \"bob\" \"example.org\")) NIL NIL NIL \"<{}@example.org>\")",
                m.uid, m.uid
            ));
        }
        let mut out = format!("* {seq} FETCH ({}", parts.join(" "));
        if items.contains("BODY.PEEK[HEADER]") || items.contains("BODY[HEADER]") {
            let end = m.body.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
            let h = String::from_utf8_lossy(&m.body[..end]);
            out.push_str(&format!(" BODY[HEADER] {{{}}}\r\n{}", end, h));
        }
        if items.contains("BODY.PEEK[]") || items.contains("BODY[]") {
            out.push_str(&format!(
                " BODY[] {{{}}}\r\n{}",
                m.body.len(),
                String::from_utf8_lossy(&m.body)
            ));
        }
        out.push_str(")\r\n");
        out
    }

    fn uid_set(&self, set: &str) -> Vec<u32> {
        let max = self.msgs.iter().map(|m| m.uid).max().unwrap_or(0);
        let mut out = Vec::new();
        for part in set.split(',') {
            let (a, b) = part.split_once(':').unwrap_or((part, part));
            let p = |x: &str| {
                if x == "*" {
                    max
                } else {
                    x.parse().unwrap_or(0)
                }
            };
            let (a, b) = (p(a), p(b));
            let (a, b) = (a.min(b), a.max(b));
            out.extend(
                self.msgs
                    .iter()
                    .map(|m| m.uid)
                    .filter(|u| (a..=b).contains(u)),
            );
        }
        out
    }

    fn handle(
        &mut self,
        tag: &str,
        name: &str,
        args: &str,
        literals: Vec<Vec<u8>>,
    ) -> io::Result<bool> {
        match name {
            "CAPABILITY" => {
                let caps = self.caps();
                self.send(&format!("* CAPABILITY {caps}\r\n{tag} OK done\r\n"))?
            }
            "NOOP" | "CHECK" => self.send(&format!("{tag} OK noop\r\n"))?,
            "ID" => self.send(&format!("* ID (\"name\" \"scripted\")\r\n{tag} OK id\r\n"))?,
            "LOGIN" => {
                let pw = args.rsplit(' ').next().unwrap_or("").trim_matches('"');
                if pw == self.opts.password {
                    let caps = self.caps();
                    self.send(&format!("{tag} OK [CAPABILITY {caps}] logged in\r\n"))?
                } else {
                    self.send(&format!("{tag} NO [AUTHENTICATIONFAILED] bad password\r\n"))?
                }
            }
            "AUTHENTICATE" => self.send(&format!("{tag} OK authenticated\r\n"))?,
            "STARTTLS" => {
                let Some(cfg) = self.opts.starttls.clone() else {
                    return self.send(&format!("{tag} BAD no\r\n")).map(|_| true);
                };
                self.send(&format!("{tag} OK begin TLS\r\n"))?;
                let Io::Plain(tcp) = std::mem::replace(&mut self.io, Io::Gone) else {
                    return Ok(false);
                };
                self.io = Io::Tls(Box::new(StreamOwned::new(
                    ServerConnection::new(cfg).unwrap(),
                    tcp,
                )));
            }
            "SELECT" | "EXAMINE" => {
                self.selected = true;
                let n = self.msgs.len();
                let ro = if name == "EXAMINE" {
                    "READ-ONLY"
                } else {
                    "READ-WRITE"
                };
                self.send(&format!(
                    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* {n} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 42] v\r\n* OK [UIDNEXT {}] n\r\n* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] p\r\n{tag} OK [{ro}] selected\r\n",
                    self.next_uid
                ))?
            }
            "UNSELECT" | "CLOSE" => {
                self.selected = false;
                self.send(&format!("{tag} OK done\r\n"))?
            }
            "LIST" => {
                let mut out = String::new();
                let status = args.contains("STATUS");
                for (attrs, name) in [
                    ("\\HasNoChildren", "INBOX"),
                    ("\\HasNoChildren \\Sent", "Sent"),
                    ("\\HasNoChildren \\Trash", "Trash"),
                    ("\\HasChildren", "Archive"),
                    ("\\HasNoChildren", "Archive/2023"),
                ] {
                    if !args.contains('*')
                        && !args.contains(&format!("\"{name}\""))
                        && !args.ends_with(name)
                    {
                        continue;
                    }
                    out.push_str(&format!("* LIST ({attrs}) \"/\" {name}\r\n"));
                    if status {
                        out.push_str(&format!(
                            "* STATUS {name} (MESSAGES {} UNSEEN 1 UIDNEXT {} UIDVALIDITY 42)\r\n",
                            self.msgs.len(),
                            self.next_uid
                        ));
                    }
                }
                self.send(&format!("{out}{tag} OK listed\r\n"))?
            }
            "STATUS" => {
                let mbox = args.split(' ').next().unwrap_or("INBOX");
                self.send(&format!(
                    "* STATUS {mbox} (MESSAGES {} UNSEEN 1 UIDNEXT {} UIDVALIDITY 42)\r\n{tag} OK status\r\n",
                    self.msgs.len(),
                    self.next_uid
                ))?
            }
            "CREATE" | "DELETE" | "RENAME" | "SUBSCRIBE" | "UNSUBSCRIBE" => {
                self.send(&format!("{tag} OK {name} done\r\n"))?
            }
            "UID SEARCH" | "SEARCH" => {
                let hits: Vec<String> = self
                    .msgs
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| {
                        !args.contains("UNSEEN") || !m.flags.iter().any(|f| f == "\\Seen")
                    })
                    .map(|(i, m)| {
                        if name == "SEARCH" {
                            (i + 1).to_string()
                        } else {
                            m.uid.to_string()
                        }
                    })
                    .collect();
                self.send(&format!(
                    "* SEARCH {}\r\n{tag} OK search\r\n",
                    hits.join(" ")
                ))?
            }
            "UID FETCH" => {
                let (set, items) = args.split_once(' ').unwrap_or((args, ""));
                let mut out = String::new();
                for uid in self.uid_set(set) {
                    let m = self.msgs.iter().find(|m| m.uid == uid).unwrap();
                    out.push_str(&self.fetch_line(m, items, true));
                }
                self.send(&format!("{out}{tag} OK fetched\r\n"))?
            }
            "FETCH" => {
                let (set, items) = args.split_once(' ').unwrap_or((args, ""));
                let (a, b) = set.split_once(':').unwrap_or((set, set));
                let n = self.msgs.len();
                let p = |x: &str| if x == "*" { n } else { x.parse().unwrap_or(0) };
                let mut out = String::new();
                for seq in p(a)..=p(b).min(n) {
                    let m = &self.msgs[seq - 1];
                    out.push_str(&self.fetch_line(m, items, false));
                }
                self.send(&format!("{out}{tag} OK fetched\r\n"))?
            }
            "UID STORE" | "STORE" => {
                let mut it = args.splitn(3, ' ');
                let set = it.next().unwrap_or("");
                let op = it.next().unwrap_or("");
                let flags: Vec<String> = it
                    .next()
                    .unwrap_or("")
                    .trim_matches(|c| c == '(' || c == ')')
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect();
                let uids = if name == "STORE" {
                    let (a, b) = set.split_once(':').unwrap_or((set, set));
                    let (a, b): (usize, usize) = (a.parse().unwrap_or(1), b.parse().unwrap_or(1));
                    (a..=b)
                        .filter_map(|s| self.msgs.get(s - 1).map(|m| m.uid))
                        .collect()
                } else {
                    self.uid_set(set)
                };
                let mut out = String::new();
                for uid in uids {
                    let m = self.msgs.iter_mut().find(|m| m.uid == uid).unwrap();
                    if op.starts_with('+') {
                        for f in &flags {
                            if !m.flags.contains(f) {
                                m.flags.push(f.clone());
                            }
                        }
                    } else if op.starts_with('-') {
                        m.flags.retain(|f| !flags.contains(f));
                    } else {
                        m.flags = flags.clone();
                    }
                    if !op.contains("SILENT") {
                        let m = m.clone();
                        out.push_str(&self.fetch_line(&m, "FLAGS", name == "UID STORE"));
                    }
                }
                self.send(&format!("{out}{tag} OK stored\r\n"))?
            }
            "UID EXPUNGE" | "EXPUNGE" => {
                let only = if name == "UID EXPUNGE" {
                    Some(self.uid_set(args))
                } else {
                    None
                };
                let mut out = String::new();
                let mut i = 0;
                while i < self.msgs.len() {
                    let m = &self.msgs[i];
                    let hit = m.flags.iter().any(|f| f == "\\Deleted")
                        && only.as_ref().is_none_or(|o| o.contains(&m.uid));
                    if hit {
                        out.push_str(&format!("* {} EXPUNGE\r\n", i + 1));
                        self.msgs.remove(i);
                    } else {
                        i += 1;
                    }
                }
                self.send(&format!("{out}{tag} OK expunged\r\n"))?
            }
            "APPEND" => {
                let uid = self.next_uid;
                self.next_uid += 1;
                let flags = args
                    .split_once('(')
                    .and_then(|(_, r)| r.split_once(')'))
                    .map(|(f, _)| f.split_whitespace().map(str::to_owned).collect())
                    .unwrap_or_default();
                self.msgs.push(Msg {
                    uid,
                    flags,
                    body: literals.into_iter().next().unwrap_or_default(),
                });
                let exists = if self.selected && args.starts_with("INBOX") {
                    format!("* {} EXISTS\r\n", self.msgs.len())
                } else {
                    String::new()
                };
                self.send(&format!(
                    "{exists}{tag} OK [APPENDUID 42 {uid}] appended\r\n"
                ))?
            }
            "UID COPY" | "UID MOVE" => {
                let (set, _) = args.split_once(' ').unwrap_or((args, ""));
                let uids = self.uid_set(set);
                let dest: Vec<String> = (0..uids.len()).map(|i| (100 + i).to_string()).collect();
                let src: Vec<String> = uids.iter().map(u32::to_string).collect();
                let code = format!("COPYUID 43 {} {}", src.join(","), dest.join(","));
                if name == "UID MOVE" {
                    let mut out = format!("* OK [{code}] moved\r\n");
                    for uid in uids {
                        let seq = self.seq_of(uid);
                        self.msgs.remove(seq - 1);
                        out.push_str(&format!("* {seq} EXPUNGE\r\n"));
                    }
                    self.send(&format!("{out}{tag} OK done\r\n"))?
                } else {
                    self.send(&format!("{tag} OK [{code}] copied\r\n"))?
                }
            }
            "IDLE" => {
                self.send("+ idling\r\n")?;
                if !self.opts.idle_push.is_empty() {
                    std::thread::sleep(Duration::from_millis(50));
                    let lines: String = self.opts.idle_push.concat();
                    self.send(&lines)?;
                }
                // Wait for DONE.
                loop {
                    match self.line()? {
                        Some(l) if l.eq_ignore_ascii_case("DONE") => break,
                        Some(_) => {}
                        None => return Ok(false),
                    }
                }
                self.log.lock().unwrap().push("DONE".into());
                self.send(&format!("{tag} OK idle done\r\n"))?
            }
            "LOGOUT" => {
                self.send(&format!("* BYE bye\r\n{tag} OK logged out\r\n"))?;
                return Ok(false);
            }
            _ => self.send(&format!("{tag} BAD unknown command\r\n"))?,
        }
        Ok(true)
    }
}

fn split_word(s: &str) -> (String, &str) {
    match s.split_once(' ') {
        Some((a, b)) => (a.to_ascii_uppercase(), b),
        None => (s.to_ascii_uppercase(), ""),
    }
}

/// A server on 127.0.0.1 that greets with PREAUTH and LITERAL+ and then never reads, so the
/// client's writes fill the socket buffers and block. It holds the socket until the test says
/// so (at most 60 s).
pub fn never_reads() -> (u16, std::sync::mpsc::Sender<()>) {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.write_all(b"* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] come in\r\n")
            .unwrap();
        let _ = finished.recv_timeout(Duration::from_secs(60));
    });
    (port, done)
}
