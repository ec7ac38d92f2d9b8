//! `mock-server`: serves the demo account (user `demo`, password `demo`) on 127.0.0.1 and logs
//! every conversation, credentials redacted.

use clap::Parser;
use mock_server::listener::{Certificate, MockServer};
use mock_server::session::options::Quirks;
use mock_server::transcript::Transcript;
use std::path::PathBuf;

/// An in-memory IMAP server for trying clients by hand.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Plaintext port (STARTTLS offered).
    #[arg(long, default_value_t = 1143)]
    port: u16,
    /// Implicit-TLS port (self-signed certificate, written to the log as PEM).
    #[arg(long, default_value_t = 1993)]
    tls_port: u16,
    /// Serve this certificate (PEM) instead of a generated one, with --tls-key: for example
    /// what `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -subj
    /// /CN=localhost -addext subjectAltName=DNS:localhost -keyout key.pem -out cert.pem` makes.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Require a client certificate signed by this CA (PEM) on TLS: mutual TLS.
    #[arg(long, value_name = "PEM")]
    client_ca: Option<PathBuf>,
    /// Another user, as name:password (repeatable).
    #[arg(long = "user", value_name = "NAME:PASSWORD")]
    users: Vec<String>,
    /// A directory of .eml files to deliver into every user's INBOX.
    #[arg(long, value_name = "DIR")]
    seed_dir: Option<PathBuf>,
    /// Allow LOGIN and AUTHENTICATE on the plaintext port before STARTTLS.
    #[arg(long)]
    allow_plaintext_login: bool,
    /// Act as a server without UIDPLUS (and IMAP4rev2): no APPENDUID or COPYUID, no UID
    /// EXPUNGE.
    #[arg(long)]
    no_uidplus: bool,
    /// Behave like a known server: standard, gmail, exchange, exchange-bodystructure or
    /// bare-continuation.
    #[arg(long, default_value = "standard")]
    quirks: String,
    /// Do not log conversations.
    #[arg(long)]
    quiet: bool,
    /// Hold back the answer to a failed LOGIN or AUTHENTICATE this many milliseconds
    /// (Dovecot's auth_failure_delay).
    #[arg(long, default_value_t = 2000)]
    auth_failure_delay_ms: u64,
    /// Close a connection after this many failed LOGIN or AUTHENTICATE attempts (0: never).
    #[arg(long, default_value_t = 3)]
    max_auth_failures: u32,
    /// The largest message APPEND accepts, in bytes (APPENDLIMIT); 0 for no limit.
    #[arg(long, default_value_t = 32 << 20)]
    append_limit: u64,
    /// Every user's storage quota in KiB (QUOTA STORAGE); 0 for no limit.
    #[arg(long, default_value_t = 1 << 20)]
    quota_kib: u64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let store = mock_server::demo::demo_store();
    let mut users = vec![mock_server::demo::DEMO_USER.to_owned()];
    for u in &args.users {
        let (name, password) = u
            .split_once(':')
            .ok_or_else(|| format!("--user {u}: expected NAME:PASSWORD"))?;
        store.add_user(name, password)?;
        users.push(name.to_owned());
    }
    if let Some(dir) = &args.seed_dir {
        for u in &users {
            let n = mock_server::seed::load_eml_dir(&store.account(u)?, "INBOX", dir)?.len();
            eprintln!(
                "seeded {n} messages from {} into {u}'s INBOX",
                dir.display()
            );
        }
    }
    // A server for people is open to anyone on the machine: no unbounded storage by default.
    let limit = |n: u64| (n > 0).then_some(n);
    store.set_append_limit(limit(args.append_limit));
    for u in &users {
        store.account(u)?.set_quota(limit(args.quota_kib), None);
    }
    let quirks = match args.quirks.to_ascii_lowercase().as_str() {
        "gmail" => Quirks::Gmail,
        "exchange" => Quirks::Exchange,
        "standard" => Quirks::Standard,
        "exchange-bodystructure" => Quirks::ExchangeBodyStructure,
        "bare-continuation" => Quirks::BareContinuation,
        other => {
            return Err(format!(
                "--quirks {other}: expected standard, gmail, exchange, exchange-bodystructure \
                 or bare-continuation"
            )
            .into());
        }
    };
    let mut builder = MockServer::builder()
        .store(store)
        .starttls()
        .tls()
        .plain_port(args.port)
        .tls_port(args.tls_port)
        .auth_failures(
            std::time::Duration::from_millis(args.auth_failure_delay_ms),
            (args.max_auth_failures > 0).then_some(args.max_auth_failures),
        )
        .quirks(quirks);
    if args.allow_plaintext_login {
        builder = builder.allow_plaintext_login();
    }
    if args.no_uidplus {
        builder = builder.without_uidplus();
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let certificate = Certificate::from_pem(&std::fs::read(cert)?, &std::fs::read(key)?)?;
        builder = builder.certificate(certificate);
    }
    if let Some(ca) = &args.client_ca {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        for der in CertificateDer::pem_slice_iter(&std::fs::read(ca)?) {
            builder = builder.client_auth(der?.to_vec());
        }
    }
    if !args.quiet {
        builder = builder.transcript(Transcript::with_sink(|e| eprintln!("{e}")));
    }
    let server = builder.start()?;
    if let Some(c) = server.certificate() {
        eprintln!("TLS certificate:\n{}", c.pem());
    }
    eprintln!(
        "mock-server: IMAP on {} (STARTTLS), IMAPS on {}; users: {}",
        server.addr(),
        server.tls_addr(),
        users.join(", ")
    );
    eprintln!("log in as demo / demo");
    loop {
        std::thread::park();
    }
}
