//! The shell's commands, one table: its rows make the help and the dispatch, and each row
//! names the [`Commands`] methods it calls (a test checks that every method of the trait is
//! in a row or in [`NOT_COMMANDS`] with the reason).

use super::capture::{Capture, Shown};
use super::words::Words;
use crate::show;
use imap_core::ops::Commands;
use imap_core::ops::fetch::{FetchQuery, outline};
use imap_core::ops::flags::{format_flags, parse_flags};
use imap_core::ops::folders::{ListOptions, SpecialUse};
use imap_core::ops::search::Query;
use imap_core::terminal::{escaped, escaped_text};
use imap_core::types::{
    Atom, Capability, Flag, MailboxAttr, QuotaLimit, SORT_KEYS, SearchReturn, Section, SeqSet,
    SortCriterion, StatusItem, Uid, UidSet,
};
use std::fmt::Debug;
use std::time::Duration;

/// What a line asks the driver to do.
#[derive(Debug)]
#[non_exhaustive]
pub enum Action {
    /// Run this operation and print its text.
    Run(Shown),
    /// IDLE until Ctrl-C or for this long, printing updates.
    Idle(Option<Duration>),
    /// Print this (help).
    Print(String),
    /// Log out and leave.
    Quit,
}

/// One shell command.
#[derive(Debug)]
pub struct Command {
    /// What is typed.
    pub name: &'static str,
    /// Its arguments, as the help shows them.
    pub args: &'static str,
    /// What it does.
    pub help: &'static str,
    /// The [`Commands`] methods it calls.
    pub methods: &'static [&'static str],
    parse: fn(&Words<'_>) -> Result<Action, String>,
}

impl Command {
    /// The action `words` (a line starting with this command) asks for.
    ///
    /// # Errors
    /// A sentence saying what is wrong with the arguments.
    pub fn parse(&self, words: &Words<'_>) -> Result<Action, String> {
        (self.parse)(words)
    }
}

/// [`Commands`] methods that are not shell commands, and why.
pub const NOT_COMMANDS: &[(&str, &str)] = &[
    ("run", "the method the others call"),
    (
        "starttls",
        "chosen when connecting (--starttls, starttls = true)",
    ),
    ("login", "done when connecting (user name and password)"),
    (
        "authenticate",
        "done when connecting (oauth2 = true, IMAP_TOKEN)",
    ),
    ("authenticate_auto", "done when connecting"),
    (
        "authenticate_with",
        "done when connecting (a custom SASL mechanism is a program's)",
    ),
    (
        "login_oauth2",
        "done when connecting (oauth2 = true, IMAP_TOKEN)",
    ),
    ("logout", "quit"),
    ("idle_start", "idle"),
    ("idle_wait", "idle"),
    ("idle_done", "idle (Ctrl-C ends it with DONE)"),
    ("run_command", "raw sends any command line"),
];

fn cmd(
    name: &'static str,
    args: &'static str,
    help: &'static str,
    methods: &'static [&'static str],
    parse: fn(&Words<'_>) -> Result<Action, String>,
) -> Command {
    Command {
        name,
        args,
        help,
        methods,
        parse,
    }
}

fn run<O, F>(op: O, show: F) -> Result<Action, String>
where
    O: imap_core::ops::Operation + 'static,
    F: FnOnce(O::Output) -> String + Send + 'static,
{
    Ok(Action::Run(Shown::new(op, show)))
}

fn ok<T>(_: T) -> String {
    "OK".into()
}

fn debug<T: Debug>(v: T) -> String {
    escaped_text(&format!("{v:#?}")).to_string()
}

fn lines<T>(items: impl IntoIterator<Item = T>, line: impl Fn(T) -> String) -> String {
    let v: Vec<String> = items.into_iter().map(line).collect();
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join("\n")
    }
}

fn uids(w: &Words<'_>, i: usize) -> Result<UidSet, String> {
    let text = w.arg(i, "UIDs (1:4,7 or 1:*)")?;
    text.parse().map_err(|e| format!("{e}"))
}

fn uid(w: &Words<'_>, i: usize) -> Result<Uid, String> {
    let a = w.arg(i, "a UID")?;
    a.parse()
        .ok()
        .and_then(Uid::new)
        .ok_or_else(|| format!("{a:?} is not a UID"))
}

fn seqs(w: &Words<'_>, i: usize) -> Result<SeqSet, String> {
    let text = w.arg(i, "message numbers (1:4,7 or 1:*)")?;
    text.parse().map_err(|e| format!("{e}"))
}

fn folder(w: &Words<'_>, i: usize) -> Result<String, String> {
    w.arg(i, "a folder").map(str::to_owned)
}

fn flag_list(w: &Words<'_>, from: usize) -> Result<Vec<Flag>, String> {
    let text = w.args().get(from..).unwrap_or_default().join(" ");
    if text.is_empty() {
        return Err("expected flags (\\Seen \\Flagged $Keyword)".into());
    }
    parse_flags(&text).map_err(|e| e.to_string())
}

fn words_from<'a>(w: &'a Words<'_>, from: usize, what: &str) -> Result<Vec<&'a str>, String> {
    let v: Vec<&str> = w.args().get(from..).unwrap_or_default().to_vec();
    if v.is_empty() {
        Err(format!("expected {what}"))
    } else {
        Ok(v)
    }
}

fn query(w: &Words<'_>, from: usize) -> Result<Query, String> {
    match w.rest(from, "search criteria") {
        Ok(text) => Query::parse(text).map_err(|e| e.to_string()),
        Err(_) => Ok(Query::all()),
    }
}

/// `CHARSET name` at the start of the arguments (the criteria follow it).
fn charset<'a>(w: &'a Words<'_>) -> Result<Option<&'a str>, String> {
    match w.args().first() {
        Some(c) if c.eq_ignore_ascii_case("CHARSET") => w
            .arg(1, "a charset name (UTF-8, ISO-8859-1, ...)")
            .map(Some),
        _ => Ok(None),
    }
}

fn atom(s: &str) -> Result<Atom, String> {
    Atom::new(s.as_bytes().to_vec()).map_err(|_| format!("{s:?} is not an IMAP atom"))
}

fn role(s: &str) -> Result<SpecialUse, String> {
    let name = s.trim_start_matches('\\');
    SpecialUse::from_attr(&MailboxAttr::from_name(atom(name)?))
        .ok_or_else(|| format!("{s:?} is not a SPECIAL-USE role (Sent, Drafts, Trash, ...)"))
}

fn sort_criteria(keys: &[&str]) -> Result<Vec<SortCriterion>, String> {
    let mut out = Vec::new();
    let mut reverse = false;
    for k in keys {
        if k.eq_ignore_ascii_case("REVERSE") {
            reverse = true;
            continue;
        }
        let key = SORT_KEYS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(k))
            .map(|&(_, key)| key)
            .ok_or_else(|| format!("{k:?} is not a sort key (ARRIVAL, DATE, FROM, ...)"))?;
        out.push(SortCriterion { reverse, key });
        reverse = false;
    }
    if out.is_empty() {
        return Err("expected sort keys (REVERSE DATE SUBJECT ...)".into());
    }
    Ok(out)
}

/// `KEYS... -- CRITERIA...` (criteria default to ALL).
fn sort_args(w: &Words<'_>) -> Result<(Vec<SortCriterion>, Query), String> {
    let args = w.args();
    let split = args.iter().position(|a| *a == "--");
    let keys = &args[..split.unwrap_or(args.len())];
    let query = match split {
        Some(i) => query(w, i + 1)?,
        None => Query::all(),
    };
    Ok((sort_criteria(keys)?, query))
}

/// FETCH items as IMAP writes them (`FLAGS ENVELOPE`, `(FLAGS BODY.PEEK[HEADER])`, `ALL`),
/// in parentheses when several are written bare, and checked before anything is sent; `None`
/// when none are given (a summary is fetched).
fn fetch_items(w: &Words<'_>, from: usize) -> Result<Option<String>, String> {
    let Ok(text) = w.rest(from, "fetch items") else {
        return Ok(None);
    };
    let items = if text.starts_with('(') || !text.contains(' ') {
        text.to_owned()
    } else {
        format!("({text})")
    };
    items.parse::<FetchQuery>().map_err(|e| format!("{e}"))?;
    Ok(Some(items))
}

fn show_messages(messages: imap_core::ops::fetch::Messages) -> String {
    lines(&messages, |(uid, m)| {
        let mut s = show::message(*uid, m);
        if let Some(bs) = &m.body_structure {
            for p in outline(bs) {
                s.push_str("\n          ");
                s.push_str(&show::part(&p));
            }
        }
        for section in m.sections() {
            if let Some(data) = &section.data {
                s.push('\n');
                s.push_str(
                    escaped_text(&String::from_utf8_lossy(data.as_bytes()))
                        .to_string()
                        .trim_end(),
                );
            }
        }
        s
    })
}

fn show_flags(map: imap_core::ops::op::FlagMap) -> String {
    lines(&map, |(uid, f)| {
        format!("{uid:>8}  {}", escaped(&format_flags(f)))
    })
}

fn show_labels(map: imap_core::ops::op::LabelMap) -> String {
    lines(&map, |(uid, l)| {
        format!("{uid:>8}  {}", escaped(&l.join(" ")))
    })
}

fn show_expunged(e: imap_core::ops::messages::Expunged) -> String {
    let mut out = lines(&e.messages, |m| match m.uid {
        Some(u) => format!("expunged message {} (UID {u})", m.seq),
        None => format!("expunged message {}", m.seq),
    });
    if !e.vanished_uids.is_empty() {
        out = format!("vanished UIDs {}", show::uids(&e.vanished_uids));
    }
    out
}

fn show_mapping(m: Option<imap_core::ops::messages::UidMapping>) -> String {
    match m {
        Some(m) => format!(
            "UIDs {} are {} there (UIDVALIDITY {})",
            show::uids(&m.source),
            show::uids(&m.destination),
            m.uid_validity
        ),
        None => "OK (the server did not say the new UIDs: no UIDPLUS)".into(),
    }
}

/// Every shell command.
pub fn commands() -> Vec<Command> {
    vec![
        // ----- the session -----
        cmd(
            "capabilities",
            "",
            "the server's capabilities",
            &["capabilities"],
            |_| {
                run(Capture.capabilities(), |c| {
                    lines(c.list(), |c| escaped(&c.to_wire()).to_string())
                })
            },
        ),
        cmd(
            "noop",
            "",
            "NOOP: lets the server report changes",
            &["noop"],
            |_| run(Capture.noop(), ok),
        ),
        cmd(
            "enable",
            "CAPABILITY...",
            "ENABLE extensions",
            &["enable"],
            |w| {
                let caps = words_from(w, 0, "capabilities (CONDSTORE QRESYNC ...)")?
                    .into_iter()
                    .map(|c| c.parse::<Capability>().map_err(|e| format!("{e}")))
                    .collect::<Result<Vec<_>, _>>()?;
                run(Capture.enable(&caps), |c| {
                    lines(c, |c| format!("enabled {}", escaped(&c.to_wire())))
                })
            },
        ),
        cmd(
            "check",
            "",
            "CHECK: a checkpoint of the folder",
            &["check"],
            |_| run(Capture.check(), ok),
        ),
        cmd(
            "proxy-auth",
            "USER",
            "PROXYAUTH: act as another user (Cyrus, an admin's login)",
            &["proxy_auth"],
            |w| run(Capture.proxy_auth(w.arg(0, "a user name")?), ok),
        ),
        cmd(
            "compress",
            "",
            "COMPRESS=DEFLATE if offered",
            &["compress"],
            |_| {
                run(Capture.compress(), |on| {
                    if on {
                        "compressing"
                    } else {
                        "the server does not offer COMPRESS=DEFLATE"
                    }
                    .into()
                })
            },
        ),
        cmd(
            "id",
            "[NAME VALUE]...",
            "ID: tell ours, show the server's",
            &["id"],
            |w| {
                let args = w.args();
                let params: Vec<(&str, Option<&str>)> =
                    args.chunks(2).map(|p| (p[0], p.get(1).copied())).collect();
                run(Capture.id(&params), |ps| {
                    lines(ps, |p| {
                        format!(
                            "{} = {}",
                            escaped(&p.name),
                            escaped(p.value.as_deref().unwrap_or("NIL"))
                        )
                    })
                })
            },
        ),
        cmd("namespace", "", "NAMESPACE", &["namespace"], |_| {
            run(Capture.namespace(), debug)
        }),
        cmd(
            "raw",
            "COMMAND LINE",
            "send a command as written (no tag)",
            &["raw_command"],
            |w| run(Capture.raw_command(w.rest(0, "a command")?), debug),
        ),
        // ----- folders -----
        cmd(
            "folders",
            "[PATTERN]",
            "LIST folders with roles and subscriptions",
            &["folders", "list_folders"],
            |w| match w.args().first() {
                None => run(Capture.folders(), |f| lines(&f, show::folder)),
                Some(p) => run(
                    Capture.list_folders(&ListOptions::pattern(*p).with_subscribed()),
                    |f| lines(&f, show::folder),
                ),
            },
        ),
        cmd(
            "xlist",
            "[PATTERN]",
            "XLIST (Gmail's LIST before SPECIAL-USE)",
            &["xlist_folders"],
            |w| {
                let pattern = w.args().first().copied().unwrap_or("*");
                run(Capture.xlist_folders(pattern), |f| lines(&f, show::folder))
            },
        ),
        cmd(
            "folders-status",
            "",
            "every folder with its counts",
            &["folders_with_status"],
            |_| run(Capture.folders_with_status(), |f| lines(&f, show::folder)),
        ),
        cmd(
            "special",
            "ROLE",
            "the folder with a SPECIAL-USE role (Sent, Trash, ...)",
            &["find_special_folder"],
            |w| {
                run(
                    Capture.find_special_folder(role(w.arg(0, "a role")?)?),
                    |f| match f {
                        Some(f) => show::folder(&f),
                        None => "no such folder".into(),
                    },
                )
            },
        ),
        cmd(
            "exists",
            "FOLDER",
            "whether a folder exists",
            &["folder_exists"],
            |w| run(Capture.folder_exists(&folder(w, 0)?), |e| e.to_string()),
        ),
        cmd(
            "status",
            "FOLDER [ITEM...]",
            "STATUS (MESSAGES UNSEEN UIDNEXT UIDVALIDITY by default)",
            &["folder_status", "status"],
            |w| {
                let f = folder(w, 0)?;
                let items = w.args().get(1..).unwrap_or_default().to_vec();
                if items.is_empty() {
                    return run(Capture.folder_status(&f), |s| show::status(&s));
                }
                let items = items
                    .into_iter()
                    .map(|i| atom(&i.to_ascii_uppercase()).map(StatusItem::from_atom))
                    .collect::<Result<Vec<_>, _>>()?;
                run(Capture.status(&f, &items), |s| show::status(&s))
            },
        ),
        cmd(
            "select",
            "FOLDER",
            "SELECT (read-write)",
            &["select", "select_with"],
            |w| {
                let f = folder(w, 0)?;
                let name = f.clone();
                run(Capture.select(&f), move |s| show::summary(&name, &s))
            },
        ),
        cmd(
            "examine",
            "FOLDER",
            "EXAMINE (read-only)",
            &["examine"],
            |w| {
                let f = folder(w, 0)?;
                let name = f.clone();
                run(Capture.examine(&f), move |s| show::summary(&name, &s))
            },
        ),
        cmd(
            "unselect",
            "",
            "leave the folder without expunging",
            &["unselect"],
            |_| run(Capture.unselect(), ok),
        ),
        cmd(
            "close",
            "",
            "CLOSE: expunge and leave the folder",
            &["close"],
            |_| run(Capture.close(), ok),
        ),
        cmd(
            "create",
            "FOLDER [ROLE]",
            "CREATE (with a SPECIAL-USE role)",
            &["create_folder", "create_special_folder"],
            |w| {
                let f = folder(w, 0)?;
                match w.args().get(1) {
                    None => run(Capture.create_folder(&f), ok),
                    Some(r) => run(Capture.create_special_folder(&f, role(r)?), ok),
                }
            },
        ),
        cmd("rename", "FROM TO", "RENAME", &["rename_folder"], |w| {
            run(Capture.rename_folder(&folder(w, 0)?, &folder(w, 1)?), ok)
        }),
        cmd(
            "delete-folder",
            "FOLDER",
            "DELETE a folder",
            &["delete_folder"],
            |w| run(Capture.delete_folder(&folder(w, 0)?), ok),
        ),
        cmd("subscribe", "FOLDER", "SUBSCRIBE", &["subscribe"], |w| {
            run(Capture.subscribe(&folder(w, 0)?), ok)
        }),
        cmd(
            "unsubscribe",
            "FOLDER",
            "UNSUBSCRIBE",
            &["unsubscribe"],
            |w| run(Capture.unsubscribe(&folder(w, 0)?), ok),
        ),
        // ----- reading -----
        cmd(
            "fetch",
            "UIDS [ITEMS]",
            "UID FETCH, items as IMAP writes them (FLAGS ENVELOPE BODY.PEEK[HEADER.FIELDS (FROM)]; default a summary)",
            &["fetch", "fetch_set", "fetch_text"],
            |w| {
                let set = uids(w, 0)?;
                match fetch_items(w, 1)? {
                    None => run(Capture.fetch(&set, &FetchQuery::summary()), show_messages),
                    Some(items) => {
                        run(Capture.fetch_text(w.arg(0, "UIDs")?, &items), show_messages)
                    }
                }
            },
        ),
        cmd(
            "fetch-seq",
            "NUMBERS [ITEMS]",
            "FETCH by message number",
            &["fetch_seq", "fetch_seq_text"],
            |w| {
                let set = seqs(w, 0)?;
                match fetch_items(w, 1)? {
                    None => run(
                        Capture.fetch_seq(&set, &FetchQuery::summary()),
                        show_messages,
                    ),
                    Some(items) => run(
                        Capture.fetch_seq_text(w.arg(0, "numbers")?, &items),
                        show_messages,
                    ),
                }
            },
        ),
        cmd(
            "show",
            "UID",
            "one message: envelope, flags, size and MIME outline",
            &["fetch_one"],
            |w| {
                let u = uid(w, 0)?;
                run(
                    Capture.fetch_one(u, &FetchQuery::summary().body_structure()),
                    move |m| {
                        let mut one = imap_core::ops::fetch::Messages::new();
                        one.insert(u, m);
                        show_messages(one)
                    },
                )
            },
        ),
        cmd(
            "part",
            "UID SECTION",
            "a part decoded (1.2, HEADER, TEXT, 1.MIME)",
            &["fetch_part_decoded"],
            |w| {
                let section: Section = w
                    .arg(1, "a section (1.2, HEADER, TEXT, 1.MIME)")?
                    .parse()
                    .map_err(|e| format!("not a section: {e}"))?;
                run(Capture.fetch_part_decoded(uid(w, 0)?, section), |p| {
                    show::decoded(&p)
                })
            },
        ),
        cmd(
            "parsed",
            "UID",
            "the message parsed as MIME: headers and text",
            &["fetch_parsed"],
            |w| {
                run(Capture.fetch_parsed(uid(w, 0)?), |m| {
                    let mut out = Vec::new();
                    for (name, value) in [
                        (
                            "From",
                            m.from().and_then(|a| a.first()).map(|a| {
                                format!(
                                    "{} <{}>",
                                    a.name().unwrap_or_default(),
                                    a.address().unwrap_or_default()
                                )
                            }),
                        ),
                        ("Subject", m.subject().map(str::to_owned)),
                        ("Date", m.date().map(|d| d.to_rfc822())),
                    ] {
                        out.push(format!("{name}: {}", escaped(&value.unwrap_or_default())));
                    }
                    out.push(String::new());
                    out.push(escaped_text(&m.body_text(0).unwrap_or_default()).to_string());
                    out.join("\n")
                })
            },
        ),
        cmd(
            "size",
            "UID [SECTION]",
            "stream a message (or section) and count its bytes",
            &["stream_section"],
            |w| {
                let section = match w.args().get(1) {
                    Some(s) => s.parse().map_err(|e| format!("not a section: {e}"))?,
                    None => Section::default(),
                };
                run(Capture.stream_section(uid(w, 0)?, section), |n| {
                    format!("{n} bytes")
                })
            },
        ),
        cmd(
            "search",
            "[CHARSET NAME] CRITERIA",
            "UID SEARCH (SINCE 1-Jan-2024 FROM alice UNSEEN; default ALL)",
            &["search", "search_text", "search_charset"],
            |w| match charset(w)? {
                None => run(Capture.search(&query(w, 0)?), |u| show::uids(&u)),
                Some(c) => run(Capture.search_charset(&query(w, 2)?, c), |u| show::uids(&u)),
            },
        ),
        cmd(
            "search-seq",
            "[CHARSET NAME] CRITERIA",
            "SEARCH for message numbers",
            &["search_seq", "search_seq_charset"],
            |w| match charset(w)? {
                None => run(Capture.search_seq(&query(w, 0)?), debug),
                Some(c) => run(Capture.search_seq_charset(&query(w, 2)?, c), debug),
            },
        ),
        cmd(
            "gmail-search",
            "QUERY",
            "Gmail's X-GM-RAW search",
            &["gmail_search"],
            |w| {
                run(Capture.gmail_search(w.rest(0, "a Gmail query")?), |u| {
                    show::uids(&u)
                })
            },
        ),
        cmd(
            "sort",
            "KEY... [-- CRITERIA]",
            "UID SORT (REVERSE DATE, SUBJECT, ...)",
            &["sort"],
            |w| {
                let (keys, q) = sort_args(w)?;
                run(Capture.sort(&keys, &q), |u| lines(u, |u| u.to_string()))
            },
        ),
        cmd(
            "sort-seq",
            "KEY... [-- CRITERIA]",
            "SORT for message numbers",
            &["sort_seq"],
            |w| {
                let (keys, q) = sort_args(w)?;
                run(Capture.sort_seq(&keys, &q), debug)
            },
        ),
        cmd(
            "esort",
            "KEY... [-- CRITERIA]",
            "ESORT: MIN, MAX and COUNT of the sorted result",
            &["esort"],
            |w| {
                let (keys, q) = sort_args(w)?;
                let returns = [SearchReturn::Min, SearchReturn::Max, SearchReturn::Count];
                run(Capture.esort(&keys, &returns, &q), debug)
            },
        ),
        cmd(
            "thread-seq",
            "ALGORITHM [CRITERIA]",
            "THREAD for message numbers",
            &["thread_seq"],
            |w| {
                let algorithm = w.arg(0, "an algorithm (REFERENCES)")?.to_owned();
                run(Capture.thread_seq(&algorithm, &query(w, 1)?), debug)
            },
        ),
        cmd(
            "thread",
            "ALGORITHM [CRITERIA]",
            "UID THREAD (REFERENCES, ORDEREDSUBJECT)",
            &["thread"],
            |w| {
                let algorithm = w.arg(0, "an algorithm (REFERENCES)")?.to_owned();
                run(Capture.thread(&algorithm, &query(w, 1)?), debug)
            },
        ),
        // ----- flags and labels -----
        cmd("flags", "UIDS", "the flags of messages", &["flags"], |w| {
            run(Capture.flags(uids(w, 0)?), show_flags)
        }),
        cmd(
            "add-flags",
            "UIDS FLAG...",
            "add flags (\\Seen \\Flagged $Keyword)",
            &["add_flags"],
            |w| {
                run(
                    Capture.add_flags(uids(w, 0)?, &flag_list(w, 1)?),
                    show_flags,
                )
            },
        ),
        cmd(
            "remove-flags",
            "UIDS FLAG...",
            "remove flags",
            &["remove_flags"],
            |w| {
                run(
                    Capture.remove_flags(uids(w, 0)?, &flag_list(w, 1)?),
                    show_flags,
                )
            },
        ),
        cmd(
            "set-flags",
            "UIDS FLAG...",
            "replace the flags",
            &["set_flags"],
            |w| {
                run(
                    Capture.set_flags(uids(w, 0)?, &flag_list(w, 1)?),
                    show_flags,
                )
            },
        ),
        cmd(
            "add-keywords",
            "UIDS KEYWORD...",
            "add keywords ($Label1 ...)",
            &["add_keywords"],
            |w| {
                run(
                    Capture.add_keywords(uids(w, 0)?, &words_from(w, 1, "keywords")?),
                    show_flags,
                )
            },
        ),
        cmd(
            "remove-keywords",
            "UIDS KEYWORD...",
            "remove keywords",
            &["remove_keywords"],
            |w| {
                run(
                    Capture.remove_keywords(uids(w, 0)?, &words_from(w, 1, "keywords")?),
                    show_flags,
                )
            },
        ),
        cmd(
            "labels",
            "UIDS",
            "Gmail labels of messages",
            &["labels"],
            |w| run(Capture.labels(uids(w, 0)?), show_labels),
        ),
        cmd(
            "add-labels",
            "UIDS LABEL...",
            "add Gmail labels",
            &["add_labels"],
            |w| {
                run(
                    Capture.add_labels(uids(w, 0)?, &words_from(w, 1, "labels")?),
                    ok,
                )
            },
        ),
        cmd(
            "remove-labels",
            "UIDS LABEL...",
            "remove Gmail labels",
            &["remove_labels"],
            |w| {
                run(
                    Capture.remove_labels(uids(w, 0)?, &words_from(w, 1, "labels")?),
                    ok,
                )
            },
        ),
        cmd(
            "set-labels",
            "UIDS LABEL...",
            "replace Gmail labels",
            &["set_labels"],
            |w| {
                run(
                    Capture.set_labels(uids(w, 0)?, &words_from(w, 1, "labels")?),
                    ok,
                )
            },
        ),
        // ----- changing messages -----
        cmd(
            "multiappend",
            "FOLDER FILE...",
            "MULTIAPPEND several messages at once (one APPEND each without it)",
            &["multiappend"],
            |w| {
                let mut messages = Vec::new();
                for path in words_from(w, 1, "files")? {
                    let m = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
                    messages.push(imap_core::ops::messages::AppendItem::new(m));
                }
                run(Capture.multiappend(&folder(w, 0)?, messages), |all| {
                    lines(&all, |a| match a.uid {
                        Some(u) => format!("appended as UID {u}"),
                        None => "appended (no UIDPLUS: UID not said)".into(),
                    })
                })
            },
        ),
        cmd(
            "append",
            "FOLDER FILE [FLAG...]",
            "APPEND a message from a file (.eml)",
            &["append"],
            |w| {
                let path = w.arg(1, "a file")?;
                let message =
                    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
                let flags = if w.args().len() > 2 {
                    flag_list(w, 2)?
                } else {
                    Vec::new()
                };
                run(
                    Capture.append(&folder(w, 0)?, &message, &flags, None),
                    |a| match a.uid {
                        Some(u) => format!("appended as UID {u}"),
                        None => "appended (the server did not say its UID: no UIDPLUS)".into(),
                    },
                )
            },
        ),
        cmd("copy", "UIDS FOLDER", "COPY messages", &["copy"], |w| {
            run(Capture.copy(uids(w, 0)?, &folder(w, 1)?), show_mapping)
        }),
        cmd(
            "move-seq",
            "NUMBERS FOLDER",
            "MOVE messages by number",
            &["move_seq"],
            |w| run(Capture.move_seq(&seqs(w, 0)?, &folder(w, 1)?), show_mapping),
        ),
        cmd(
            "move",
            "UIDS FOLDER",
            "MOVE messages (COPY + delete where MOVE is missing)",
            &["move_messages"],
            |w| {
                run(
                    Capture.move_messages(&uids(w, 0)?, &folder(w, 1)?),
                    show_mapping,
                )
            },
        ),
        cmd(
            "delete",
            "UIDS",
            "mark messages \\Deleted",
            &["delete"],
            |w| run(Capture.delete(uids(w, 0)?), ok),
        ),
        cmd(
            "expunge",
            "",
            "EXPUNGE every \\Deleted message",
            &["expunge"],
            |_| run(Capture.expunge(), show_expunged),
        ),
        cmd(
            "expunge-uids",
            "UIDS",
            "UID EXPUNGE these (UIDPLUS)",
            &["expunge_uids"],
            |w| run(Capture.expunge_uids(&uids(w, 0)?), show_expunged),
        ),
        cmd(
            "delete-expunge",
            "UIDS",
            "delete and expunge exactly these",
            &["delete_and_expunge"],
            |w| run(Capture.delete_and_expunge(&uids(w, 0)?), show_expunged),
        ),
        // ----- quota, ACL, metadata -----
        cmd(
            "quota-root",
            "FOLDER",
            "GETQUOTAROOT",
            &["quota_root"],
            |w| run(Capture.quota_root(&folder(w, 0)?), debug),
        ),
        cmd("quota", "ROOT", "GETQUOTA", &["quota"], |w| {
            run(Capture.quota(w.arg(0, "a quota root")?), debug)
        }),
        cmd(
            "set-quota",
            "ROOT [RESOURCE LIMIT]...",
            "SETQUOTA (STORAGE 1024)",
            &["set_quota"],
            |w| {
                let args = w.args();
                let limits = args[1.min(args.len())..]
                    .chunks(2)
                    .map(|p| {
                        let limit = p
                            .get(1)
                            .and_then(|l| l.parse().ok())
                            .ok_or("expected RESOURCE LIMIT pairs")?;
                        Ok(QuotaLimit {
                            name: atom(&p[0].to_ascii_uppercase())?,
                            limit,
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                run(Capture.set_quota(w.arg(0, "a quota root")?, limits), debug)
            },
        ),
        cmd("acl", "FOLDER", "GETACL", &["acl"], |w| {
            run(Capture.acl(&folder(w, 0)?), debug)
        }),
        cmd(
            "set-acl",
            "FOLDER IDENTIFIER RIGHTS",
            "SETACL",
            &["set_acl"],
            |w| {
                run(
                    Capture.set_acl(
                        &folder(w, 0)?,
                        w.arg(1, "an identifier")?,
                        w.arg(2, "rights")?,
                    ),
                    ok,
                )
            },
        ),
        cmd(
            "delete-acl",
            "FOLDER IDENTIFIER",
            "DELETEACL",
            &["delete_acl"],
            |w| {
                run(
                    Capture.delete_acl(&folder(w, 0)?, w.arg(1, "an identifier")?),
                    ok,
                )
            },
        ),
        cmd("my-rights", "FOLDER", "MYRIGHTS", &["my_rights"], |w| {
            run(Capture.my_rights(&folder(w, 0)?), |r| {
                escaped(&r).to_string()
            })
        }),
        cmd(
            "list-rights",
            "FOLDER IDENTIFIER",
            "LISTRIGHTS",
            &["list_rights"],
            |w| {
                run(
                    Capture.list_rights(&folder(w, 0)?, w.arg(1, "an identifier")?),
                    debug,
                )
            },
        ),
        cmd(
            "metadata",
            "FOLDER ENTRY...",
            "GETMETADATA (\"\" for the server's)",
            &["metadata"],
            |w| {
                run(
                    Capture.metadata(
                        &folder(w, 0)?,
                        &words_from(w, 1, "entries (/private/comment)")?,
                    ),
                    debug,
                )
            },
        ),
        cmd(
            "set-metadata",
            "FOLDER ENTRY [VALUE]",
            "SETMETADATA (no value: remove)",
            &["set_metadata"],
            |w| {
                let entry = w.arg(1, "an entry (/private/comment)")?;
                let value = w.args().get(2).copied();
                run(Capture.set_metadata(&folder(w, 0)?, &[(entry, value)]), ok)
            },
        ),
        // ----- the shell -----
        cmd(
            "idle",
            "[SECONDS]",
            "IDLE, printing updates, until Ctrl-C (or SECONDS)",
            &[],
            |w| {
                let secs = match w.args().first() {
                    None => None,
                    Some(s) => Some(
                        s.parse::<u64>()
                            .map_err(|_| format!("{s:?} is not a number of seconds"))?,
                    ),
                };
                Ok(Action::Idle(secs.map(Duration::from_secs)))
            },
        ),
        cmd("help", "[COMMAND]", "this list, or one command", &[], |w| {
            Ok(Action::Print(super::help(w.args().first().copied())))
        }),
        cmd(
            "quit",
            "",
            "log out and leave (also exit, logout, Ctrl-D)",
            &[],
            |_| Ok(Action::Quit),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The method names of the `Commands` trait, read from its source.
    fn trait_methods() -> Vec<String> {
        let src = include_str!("../../../imap-core/src/ops/commands.rs");
        src.lines()
            .filter_map(|l| l.trim_start().strip_prefix("fn "))
            .filter_map(|l| l.split(['(', '<']).next())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn every_commands_method_is_a_shell_command_or_says_why_not() {
        let table = commands();
        let methods = trait_methods();
        assert!(methods.len() > 50, "{methods:?}");
        for m in &methods {
            let covered = table.iter().any(|c| c.methods.contains(&m.as_str()))
                || NOT_COMMANDS.iter().any(|(n, _)| n == m);
            assert!(covered, "Commands::{m} is not in the shell's table");
        }
        for c in &table {
            for m in c.methods {
                assert!(
                    methods.iter().any(|t| t == m),
                    "{} names no method {m}",
                    c.name
                );
            }
        }
    }

    #[test]
    fn names_are_unique_and_every_command_has_help() {
        let table = commands();
        for (i, c) in table.iter().enumerate() {
            assert!(!c.help.is_empty());
            assert!(
                table[i + 1..].iter().all(|d| d.name != c.name),
                "{} twice",
                c.name
            );
        }
    }

    fn action(line: &str) -> Result<Action, String> {
        let w = Words::split(line)?;
        let table = commands();
        let name = w.command().unwrap();
        table.iter().find(|c| c.name == name).unwrap().parse(&w)
    }

    #[test]
    fn arguments_are_checked_before_anything_is_sent() {
        assert_eq!(action("fetch").unwrap_err(), "expected UIDs (1:4,7 or 1:*)");
        let e = action("fetch 1,,2").unwrap_err();
        assert!(e.starts_with("invalid") && e.ends_with('^'), "{e}");
        let e = action("fetch 1:* FLAGS BODY[1").unwrap_err();
        assert!(e.starts_with("invalid") && e.ends_with('^'), "{e}");
        assert_eq!(
            action("add-flags 1").unwrap_err(),
            "expected flags (\\Seen \\Flagged $Keyword)"
        );
        assert!(
            action("sort -- ALL")
                .unwrap_err()
                .starts_with("expected sort keys")
        );
        assert!(
            action("special Nowhere")
                .unwrap_err()
                .contains("SPECIAL-USE")
        );
        assert!(action("search SINCE notadate").is_err());
        assert!(
            matches!(action("idle 5"), Ok(Action::Idle(Some(d))) if d == Duration::from_secs(5))
        );
        assert!(matches!(action("quit"), Ok(Action::Quit)));
        for ok in [
            "select \"Sent Items\"",
            "fetch 1:4,7 FLAGS ENVELOPE BODY.PEEK[HEADER.FIELDS (FROM)]",
            "fetch 1:* (FLAGS)",
            "fetch-seq 2 ALL",
            "search SINCE 1-Jan-2024 FROM \"alice smith\"",
            "sort REVERSE DATE -- UNSEEN",
            "search CHARSET UTF-8 SUBJECT \"Grüße\"",
            "xlist",
            "move-seq 1:2 Archive",
            "set-quota \"\" STORAGE 1024",
            "status INBOX MESSAGES UIDNEXT",
            "create Archive2 archive",
            "part 4 1.MIME",
        ] {
            assert!(
                matches!(action(ok), Ok(Action::Run(_))),
                "{ok}: {:?}",
                action(ok)
            );
        }
    }
}
