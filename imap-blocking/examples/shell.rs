//! An interactive IMAP shell, like IMAPClient's interactive mode. Settings from the command
//! line or an INI-style file:
//!
//! ```text
//! [server]
//! host = imap.example.org
//! port = 993
//! username = alice
//! password = secret
//! ssl = true          ; implicit TLS
//! starttls = false
//! verify = true       ; false accepts any certificate (test servers only)
//! ca_file = /path/ca.pem
//! timeout = 60
//! oauth2_token = ...  ; instead of the password
//! ```
//!
//! `cargo run -p imap-blocking --example shell -- --config imap.ini` or
//! `cargo run -p imap-blocking --example shell -- --host localhost --port 1143 --no-ssl -u alice`

use clap::Parser;
use imap_blocking::imap_core::terminal::{escaped, escaped_text};
use imap_blocking::prelude::*;
use imap_blocking::types::{SeqNum, Uid, UidSet};
use imap_blocking::{Connector, FetchQuery, Query, Security, Session, format_flags, parse_flags};
use std::io::{BufRead, Write};
use std::time::Duration;

#[derive(Parser, Debug, Default)]
#[command(about = "Interactive IMAP shell")]
struct Args {
    /// INI-style settings file (command-line options override it).
    #[arg(long)]
    config: Option<std::path::PathBuf>,
    /// Server host.
    #[arg(long)]
    host: Option<String>,
    /// Server port (993 with SSL, else 143).
    #[arg(long)]
    port: Option<u16>,
    /// User name.
    #[arg(short, long)]
    username: Option<String>,
    /// Password (else IMAP_PASSWORD, else asked).
    #[arg(short, long)]
    password: Option<String>,
    /// OAuth 2.0 access token (XOAUTH2) instead of a password.
    #[arg(long)]
    oauth2_token: Option<String>,
    /// No implicit TLS.
    #[arg(long)]
    no_ssl: bool,
    /// Upgrade with STARTTLS.
    #[arg(long)]
    starttls: bool,
    /// Do not verify the certificate (test servers only).
    #[arg(long)]
    insecure: bool,
    /// Trust this CA file (PEM).
    #[arg(long)]
    ca_file: Option<String>,
    /// Command timeout in seconds.
    #[arg(long)]
    timeout: Option<u64>,
}

#[derive(Debug, Default)]
struct Settings {
    host: String,
    port: Option<u16>,
    username: String,
    password: Option<String>,
    oauth2_token: Option<String>,
    ssl: bool,
    starttls: bool,
    verify: bool,
    ca_file: Option<String>,
    timeout: u64,
}

fn ini(path: &std::path::Path) -> std::io::Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .lines()
        .map(|l| l.split([';', '#']).next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && !l.starts_with('['))
        .filter_map(|l| l.split_once('=').or_else(|| l.split_once(':')))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect())
}

fn truthy(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")
}

fn settings(args: Args) -> std::io::Result<Settings> {
    let mut s = Settings {
        ssl: true,
        verify: true,
        timeout: 60,
        ..Settings::default()
    };
    if let Some(path) = &args.config {
        for (k, v) in ini(path)? {
            match k.as_str() {
                "host" => s.host = v,
                "port" => s.port = v.parse().ok(),
                "username" => s.username = v,
                "password" => s.password = Some(v),
                "oauth2_token" => s.oauth2_token = Some(v),
                "ssl" => s.ssl = truthy(&v),
                "starttls" => s.starttls = truthy(&v),
                "verify" => s.verify = truthy(&v),
                "ca_file" => s.ca_file = Some(v),
                "timeout" => s.timeout = v.parse().unwrap_or(60),
                _ => eprintln!("ignoring setting {k}"),
            }
        }
    }
    if let Some(h) = args.host {
        s.host = h
    }
    if args.port.is_some() {
        s.port = args.port
    }
    if let Some(u) = args.username {
        s.username = u
    }
    if args.password.is_some() {
        s.password = args.password
    }
    if args.oauth2_token.is_some() {
        s.oauth2_token = args.oauth2_token
    }
    if args.no_ssl {
        s.ssl = false
    }
    if args.starttls {
        s.starttls = true
    }
    if args.insecure {
        s.verify = false
    }
    if args.ca_file.is_some() {
        s.ca_file = args.ca_file
    }
    if let Some(t) = args.timeout {
        s.timeout = t
    }
    if s.password.is_none() {
        s.password = std::env::var("IMAP_PASSWORD").ok();
    }
    Ok(s)
}

fn connect(s: &Settings) -> imap_blocking::Result<Session> {
    let security = match (s.ssl, s.starttls) {
        (true, _) => Security::Tls,
        (false, true) => Security::StartTls,
        (false, false) => Security::Plain,
    };
    let mut c = Connector::new(s.host.clone())
        .security(security)
        .command_timeout(Duration::from_secs(s.timeout))
        .danger_accept_invalid_certs(!s.verify)
        .allow_plaintext_login(security == Security::Plain);
    if let Some(p) = s.port {
        c = c.port(p)
    }
    if let Some(ca) = &s.ca_file {
        c = c.ca_file(ca)
    }
    c = match (&s.oauth2_token, &s.password) {
        (Some(t), _) => c.oauth2(s.username.clone(), t.clone()),
        (None, Some(p)) => c.password(s.username.clone(), p.clone()),
        (None, None) => {
            eprint!("password for {}: ", s.username);
            std::io::stderr().flush().ok();
            let mut pw = String::new();
            std::io::stdin().lock().read_line(&mut pw).ok();
            c.password(s.username.clone(), pw.trim_end().to_owned())
        }
    };
    c.login()
}

const HELP: &str = "commands:
  capabilities | namespace | folders | status FOLDER | select FOLDER | examine FOLDER
  search CRITERIA...        (UID SEARCH, e.g. search SINCE 13-Jul-2013 TEXT Apress)
  fetch UID                 (envelope, flags, size)   | headers UID | body UID
  flags UID | add-flags UID FLAGS... | remove-flags UID FLAGS... | set-flags UID FLAGS...
  delete UID | expunge | seq SEQ (UID of a sequence number)
  create FOLDER | rename FROM TO | delete-folder FOLDER | subscribe FOLDER | unsubscribe FOLDER
  idle SECONDS | noop | quota [FOLDER] | raw COMMAND LINE | help | quit";

fn uid(arg: Option<&&str>) -> Result<Uid, String> {
    arg.and_then(|a| a.parse().ok())
        .and_then(Uid::new)
        .ok_or_else(|| "expected a UID".to_string())
}

fn run(session: &mut Session, line: &str) -> Result<bool, Box<dyn std::error::Error>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some((cmd, rest)) = words.split_first() else {
        return Ok(true);
    };
    let arg = rest.first().copied().unwrap_or("INBOX");
    match *cmd {
        "quit" | "exit" => return Ok(false),
        "help" | "?" => println!("{HELP}"),
        "capabilities" => println!("{:?}", session.capabilities()?.list()),
        "namespace" => println!("{:#?}", session.namespace()?),
        "folders" => {
            for f in session.folders()? {
                let attrs: Vec<String> = f
                    .attributes
                    .iter()
                    .map(|a| format!("\\{}", a.name()))
                    .collect();
                println!(
                    "{:<40} {}",
                    escaped(&f.name.to_string()),
                    escaped(&attrs.join(" "))
                );
            }
        }
        "status" => println!("{:?}", session.folder_status(arg)?),
        "select" => println!("{:#?}", session.select(arg)?),
        "examine" => println!("{:#?}", session.examine(arg)?),
        // As ranges: a server's `1:4294967295` prints as one range.
        "search" => println!("{:?}", session.search(&Query::parse(&rest.join(" "))?)?),
        "fetch" => {
            let m = session.fetch_one(uid(rest.first())?, &FetchQuery::summary())?;
            println!("{m:#?}");
        }
        "headers" => {
            let m = session.fetch_one(uid(rest.first())?, &FetchQuery::new().header())?;
            for (k, v) in m.headers() {
                println!("{}: {}", escaped(&k), escaped(&v));
            }
        }
        "body" => {
            // Into memory first: the raw message must not reach the terminal.
            let mut message = Vec::new();
            session.download(uid(rest.first())?, &mut message)?;
            println!("{}", escaped_text(&String::from_utf8_lossy(&message)));
        }
        "flags" => {
            let u = uid(rest.first())?;
            let flags = session.flags(u)?;
            let flags = format_flags(flags.get(&u).map(Vec::as_slice).unwrap_or(&[]));
            println!("{}", escaped(&flags));
        }
        "add-flags" | "remove-flags" | "set-flags" => {
            let u = uid(rest.first())?;
            let flags = parse_flags(&rest[1..].join(" "))?;
            let now = match *cmd {
                "add-flags" => session.add_flags(u, &flags)?,
                "remove-flags" => session.remove_flags(u, &flags)?,
                _ => session.set_flags(u, &flags)?,
            };
            let flags = format_flags(now.get(&u).map(Vec::as_slice).unwrap_or(&[]));
            println!("{}", escaped(&flags));
        }
        "delete" => session.delete(uid(rest.first())?)?,
        "expunge" => {
            for m in session.expunge()?.messages {
                println!("expunged seq {} UID {:?}", m.seq, m.uid.map(|u| u.get()));
            }
        }
        "seq" => {
            let seq = rest
                .first()
                .and_then(|s| s.parse().ok())
                .and_then(SeqNum::new)
                .ok_or("expected a number")?;
            println!(
                "{:?}",
                session.selected().and_then(|m| m.uid(seq)).map(|u| u.get())
            );
        }
        "create" => session.create_folder(arg)?,
        "rename" => session.rename_folder(arg, rest.get(1).ok_or("expected TO")?)?,
        "delete-folder" => session.delete_folder(arg)?,
        "subscribe" => session.subscribe(arg)?,
        "unsubscribe" => session.unsubscribe(arg)?,
        "idle" => {
            let secs = rest.first().and_then(|s| s.parse().ok()).unwrap_or(30);
            for e in session.idle_for(Duration::from_secs(secs))? {
                println!("{e:?}");
            }
        }
        "noop" => {
            session.noop()?;
            for e in session.drain_events() {
                println!("{e:?}");
            }
        }
        "quota" => println!("{:?}", session.quota_root(arg)?),
        "raw" => println!("{:#?}", session.raw_command(&rest.join(" "))?),
        "all" => {
            let all = session.search(&Query::all())?;
            if let Some(set) = all.to_set() {
                for (u, m) in session.fetch(&set, &FetchQuery::new().envelope())? {
                    println!("{u:>8} {}", escaped(&m.subject().unwrap_or_default()));
                }
            }
            let _ = UidSet::all();
        }
        other => println!("unknown command {other:?}; try help"),
    }
    Ok(true)
}

fn main() {
    let s = match settings(Args::parse()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("settings: {e}");
            std::process::exit(2);
        }
    };
    if s.host.is_empty() {
        eprintln!("no host: use --host or a config file");
        std::process::exit(2);
    }
    let mut session = match connect(&s) {
        Ok(session) => session,
        Err(e) => {
            eprintln!("{}", escaped(&e.to_string()));
            std::process::exit(1);
        }
    };
    println!("connected to {}; type help", s.host);
    let stdin = std::io::stdin();
    loop {
        print!("imap> ");
        std::io::stdout().flush().ok();
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        match run(&mut session, line.trim()) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                println!("error: {}", escaped(&e.to_string()));
                if session.is_closed() {
                    break;
                }
            }
        }
    }
    if let Err(e) = session.logout() {
        eprintln!("logout: {}", escaped(&e.to_string()));
    }
}
