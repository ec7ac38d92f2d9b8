//! A private Cyrus IMAP server for tests against a second real server ([`Cyrus`]).
//!
//! [`Cyrus::start`] runs Cyrus's `master` (Debian packages `cyrus-common` and `cyrus-imapd`, see
//! [`SERVICE_DIRS`]) in the foreground with
//! an `imapd.conf` and a `cyrus.conf` written into a fresh temporary directory: the
//! configuration directory, the mail spool, the sockets and a SASL password database
//! (`saslpasswd2`, package `sasl2-bin`) all live there. `imapd` listens on 127.0.0.1 on an
//! ephemeral port, plaintext LOGIN and AUTHENTICATE PLAIN are allowed, the hierarchy separator
//! is `/`, INBOX is created at the first login, and `idled` runs so that IDLE hears other
//! sessions' changes at once. No TLS. Dropping the [`Cyrus`] stops it (SIGTERM to `master`,
//! which stops its services, then SIGKILL if it does not exit in time) and removes the
//! directory, unless the test panicked.
//!
//! Cyrus's `master` must start as root (it runs its services as the package's `cyrus` user, who
//! is given the directory). Without the package, or not as root, [`start_or_skip`] prints a loud
//! `SKIPPED` line and returns `None`, or panics when [`REQUIRE_ENV`] is set (CI sets it).

use std::fmt;
use std::fs;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::process::{passwd_entry_by_name, reap_within, temp_dir, wait_for_greeting};

/// Where Debian installs Cyrus's `master` (package `cyrus-common`).
pub const MASTER: &str = "/usr/lib/cyrus/bin/master";

/// Where Cyrus's `imapd` and `idled` are looked for, in order: the package `cyrus-imapd`
/// installs them in the first; it conflicts with `dovecot-imapd` (both provide
/// `imap-server`), so CI unpacks it into the second instead (`dpkg -x`), beside Dovecot.
pub const SERVICE_DIRS: &[&str] = &[
    "/usr/lib/cyrus/bin",
    "/opt/imap-tests-cyrus/usr/lib/cyrus/bin",
];

/// Environment variable naming another directory holding `imapd` and `idled`.
pub const SERVICE_DIR_ENV: &str = "IMAP_TESTS_CYRUS_BIN";

/// Where `sasl2-bin` installs `saslpasswd2`.
pub const SASLPASSWD: &str = "/usr/sbin/saslpasswd2";

/// Environment variable that turns a missing Cyrus from a skip into a failure (CI sets it).
pub const REQUIRE_ENV: &str = "IMAP_TESTS_REQUIRE_CYRUS";

/// The test user every instance has.
pub const USER: &str = "tester";

/// The test user's password.
pub const PASSWORD: &str = "secret";

/// How long start-up may take before it counts as failed.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// How long `Drop` waits for `master` to exit after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// Why no Cyrus is running.
#[derive(Debug)]
pub enum CyrusSkip {
    /// Cyrus cannot run here (not installed, or not root): tests skip unless [`REQUIRE_ENV`].
    Unavailable(String),
    /// Cyrus is there but did not start: a real failure, with the details.
    Failed(String),
}

impl fmt::Display for CyrusSkip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CyrusSkip::Unavailable(why) => write!(f, "cyrus unavailable ({why})"),
            CyrusSkip::Failed(why) => write!(f, "cyrus did not start: {why}"),
        }
    }
}

impl std::error::Error for CyrusSkip {}

/// A running private Cyrus. Dropping it stops it.
#[derive(Debug)]
pub struct Cyrus {
    child: Option<Child>,
    dir: PathBuf,
    addr: SocketAddr,
}

/// Starts a Cyrus, or says why not: prints a loud `SKIPPED` line and returns `None` when it
/// cannot run here.
///
/// # Panics
/// When Cyrus is there but does not start, or cannot run while [`REQUIRE_ENV`] is set.
pub fn start_or_skip(test: &str) -> Option<Cyrus> {
    match Cyrus::start() {
        Ok(c) => Some(c),
        Err(CyrusSkip::Unavailable(why)) if std::env::var_os(REQUIRE_ENV).is_none() => {
            eprintln!("SKIPPED {test}: cyrus unavailable ({why}); set {REQUIRE_ENV}=1 to fail");
            None
        }
        Err(e) => panic!("{test}: {e}"),
    }
}

impl Cyrus {
    /// Starts a private instance with the user [`USER`] / [`PASSWORD`].
    ///
    /// # Errors
    /// [`CyrusSkip::Unavailable`] without the packages or root, [`CyrusSkip::Failed`] otherwise.
    pub fn start() -> Result<Cyrus, CyrusSkip> {
        for binary in [MASTER, SASLPASSWD] {
            if !Path::new(binary).is_file() {
                return Err(CyrusSkip::Unavailable(format!("{binary} not installed")));
            }
        }
        let services = service_dir().ok_or_else(|| {
            CyrusSkip::Unavailable(format!(
                "no imapd in {SERVICE_DIRS:?} or ${SERVICE_DIR_ENV}"
            ))
        })?;
        let me = fs::metadata("/proc/self")
            .map_err(|e| CyrusSkip::Unavailable(format!("/proc/self: {e}")))?;
        if me.uid() != 0 {
            return Err(CyrusSkip::Unavailable("master must start as root".into()));
        }
        let (_, uid, gid) = passwd_entry_by_name("cyrus")
            .ok_or_else(|| CyrusSkip::Unavailable("no user `cyrus`".into()))?;
        let dir = temp_dir("cyrus")
            .map_err(|e| CyrusSkip::Failed(format!("temporary directory: {e}")))?;
        let mut cyrus = Cyrus {
            child: None,
            addr: SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0)),
            dir,
        };
        cyrus
            .start_in(&services, uid, gid)
            .map_err(CyrusSkip::Failed)?;
        Ok(cyrus)
    }

    fn start_in(&mut self, services: &Path, uid: u32, gid: u32) -> Result<(), String> {
        let dir = self.dir.clone();
        let io = |what: &str, e: std::io::Error| format!("{what}: {e}");
        // config/socket: where each imapd binds its own socket for idled's notices.
        for sub in [
            "config",
            "config/db",
            "config/socket",
            "spool",
            "sieve",
            "run",
        ] {
            fs::create_dir(dir.join(sub)).map_err(|e| io(sub, e))?;
        }
        let port = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .map_err(|e| io("port", e))?
            .port();
        self.addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port));
        let conf = dir.join("imapd.conf");
        fs::write(&conf, imapd_conf(&dir)).map_err(|e| io("imapd.conf", e))?;
        fs::write(dir.join("cyrus.conf"), cyrus_conf(services, &conf, port))
            .map_err(|e| io("cyrus.conf", e))?;
        let mut sasl = Command::new(SASLPASSWD)
            .args(["-p", "-c", "-f"])
            .arg(dir.join("sasldb2"))
            .arg(USER)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| io("saslpasswd2", e))?;
        if let Some(mut stdin) = sasl.stdin.take() {
            std::io::Write::write_all(&mut stdin, PASSWORD.as_bytes())
                .map_err(|e| io("saslpasswd2 stdin", e))?;
        }
        let out = sasl.wait_with_output().map_err(|e| io("saslpasswd2", e))?;
        if !out.status.success() {
            return Err(format!(
                "saslpasswd2: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        chown_tree(&dir, uid, gid).map_err(|e| io("chown", e))?;
        let log = fs::File::create(dir.join("master.log")).map_err(|e| io("master.log", e))?;
        let child = Command::new(MASTER)
            .arg("-C")
            .arg(&conf)
            .arg("-M")
            .arg(dir.join("cyrus.conf"))
            .arg("-p")
            .arg(dir.join("run/master.pid"))
            .arg("-D")
            // Its own process group: at shutdown `master` signals its whole group, which would
            // otherwise be the test process's, holding the services of other instances.
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| io("log", e))?)
            .stderr(log)
            .spawn()
            .map_err(|e| io("master", e))?;
        self.child = Some(child);
        self.wait_ready()
    }

    /// Waits (bounded) until a connection gets Cyrus's greeting.
    fn wait_ready(&mut self) -> Result<(), String> {
        let Some(child) = &mut self.child else {
            return Err("not started".into());
        };
        wait_for_greeting("master", child, self.addr, START_TIMEOUT, |l| {
            l.starts_with("* OK")
        })
        .map_err(|e| format!("{e}; {}", self.log()))
    }

    /// The IMAP address (127.0.0.1, ephemeral port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What `master` printed so far (Cyrus logs to syslog; this holds start-up failures).
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("master.log")).unwrap_or_default()
    }

    /// Stops `master` (SIGTERM: it stops its services first), bounded, and reaps it.
    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !reap_within(&mut child, STOP_TIMEOUT) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Cyrus {
    fn drop(&mut self) {
        self.stop();
        if std::thread::panicking() {
            eprintln!("cyrus: kept {} (the test panicked)", self.dir.display());
        } else {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// `imapd.conf`: everything under `dir`, SASL passwords from its `sasldb2`, INBOX created at
/// the first login (`autocreate_quota: 0`), `/` as the hierarchy separator.
fn imapd_conf(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "configdirectory: {d}/config\n\
         partition-default: {d}/spool\n\
         sievedir: {d}/sieve\n\
         admins: cyrus\n\
         sasl_pwcheck_method: auxprop\n\
         sasl_auxprop_plugin: sasldb\n\
         sasl_sasldb_path: {d}/sasldb2\n\
         sasl_mech_list: PLAIN LOGIN\n\
         allowplaintext: yes\n\
         autocreate_quota: 0\n\
         unixhierarchysep: yes\n\
         syslog_prefix: imap-tests-cyrus\n\
         master_pid_file: {d}/run/master.pid\n\
         idlesocket: {d}/run/idle\n\
         notifysocket: {d}/run/notify\n\
         lmtpsocket: {d}/run/lmtp\n"
    )
}

/// `cyrus.conf`: database recovery at start, `imapd` (from `services`) on `port`, and `idled`.
fn cyrus_conf(services: &Path, imapd_conf: &Path, port: u16) -> String {
    let c = imapd_conf.display();
    let bin = services.display();
    format!(
        "START {{\n  recover cmd=\"ctl_cyrusdb -r -C {c}\"\n}}\n\
         SERVICES {{\n  imap cmd=\"{bin}/imapd -C {c}\" listen=\"127.0.0.1:{port}\" prefork=0\n}}\n\
         EVENTS {{\n}}\n\
         DAEMON {{\n  idled cmd=\"{bin}/idled -C {c}\"\n}}\n"
    )
}

/// The first directory holding `imapd` and `idled`: [`SERVICE_DIR_ENV`], else [`SERVICE_DIRS`].
fn service_dir() -> Option<PathBuf> {
    let from_env = std::env::var_os(SERVICE_DIR_ENV).map(PathBuf::from);
    from_env
        .into_iter()
        .chain(SERVICE_DIRS.iter().map(PathBuf::from))
        .find(|d| d.join("imapd").is_file() && d.join("idled").is_file())
}

/// Gives `path` and everything under it to `uid`:`gid`.
fn chown_tree(path: &Path, uid: u32, gid: u32) -> std::io::Result<()> {
    std::os::unix::fs::chown(path, Some(uid), Some(gid))?;
    if path.is_dir() {
        for entry in fs::read_dir(path)? {
            chown_tree(&entry?.path(), uid, gid)?;
        }
    }
    Ok(())
}
