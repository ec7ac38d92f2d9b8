//! A private Dovecot for tests against a real server ([`Dovecot`]).
//!
//! [`Dovecot::start`] runs `/usr/sbin/dovecot` (Debian package `dovecot-imapd`) in the
//! foreground with a configuration written into a fresh temporary directory: base_dir,
//! state_dir, the log, the password file and the maildirs all live there, IMAP listens on
//! 127.0.0.1 on an ephemeral port and plaintext LOGIN / AUTHENTICATE PLAIN are allowed. TLS is
//! off unless [`Options::tls`] is set: then a self-signed certificate for `localhost` and
//! `127.0.0.1` (generated with rcgen) is written to the directory, the plain port offers
//! STARTTLS, and an implicit-TLS (imaps) listener runs on a second ephemeral port
//! ([`Dovecot::tls_addr`], [`Dovecot::certificate_pem`]). Dropping the [`Dovecot`] stops it (`dovecot stop`, then SIGKILL if it does not
//! exit in time) and removes the directory, also when the test panics (the directory is
//! kept then, for its log).
//!
//! When Dovecot is not installed, [`Dovecot::start`] returns [`DovecotSkip::NotInstalled`];
//! [`start_or_skip`] turns that into a loud `SKIPPED` line, or into a panic when
//! [`REQUIRE_ENV`] or [`REQUIRE_ENV_SHORT`] is set (CI sets them, so a missing Dovecot fails
//! there).
//!
//! Running as root (CI), Dovecot's own processes run as the package's `dovecot` and
//! `dovenull` users and mail is accessed as `nobody`/`nogroup` (Dovecot refuses mail access
//! as UID 0); the mail directory is handed to that user. Running as another user, every
//! process runs as that user: the internal and login users are the current user. The login
//! and anvil services never chroot (only root could, and a test instance gains nothing).

use std::fmt;
use std::fs;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::process::{
    group_id, group_name, passwd_entry_by_name, passwd_entry_by_uid, reap_within, temp_dir,
    wait_for_greeting,
};

/// Where Debian installs the Dovecot master binary.
pub const DEFAULT_BINARY: &str = "/usr/sbin/dovecot";

/// Environment variable naming another Dovecot binary.
pub const BINARY_ENV: &str = "IMAP_TESTS_DOVECOT";

/// Environment variable that turns a missing Dovecot from a skip into a failure (CI sets it).
pub const REQUIRE_ENV: &str = "IMAP_TESTS_REQUIRE_DOVECOT";

/// The same as [`REQUIRE_ENV`], under the name the driver tests document.
pub const REQUIRE_ENV_SHORT: &str = "IMAP_REQUIRE_DOVECOT";

/// The test user every instance has.
pub const USER: &str = "tester";

/// The test user's password.
pub const PASSWORD: &str = "secret";

/// How long start-up may take before it counts as failed.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// How long `Drop` waits for Dovecot to exit after `dovecot stop`.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// Why no Dovecot is running.
#[derive(Debug)]
pub enum DovecotSkip {
    /// The binary is not installed: tests skip (unless [`REQUIRE_ENV`] is set).
    NotInstalled(PathBuf),
    /// Dovecot is installed but did not start: a real failure, with the details.
    Failed(String),
}

impl fmt::Display for DovecotSkip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DovecotSkip::NotInstalled(p) => write!(f, "dovecot not installed ({})", p.display()),
            DovecotSkip::Failed(why) => write!(f, "dovecot did not start: {why}"),
        }
    }
}

impl std::error::Error for DovecotSkip {}

/// Settings of a private Dovecot.
#[derive(Debug, Clone)]
pub struct Options {
    /// Users and their plain passwords (default: [`USER`] / [`PASSWORD`]).
    pub users: Vec<(String, String)>,
    /// How many simultaneous IMAP connections it must hold (process and client limits are
    /// sized from this; default 64).
    pub max_connections: u32,
    /// Load the `imap_zlib` plugin (COMPRESS=DEFLATE) when the module is installed
    /// (default true).
    pub compress: bool,
    /// Dovecot's `mailbox_list_index` (default true, as in Dovecot). With it, STATUS of a
    /// mailbox that is not selected goes through the user's list index, whose lock hundreds
    /// of sessions of one user contend for (the load benchmark sees STATUS stall for seconds).
    pub mailbox_list_index: bool,
    /// TLS: `ssl = yes` with a generated self-signed certificate, STARTTLS on the plain
    /// port and an implicit-TLS listener on a second port (default false).
    pub tls: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            users: vec![(USER.into(), PASSWORD.into())],
            max_connections: 64,
            compress: true,
            mailbox_list_index: true,
            tls: false,
        }
    }
}

/// A running private Dovecot. Dropping it stops it.
#[derive(Debug)]
pub struct Dovecot {
    child: Option<Child>,
    binary: PathBuf,
    dir: PathBuf,
    config: PathBuf,
    addr: SocketAddr,
    tls_addr: Option<SocketAddr>,
    certificate_pem: Option<String>,
    compress: bool,
    keep_dir: bool,
}

/// Starts a Dovecot with default [`Options`], or says why not: prints a loud
/// `SKIPPED: dovecot not installed` line and returns `None` when it is not installed.
///
/// # Panics
/// When Dovecot is installed but does not start, or is missing while [`REQUIRE_ENV`] is set.
pub fn start_or_skip(test: &str) -> Option<Dovecot> {
    start_or_skip_with(test, Options::default())
}

/// As [`start_or_skip`], with `options`.
///
/// # Panics
/// As [`start_or_skip`].
pub fn start_or_skip_with(test: &str, options: Options) -> Option<Dovecot> {
    match Dovecot::start_with(options) {
        Ok(d) => Some(d),
        Err(DovecotSkip::NotInstalled(p)) if !required() => {
            eprintln!(
                "SKIPPED: dovecot not installed ({}): {test} did not run against a real server; \
                 install dovecot-imapd (or set {REQUIRE_ENV_SHORT}=1 to make this an error)",
                p.display()
            );
            None
        }
        Err(e) => panic!("{test}: {e}"),
    }
}

/// Whether [`REQUIRE_ENV`] or [`REQUIRE_ENV_SHORT`] is set (to anything but empty or `0`).
pub fn required() -> bool {
    [REQUIRE_ENV, REQUIRE_ENV_SHORT]
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0"))
}

/// The Dovecot binary tests use: [`BINARY_ENV`] or [`DEFAULT_BINARY`].
pub fn binary() -> PathBuf {
    std::env::var_os(BINARY_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_BINARY))
}

impl Dovecot {
    /// Starts a private Dovecot with default [`Options`].
    ///
    /// # Errors
    /// [`DovecotSkip::NotInstalled`] when the binary is missing, [`DovecotSkip::Failed`] when it does not
    /// start (the message holds its log).
    pub fn start() -> Result<Dovecot, DovecotSkip> {
        Dovecot::start_with(Options::default())
    }

    /// Starts a private Dovecot with `options`.
    ///
    /// # Errors
    /// As [`Dovecot::start`].
    pub fn start_with(options: Options) -> Result<Dovecot, DovecotSkip> {
        let binary = binary();
        if !binary.is_file() {
            return Err(DovecotSkip::NotInstalled(binary));
        }
        let mut last = String::new();
        // The port is chosen by binding port 0 and releasing it; another process may take it
        // before Dovecot binds it, so a bind failure is retried with a new port.
        for _ in 0..3 {
            let dir = temp_dir("dovecot")
                .map_err(|e| DovecotSkip::Failed(format!("temporary directory: {e}")))?;
            match Dovecot::start_in(&binary, dir.clone(), &options) {
                Ok(d) => return Ok(d),
                Err(e) => {
                    let log = fs::read_to_string(dir.join("dovecot.log")).unwrap_or_default();
                    let retry = log.contains("Address already in use");
                    last = format!("{e}\n--- {} ---\n{log}", dir.join("dovecot.log").display());
                    let _ = fs::remove_dir_all(&dir);
                    if !retry {
                        break;
                    }
                }
            }
        }
        Err(DovecotSkip::Failed(last))
    }

    fn start_in(binary: &Path, dir: PathBuf, options: &Options) -> Result<Dovecot, String> {
        let err = |what: &str, e: io::Error| format!("{what}: {e}");
        // Both ports are held until both are chosen, so they differ.
        let bind = || TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
        let (plain_listener, tls_listener) = (bind(), bind());
        let port_of = |l: &io::Result<TcpListener>| -> Result<u16, String> {
            match l {
                Ok(l) => Ok(l
                    .local_addr()
                    .map_err(|e| err("choosing a port", e))?
                    .port()),
                Err(e) => Err(format!("choosing a port: {e}")),
            }
        };
        let (port, tls_port) = (port_of(&plain_listener)?, port_of(&tls_listener)?);
        drop((plain_listener, tls_listener));
        let addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port));
        let tls = if options.tls {
            let pem = write_certificate(&dir)?;
            let tls_addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, tls_port));
            Some((tls_addr, pem))
        } else {
            None
        };
        let me = fs::metadata(&dir).map_err(|e| err("stat", e))?;
        let root = me.uid() == 0;
        let (internal, group, login, mail_uid, mail_gid) = if root {
            let nobody = passwd_entry_by_name("nobody").ok_or("no user `nobody`")?;
            let nogroup = group_id("nogroup").unwrap_or(nobody.2);
            for u in ["dovecot", "dovenull"] {
                if passwd_entry_by_name(u).is_none() {
                    return Err(format!(
                        "no user `{u}` (the dovecot-core package creates it)"
                    ));
                }
            }
            let internal = ("dovecot".to_owned(), "dovecot".to_owned());
            (
                internal.0,
                internal.1,
                "dovenull".to_owned(),
                nobody.1,
                nogroup,
            )
        } else {
            let name = passwd_entry_by_uid(me.uid())
                .ok_or_else(|| format!("uid {} has no /etc/passwd entry", me.uid()))?;
            let group = group_name(me.gid())
                .ok_or_else(|| format!("gid {} has no /etc/group entry", me.gid()))?;
            (name.clone(), group, name, me.uid(), me.gid())
        };
        for d in ["base", "state", "mail"] {
            fs::create_dir(dir.join(d)).map_err(|e| err("mkdir", e))?;
        }
        // Dovecot's unprivileged processes must reach the password file and the mail.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))
            .map_err(|e| err("chmod", e))?;
        if root {
            std::os::unix::fs::chown(dir.join("mail"), Some(mail_uid), Some(mail_gid))
                .map_err(|e| err("chown", e))?;
        }
        let mut passwd = String::new();
        for (user, password) in &options.users {
            let home = dir.join("mail").join(user);
            passwd += &format!(
                "{user}:{{PLAIN}}{password}:{mail_uid}:{mail_gid}::{}::\n",
                home.display()
            );
        }
        let passwd_path = dir.join("passwd");
        fs::write(&passwd_path, passwd).map_err(|e| err("writing passwd", e))?;
        let compress = options.compress && zlib_plugin_installed();
        let config = dir.join("dovecot.conf");
        let text = config_text(&ConfigParams {
            dir: &dir,
            port,
            internal: &internal,
            group: &group,
            login: &login,
            first_valid_uid: mail_uid.min(500),
            first_valid_gid: mail_gid.min(1),
            max_connections: options.max_connections.max(8),
            compress,
            mailbox_list_index: options.mailbox_list_index,
            tls_port: tls.as_ref().map(|(a, _)| a.port()),
        });
        fs::write(&config, text).map_err(|e| err("writing dovecot.conf", e))?;
        let stdout = fs::File::create(dir.join("stdout.log")).map_err(|e| err("stdout", e))?;
        let stderr = fs::File::create(dir.join("stderr.log")).map_err(|e| err("stderr", e))?;
        let child = Command::new(binary)
            .arg("-F")
            .arg("-c")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .map_err(|e| err("spawning dovecot", e))?;
        let mut d = Dovecot {
            child: Some(child),
            binary: binary.to_owned(),
            dir,
            config,
            addr,
            tls_addr: tls.as_ref().map(|(a, _)| *a),
            certificate_pem: tls.map(|(_, pem)| pem),
            compress,
            keep_dir: false,
        };
        match d.wait_ready() {
            Ok(()) => Ok(d),
            Err(e) => {
                d.stop();
                // start_with reads the log, then removes the directory.
                d.keep_dir = true;
                let stderr = fs::read_to_string(d.dir.join("stderr.log")).unwrap_or_default();
                Err(format!("{e}\n--- stderr ---\n{stderr}"))
            }
        }
    }

    /// Waits (bounded) until a connection gets the real greeting: Dovecot greets early
    /// connections with `* OK Waiting for authentication process to respond..` while its auth
    /// process starts.
    fn wait_ready(&mut self) -> Result<(), String> {
        let Some(child) = &mut self.child else {
            return Err("not started".into());
        };
        wait_for_greeting("dovecot", child, self.addr, START_TIMEOUT, |l| {
            l.starts_with("* OK [CAPABILITY")
        })
    }

    /// The IMAP address (127.0.0.1, ephemeral port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The implicit-TLS (imaps) address, when started with [`Options::tls`].
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls_addr
    }

    /// The self-signed certificate (PEM) Dovecot serves, when started with [`Options::tls`]:
    /// what a client must trust.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate_pem.as_deref()
    }

    /// The temporary directory holding everything of this instance.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the `imap_zlib` plugin is loaded (COMPRESS=DEFLATE offered after login).
    pub fn compress(&self) -> bool {
        self.compress
    }

    /// Dovecot's log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("dovecot.log")).unwrap_or_default()
    }

    /// Stops Dovecot (bounded) and reaps it.
    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        // `dovecot stop` signals the master (SIGTERM), which stops its children first. It then
        // waits for the master's pid to disappear, which needs us to reap it: run it
        // alongside.
        let stopper = Command::new(&self.binary)
            .arg("-c")
            .arg(&self.config)
            .arg("stop")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok();
        if !reap_within(&mut child, STOP_TIMEOUT) {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(mut s) = stopper
            && !reap_within(&mut s, Duration::from_secs(2))
        {
            let _ = s.kill();
            let _ = s.wait();
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
        if std::thread::panicking() {
            eprintln!(
                "dovecot: kept {} for its log (the test panicked)",
                self.dir.display()
            );
        } else if !self.keep_dir {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

struct ConfigParams<'a> {
    dir: &'a Path,
    port: u16,
    internal: &'a str,
    group: &'a str,
    login: &'a str,
    first_valid_uid: u32,
    first_valid_gid: u32,
    max_connections: u32,
    compress: bool,
    mailbox_list_index: bool,
    /// The imaps port; `None`: TLS off.
    tls_port: Option<u16>,
}

/// Generates a self-signed certificate for `localhost` and `127.0.0.1`, writes it and its key
/// to `dir` (`cert.pem`, `key.pem`), and returns the certificate's PEM.
fn write_certificate(dir: &Path) -> Result<String, String> {
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let ck = rcgen::generate_simple_self_signed(names)
        .map_err(|e| format!("generating a certificate: {e}"))?;
    let pem = ck.cert.pem();
    fs::write(dir.join("cert.pem"), &pem).map_err(|e| format!("writing cert.pem: {e}"))?;
    let key = dir.join("key.pem");
    fs::write(&key, ck.signing_key.serialize_pem()).map_err(|e| format!("writing key.pem: {e}"))?;
    fs::set_permissions(&key, fs::Permissions::from_mode(0o600))
        .map_err(|e| format!("chmod key.pem: {e}"))?;
    Ok(pem)
}

/// The TLS lines of the configuration and the imaps listener: off (`ssl = no`, no imaps
/// port), or the certificate and the imaps port.
fn ssl_settings(dir: &Path, tls_port: Option<u16>) -> (String, String) {
    match tls_port {
        None => (
            "ssl = no\n".to_owned(),
            "  inet_listener imaps {\n    port = 0\n  }\n".to_owned(),
        ),
        Some(port) => (
            format!(
                "ssl = yes\nssl_cert = <{dir}/cert.pem\nssl_key = <{dir}/key.pem\n",
                dir = dir.display()
            ),
            format!(
                "  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {port}\n    \
                 ssl = yes\n  }}\n"
            ),
        ),
    }
}

/// The whole configuration: nothing from /etc/dovecot is read.
fn config_text(p: &ConfigParams<'_>) -> String {
    let dir = p.dir.display();
    let n = p.max_connections;
    // Every connection is an imap process and a client of the log, anvil, stats and auth
    // services; leave room.
    let clients = (n * 4).max(1000);
    let (ssl, imaps) = ssl_settings(p.dir, p.tls_port);
    let plugins = if p.compress {
        "$mail_plugins imap_zlib"
    } else {
        "$mail_plugins"
    };
    format!(
        "# Written by imap-tests: a private Dovecot for tests.
instance_name = imap-tests-{port}
base_dir = {dir}/base
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl}disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = {first_uid}
first_valid_gid = {first_gid}
mail_location = maildir:~/Maildir
mail_fsync = never
maildir_very_dirty_syncs = yes
mailbox_list_index = {list_index}
mailbox_idle_check_interval = 1 secs
default_process_limit = {n4}
default_client_limit = {clients}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/passwd
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  chroot =
  service_count = 0
  process_min_avail = 1
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
{imaps}}}
service imap {{
  process_limit = {n4}
}}
service anvil {{
  chroot =
}}
protocol imap {{
  mail_plugins = {plugins}
  mail_max_userip_connections = {clients}
}}
",
        port = p.port,
        internal = p.internal,
        group = p.group,
        login = p.login,
        first_uid = p.first_valid_uid,
        first_gid = p.first_valid_gid,
        n4 = n + 16,
        list_index = if p.mailbox_list_index { "yes" } else { "no" },
    )
}

/// Whether Dovecot's `imap_zlib` plugin (COMPRESS=DEFLATE) is installed.
fn zlib_plugin_installed() -> bool {
    Path::new("/usr/lib/dovecot/modules/lib30_imap_zlib_plugin.so").is_file()
}
