//! The porting table (`docs/porting.md`, rendered as `imap_core::ops::porting`) stays true:
//! every method of Python's `imaplib.IMAP4` and of IMAPClient has a row, and every item a row
//! links to exists in this crate's source. (`cargo doc` checks the links resolve too; this
//! runs with the tests.)

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

const TABLE: &str = include_str!("../docs/porting.md");

/// The public methods of `imaplib.IMAP4` (Python 3.14), its attributes users read, and the
/// module's functions.
const IMAPLIB: &[&str] = &[
    "append",
    "authenticate",
    "capability",
    "check",
    "close",
    "copy",
    "create",
    "delete",
    "deleteacl",
    "enable",
    "expunge",
    "fetch",
    "getacl",
    "getannotation",
    "getquota",
    "getquotaroot",
    "idle",
    "list",
    "login",
    "login_cram_md5",
    "logout",
    "lsub",
    "myrights",
    "namespace",
    "noop",
    "open",
    "partial",
    "proxyauth",
    "read",
    "readline",
    "recent",
    "rename",
    "response",
    "search",
    "select",
    "send",
    "setacl",
    "setannotation",
    "setquota",
    "shutdown",
    "socket",
    "sort",
    "starttls",
    "status",
    "store",
    "subscribe",
    "thread",
    "uid",
    "unselect",
    "unsubscribe",
    "xatom",
    "welcome",
    "state",
    "utf8_enabled",
    "Internaldate2tuple",
    "Time2Internaldate",
    "ParseFlags",
];

/// The public methods and attributes of IMAPClient 3.
const IMAPCLIENT: &[&str] = &[
    "IMAPClient",
    "add_flags",
    "add_gmail_labels",
    "append",
    "capabilities",
    "close_folder",
    "copy",
    "create_folder",
    "delete_folder",
    "delete_messages",
    "enable",
    "expunge",
    "fetch",
    "find_special_folder",
    "folder_encode",
    "folder_exists",
    "folder_status",
    "get_flags",
    "get_gmail_labels",
    "get_quota",
    "get_quota_root",
    "getacl",
    "gmail_search",
    "has_capability",
    "id_",
    "idle",
    "idle_check",
    "idle_done",
    "list_folders",
    "list_sub_folders",
    "login",
    "logout",
    "move",
    "multiappend",
    "namespace",
    "noop",
    "normalise_times",
    "oauth2_login",
    "oauthbearer_login",
    "plain_login",
    "remove_flags",
    "remove_gmail_labels",
    "rename_folder",
    "sasl_login",
    "search",
    "select_folder",
    "set_flags",
    "set_gmail_labels",
    "set_quota",
    "setacl",
    "shutdown",
    "socket",
    "sort",
    "starttls",
    "subscribe_folder",
    "thread",
    "uid_expunge",
    "unselect_folder",
    "unsubscribe_folder",
    "welcome",
    "xlist_folders",
];

/// The names in the first column of the table under `heading`: each backquoted name (up to
/// its parenthesis) of each row.
fn python_names(heading: &str) -> BTreeSet<String> {
    let section = TABLE
        .split("\n# ")
        .find(|s| s.starts_with(heading))
        .unwrap_or_else(|| panic!("no section {heading}"));
    let mut names = BTreeSet::new();
    for row in section.lines().filter(|l| l.starts_with("| `")) {
        let first = row.split(" | ").next().unwrap_or_default();
        for quoted in first.split('`').skip(1).step_by(2) {
            let name = quoted.split(['(', ' ']).next().unwrap_or_default();
            names.insert(name.to_owned());
        }
    }
    names
}

#[test]
fn every_imaplib_and_imapclient_method_has_a_row() {
    for (heading, methods) in [("`imaplib.IMAP4`", IMAPLIB), ("IMAPClient", IMAPCLIENT)] {
        let rows = python_names(heading);
        let missing: Vec<_> = methods.iter().filter(|m| !rows.contains(**m)).collect();
        assert!(missing.is_empty(), "{heading}: no row for {missing:?}");
    }
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The names a source file defines: after `fn`, `struct`, `enum`, `trait`, `type` and `mod`,
/// and the fields and variants that start an indented line (`pub recent: `, `CramMd5,`,
/// `Command(`).
fn defined(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = BTreeSet::new();
    for line in text.lines() {
        let t = line.trim_start();
        let t = t.strip_prefix("pub(crate) ").unwrap_or(t);
        let t = t.strip_prefix("pub ").unwrap_or(t);
        let t = t.strip_prefix("async ").unwrap_or(t);
        for kw in ["fn ", "struct ", "enum ", "trait ", "type ", "mod "] {
            if let Some(rest) = t.strip_prefix(kw) {
                names.insert(ident(rest));
            }
        }
        let name = ident(t);
        let after = &t[name.len()..];
        if line.starts_with("    ")
            && !name.is_empty()
            && [":", ",", " {", "("].iter().any(|p| after.starts_with(p))
        {
            names.insert(name);
        }
    }
    names
}

#[test]
fn every_linked_item_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    let defs: Vec<BTreeSet<String>> = files
        .iter()
        .map(|f| defined(&fs::read_to_string(f).expect("source file")))
        .collect();
    // Modules held in a file or directory of their own (`utf7.rs`, `ops/`).
    let file_modules: BTreeSet<String> = files
        .iter()
        .flat_map(|f| {
            let stem = f.file_stem().map(|s| s.to_string_lossy().into_owned());
            let dir = f.parent().and_then(Path::file_name);
            stem.into_iter()
                .chain(dir.map(|d| d.to_string_lossy().into_owned()))
        })
        .collect();
    let links: BTreeSet<&str> = TABLE
        .split("](crate::")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .collect();
    assert!(links.len() > 80, "the table links {} items", links.len());
    for link in links {
        // Every segment is defined somewhere: `ops::Commands::check` needs `mod ops`,
        // `trait Commands` and `fn check`.
        for segment in link.split("::") {
            assert!(
                defs.iter().any(|d| d.contains(segment)) || file_modules.contains(segment),
                "crate::{link}: {segment} is not defined"
            );
        }
        // And an item of a type is defined beside it: `fn check` in the file of `Commands`.
        let parts: Vec<&str> = link.split("::").collect();
        if let [.., owner, item] = parts[..]
            && owner.starts_with(char::is_uppercase)
        {
            let beside = defs.iter().any(|d| d.contains(owner) && d.contains(item));
            assert!(beside, "crate::{link}: no {item} beside {owner}");
        }
    }
}
