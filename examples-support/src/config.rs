//! IMAPClient's INI file (the file of `python -m imapclient.interact -f FILE` and of its live
//! tests), read with the configparser crate as Python's `configparser.ConfigParser` reads it:
//! keys case-insensitive, `=` or `:`, `#` and `;` start a comment only at the start of a line
//! (so a password `p#ss;word` survives), indented lines continue a value, a `[DEFAULT]`
//! section that other sections inherit, booleans `1/yes/true/on` and `0/no/false/off`,
//! `%%` for a `%` and `%(key)s` for another key's value.
//!
//! ```ini
//! [DEFAULT]
//! host = imap.example.org
//! username = alice
//! password = p#ss;word
//! ssl = true
//! starttls = false
//! ssl_verify_cert = true
//! ssl_ca_file = ~/ca.pem
//! timeout = 30
//! ```
//!
//! The keys are IMAPClient's: `host`, `port`, `ssl`, `starttls`, `ssl_check_hostname`,
//! `ssl_verify_cert`, `ssl_ca_file`, `timeout`, `username`, `password`, `oauth2`,
//! `oauth2_client_id`, `oauth2_client_secret`, `oauth2_refresh_token` (and `stream`,
//! `expect_failure`, which are read and not used here). Two keys are ours:
//! `oauth2_access_token`, the token itself, and `oauth2_url`, the token endpoint that
//! exchanges `oauth2_refresh_token` (IMAPClient knows Gmail's and Yahoo's by host; see
//! [`crate::oauth2`]).

use configparser::ini::{Ini, IniDefault};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The settings of one section of an IMAPClient INI file.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct IniSettings {
    /// `host`.
    pub host: Option<String>,
    /// `port` (default: 993 with `ssl`, else 143).
    pub port: Option<u16>,
    /// `ssl`: implicit TLS (default `true`).
    pub ssl: bool,
    /// `starttls`: upgrade a plain connection (default `false`).
    pub starttls: bool,
    /// `ssl_check_hostname` (default `true`).
    pub ssl_check_hostname: bool,
    /// `ssl_verify_cert` (default `true`); `false` accepts any certificate.
    pub ssl_verify_cert: bool,
    /// `ssl_ca_file`, with `~` expanded.
    pub ssl_ca_file: Option<PathBuf>,
    /// `timeout` in seconds.
    pub timeout: Option<f64>,
    /// `username`.
    pub username: Option<String>,
    /// `password`.
    pub password: Option<String>,
    /// `oauth2`: log in with XOAUTH2 instead of a password.
    pub oauth2: bool,
    /// `oauth2_client_id`.
    pub oauth2_client_id: Option<String>,
    /// `oauth2_client_secret`.
    pub oauth2_client_secret: Option<String>,
    /// `oauth2_refresh_token`.
    pub oauth2_refresh_token: Option<String>,
    /// `oauth2_access_token` (ours): the access token to log in with.
    pub oauth2_access_token: Option<String>,
    /// `oauth2_url` (ours): the token endpoint the refresh token is exchanged at.
    pub oauth2_url: Option<String>,
}

/// Why an INI file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read or parsed.
    Read(String),
    /// The section asked for is not in the file.
    NoSection(String),
    /// A value is not what its key needs (a boolean, a number).
    Value {
        /// The key.
        key: String,
        /// What was wrong.
        problem: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Read(e) => write!(f, "cannot read the INI file: {e}"),
            ConfigError::NoSection(s) => write!(f, "the INI file has no section [{s}]"),
            ConfigError::Value { key, problem } => write!(f, "INI key {key}: {problem}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The section IMAPClient reads by default.
pub const DEFAULT_SECTION: &str = "DEFAULT";

/// Reads `section` (`None`: `[DEFAULT]`) of the INI file at `path`.
///
/// # Errors
/// [`ConfigError`] when the file cannot be read, lacks the section or has a wrong value.
pub fn read(path: &Path, section: Option<&str>) -> Result<IniSettings, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::Read(format!("{}: {e}", path.display())))?;
    parse(&text, section)
}

/// Reads `section` (`None`: `[DEFAULT]`) of INI text.
///
/// # Errors
/// As [`read`].
pub fn parse(text: &str, section: Option<&str>) -> Result<IniSettings, ConfigError> {
    let ini = python_configparser(text)?;
    let section = section.unwrap_or(DEFAULT_SECTION).to_ascii_lowercase();
    if section != DEFAULT_SECTION.to_ascii_lowercase() && !ini.sections().contains(&section) {
        return Err(ConfigError::NoSection(section));
    }
    let values = Values::new(&ini, &section);
    let string = |key: &str| values.get(key).map(|v| v.filter(|v| !v.is_empty()));
    let env_or = |key: &str| -> Result<Option<String>, ConfigError> {
        // IMAPClient's defaults for these come from `imapclient_<key>` variables.
        Ok(string(key)?.or_else(|| std::env::var(format!("imapclient_{key}")).ok()))
    };
    let boolean = |key: &str, default: bool| -> Result<bool, ConfigError> {
        match string(key)? {
            None => Ok(default),
            Some(v) => python_bool(&v).ok_or_else(|| ConfigError::Value {
                key: key.to_owned(),
                problem: format!("{v:?} is not a boolean (1/yes/true/on or 0/no/false/off)"),
            }),
        }
    };
    let port = match string("port")? {
        None => None,
        Some(p) => Some(p.parse().map_err(|_| ConfigError::Value {
            key: "port".into(),
            problem: format!("{p:?} is not a port number"),
        })?),
    };
    let timeout = match string("timeout")? {
        None => None,
        Some(t) => Some(
            t.parse::<f64>()
                .ok()
                .filter(|t| t.is_finite() && *t > 0.0)
                .ok_or_else(|| ConfigError::Value {
                    key: "timeout".into(),
                    problem: format!("{t:?} is not a number of seconds"),
                })?,
        ),
    };
    Ok(IniSettings {
        host: string("host")?,
        port,
        ssl: boolean("ssl", true)?,
        starttls: boolean("starttls", false)?,
        ssl_check_hostname: boolean("ssl_check_hostname", true)?,
        ssl_verify_cert: boolean("ssl_verify_cert", true)?,
        ssl_ca_file: string("ssl_ca_file")?.map(|p| expand_home(&p)),
        timeout,
        username: env_or("username")?,
        password: env_or("password")?,
        oauth2: boolean("oauth2", false)?,
        oauth2_client_id: env_or("oauth2_client_id")?,
        oauth2_client_secret: env_or("oauth2_client_secret")?,
        oauth2_refresh_token: env_or("oauth2_refresh_token")?,
        oauth2_access_token: string("oauth2_access_token")?,
        oauth2_url: string("oauth2_url")?,
    })
}

/// The configparser crate set to Python's defaults (it strips inline comments and does not
/// continue indented lines unless told).
fn python_configparser(text: &str) -> Result<Ini, ConfigError> {
    let mut defaults = IniDefault::default();
    defaults.enable_inline_comments = false;
    defaults.multiline = true;
    defaults.cascade_defaults = true;
    defaults.default_section = DEFAULT_SECTION.to_ascii_lowercase();
    let mut ini = Ini::new_from_defaults(defaults);
    ini.read(text.to_owned()).map_err(ConfigError::Read)?;
    Ok(ini)
}

/// Python's `ConfigParser.BOOLEAN_STATES`.
fn python_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" | "on" => Some(true),
        "0" | "no" | "false" | "off" => Some(false),
        _ => None,
    }
}

/// `~/x` as Python's `os.path.expanduser` reads it.
fn expand_home(p: &str) -> PathBuf {
    match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(p),
    }
}

/// One section's values with `[DEFAULT]` beneath them, interpolated as Python's
/// `BasicInterpolation` does.
struct Values {
    raw: HashMap<String, String>,
}

/// Python's `MAX_INTERPOLATION_DEPTH`.
const MAX_DEPTH: usize = 10;

impl Values {
    fn new(ini: &Ini, section: &str) -> Values {
        let map = ini.get_map_ref();
        let mut raw = HashMap::new();
        for s in [DEFAULT_SECTION.to_ascii_lowercase().as_str(), section] {
            for (k, v) in map.get(s).into_iter().flatten() {
                raw.insert(k.clone(), v.clone().unwrap_or_default());
            }
        }
        Values { raw }
    }

    fn get(&self, key: &str) -> Result<Option<String>, ConfigError> {
        match self.raw.get(key) {
            None => Ok(None),
            Some(v) => self.interpolate(key, v, 1).map(Some),
        }
    }

    fn interpolate(&self, key: &str, value: &str, depth: usize) -> Result<String, ConfigError> {
        let bad = |problem: String| ConfigError::Value {
            key: key.to_owned(),
            problem,
        };
        if depth > MAX_DEPTH {
            return Err(bad("interpolation nested too deeply".into()));
        }
        let mut out = String::new();
        let mut rest = value;
        while let Some(i) = rest.find('%') {
            out.push_str(&rest[..i]);
            rest = &rest[i + 1..];
            if let Some(after) = rest.strip_prefix('%') {
                out.push('%');
                rest = after;
            } else if let Some(after) = rest.strip_prefix('(') {
                let Some((name, tail)) = after.split_once(")s") else {
                    return Err(bad("a `%(` without its `)s` (write %% for a %)".into()));
                };
                let name = name.to_ascii_lowercase();
                let Some(v) = self.raw.get(&name) else {
                    return Err(bad(format!("`%({name})s` names no key")));
                };
                out.push_str(&self.interpolate(key, v, depth + 1)?);
                rest = tail;
            } else {
                return Err(bad("a lone `%` (write %% for a %, as Python needs)".into()));
            }
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imapclient_keys_with_comment_characters_inside_values() {
        let s = parse(
            "# a comment\n\
             ; another\n\
             [DEFAULT]\n\
             Host = imap.example.org\n\
             port: 1993\n\
             username = alice\n\
             password = p#ss;word ; not a comment\n\
             ssl = yes\n\
             starttls = off\n\
             ssl_verify_cert = False\n\
             ssl_check_hostname = 0\n\
             ssl_ca_file = /etc/ca.pem\n\
             timeout = 2.5\n\
             oauth2 = on\n\
             oauth2_client_id = id\n\
             oauth2_client_secret = s;e#c\n\
             oauth2_refresh_token = r\n",
            None,
        )
        .unwrap();
        assert_eq!(s.host.as_deref(), Some("imap.example.org"));
        assert_eq!(s.port, Some(1993));
        assert_eq!(s.password.as_deref(), Some("p#ss;word ; not a comment"));
        assert!(s.ssl && !s.starttls && !s.ssl_verify_cert && !s.ssl_check_hostname);
        assert_eq!(s.ssl_ca_file, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(s.timeout, Some(2.5));
        assert!(s.oauth2);
        assert_eq!(s.oauth2_client_secret.as_deref(), Some("s;e#c"));
        assert_eq!(s.oauth2_refresh_token.as_deref(), Some("r"));
    }

    #[test]
    fn defaults_are_imapclients() {
        let s = parse("[DEFAULT]\nhost = h\n", None).unwrap();
        assert!(s.ssl && !s.starttls && s.ssl_verify_cert && s.ssl_check_hostname);
        assert!(!s.oauth2);
        assert_eq!((s.port, s.timeout, s.ssl_ca_file), (None, None, None));
    }

    #[test]
    fn a_section_inherits_default_and_overrides_it() {
        let text = "[DEFAULT]\nhost = h\nusername = u\n[gmail]\nhost = imap.gmail.com\n";
        let s = parse(text, Some("gmail")).unwrap();
        assert_eq!(s.host.as_deref(), Some("imap.gmail.com"));
        assert_eq!(s.username.as_deref(), Some("u"));
        assert_eq!(
            parse(text, Some("yahoo")),
            Err(ConfigError::NoSection("yahoo".into()))
        );
    }

    #[test]
    fn percent_signs_follow_python_basic_interpolation() {
        let text = "[DEFAULT]\nuser = bob\npassword = 100%%(%(user)s)\n";
        let s = parse(text, None).unwrap();
        assert_eq!(s.password.as_deref(), Some("100%(bob)"));
        let e = parse("[DEFAULT]\npassword = 100%\n", None).unwrap_err();
        assert!(e.to_string().contains("write %% for a %"), "{e}");
        let e = parse("[DEFAULT]\na = %(b)s\nb = %(a)s\npassword = %(a)s\n", None).unwrap_err();
        assert!(e.to_string().contains("too deeply"), "{e}");
    }

    #[test]
    fn indented_lines_continue_a_value_and_bad_values_are_named() {
        let s = parse("[DEFAULT]\npassword = one\n  two\n", None).unwrap();
        assert_eq!(s.password.as_deref(), Some("one\ntwo"));
        let e = parse("[DEFAULT]\nssl = maybe\n", None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "INI key ssl: \"maybe\" is not a boolean (1/yes/true/on or 0/no/false/off)"
        );
        let e = parse("[DEFAULT]\nport = 99999\n", None).unwrap_err();
        assert!(e.to_string().contains("not a port number"));
    }
}
