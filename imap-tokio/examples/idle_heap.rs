//! Measures the heap each IDLE-ing connection costs the client: opens N connections to a
//! local server (this program re-run as a child process, so its memory is not counted), puts
//! them all in IDLE, and divides the growth of the heap (counted by a wrapping global
//! allocator) by N.
//!
//! `cargo run --release -p imap-tokio --example idle_heap -- [N] [plain|tls]`

use imap_tokio::TokioConnect;
use imap_tokio::prelude::*;
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use std::alloc::System;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::Arc;
use std::time::Duration;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn live_bytes() -> i64 {
    let s = GLOBAL.stats();
    s.bytes_allocated as i64 - s.bytes_deallocated as i64 + s.bytes_reallocated as i64
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        serve(args.get(2).map(String::as_str) == Some("tls"));
        return;
    }
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let tls = args.get(2).map(String::as_str) == Some("tls");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(measure(n, tls));
}

async fn measure(n: usize, tls: bool) {
    let exe = std::env::current_exe().expect("current exe");
    let mut child = std::process::Command::new(exe)
        .arg("serve")
        .arg(if tls { "tls" } else { "plain" })
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("server process");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("port");
    let port: u16 = line.trim().parse().expect("port number");
    let mut ca = String::new();
    loop {
        line.clear();
        out.read_line(&mut line).expect("pem");
        if line.trim() == "END" {
            break;
        }
        ca.push_str(&line);
    }
    let connector = if tls {
        imap_tokio::Connector::new("localhost")
            .port(port)
            .tls(imap_tokio::TlsOptions::new().ca_pem(ca))
    } else {
        imap_tokio::Connector::new("127.0.0.1")
            .port(port)
            .security(imap_tokio::Security::Plain)
            .allow_plaintext_login()
    }
    .password("user", "pw")
    .max_events(16);

    let stop = Arc::new(tokio::sync::Notify::new());
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(n + 1);
    let spawn_one = |connector: imap_tokio::Connector| {
        let stop = stop.clone();
        let ready = ready_tx.clone();
        tokio::spawn(async move {
            let mut s = connector.login().await.expect("login");
            s.select("INBOX").await.expect("select");
            let mut idle = s.idle().await.expect("idle");
            ready.send(()).await.ok();
            loop {
                tokio::select! {
                    e = idle.wait() => { e.expect("idle event"); }
                    _ = stop.notified() => break,
                }
            }
            idle.done().await.expect("done");
            s.logout().await.ok();
        })
    };
    // Warm up: lazy statics, the TLS configuration, the runtime's structures.
    let mut tasks = vec![spawn_one(connector.clone())];
    ready_rx.recv().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = live_bytes();
    for _ in 0..n {
        tasks.push(spawn_one(connector.clone()));
    }
    for _ in 0..n {
        ready_rx.recv().await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = live_bytes();
    let per = (after - before) as f64 / n as f64;
    println!(
        "{n} idle {} connections: {:.1} KiB of client heap each ({} bytes total)",
        if tls { "TLS" } else { "plain" },
        per / 1024.0,
        after - before
    );
    stop.notify_waiters();
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(5), t).await;
    }
    child.kill().ok();
    child.wait().ok();
}

/// The server: greeting, LOGIN, SELECT, IDLE (until DONE), LOGOUT; one thread per connection.
fn serve(tls: bool) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    println!("{}", listener.local_addr().expect("addr").port());
    let mut config = None;
    if tls {
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("cert");
        println!("{}", cert.cert.pem());
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(
            rustls::pki_types::PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()),
        );
        let c = rustls::ServerConfig::builder_with_provider(imap_connect::provider())
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(vec![cert.cert.der().clone()], key)
            .expect("server config");
        config = Some(Arc::new(c));
    }
    println!("END");
    std::io::stdout().flush().ok();
    for stream in listener.incoming() {
        let Ok(tcp) = stream else { continue };
        let config = config.clone();
        std::thread::spawn(move || {
            let _ = match config {
                Some(c) => {
                    let conn = rustls::ServerConnection::new(c).expect("tls");
                    talk(rustls::StreamOwned::new(conn, tcp))
                }
                None => talk(tcp),
            };
        });
    }
}

fn talk(mut io: impl Read + Write) -> std::io::Result<()> {
    io.write_all(b"* OK [CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN] ready\r\n")?;
    io.flush()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    let mut idling: Option<String> = None;
    loop {
        let n = io.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        while let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
            let line = String::from_utf8_lossy(&buf[..i]).into_owned();
            buf.drain(..i + 2);
            if let Some(tag) = idling.take() {
                io.write_all(format!("{tag} OK idle done\r\n").as_bytes())?;
                io.flush()?;
                continue;
            }
            let mut words = line.split(' ');
            let tag = words.next().unwrap_or("*").to_owned();
            let reply = match words.next().unwrap_or("").to_ascii_uppercase().as_str() {
                "LOGIN" => format!("{tag} OK [CAPABILITY IMAP4rev1 IDLE] in\r\n"),
                "SELECT" => {
                    format!("* 0 EXISTS\r\n* OK [UIDVALIDITY 1] v\r\n{tag} OK [READ-WRITE] ok\r\n")
                }
                "IDLE" => {
                    idling = Some(tag);
                    "+ idling\r\n".to_owned()
                }
                "LOGOUT" => {
                    io.write_all(format!("* BYE\r\n{tag} OK bye\r\n").as_bytes())?;
                    io.flush()?;
                    return Ok(());
                }
                _ => format!("{tag} OK\r\n"),
            };
            io.write_all(reply.as_bytes())?;
            io.flush()?;
        }
    }
}
