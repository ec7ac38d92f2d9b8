//! How the examples print what the server said: one line per folder, message or event,
//! decoded (RFC 2047 words, charsets) and escaped, so that nothing a server sends can drive the
//! terminal.

use imap_core::client::{Event, MailboxSummary};
use imap_core::decode::DecodedPart;
use imap_core::mailbox::Update;
use imap_core::ops::fetch::{Message, PartInfo, outline};
use imap_core::ops::flags::format_flags;
use imap_core::ops::folders::Folder;
use imap_core::terminal::{escaped, escaped_text};
use imap_core::types::{SetKey, Uid, UidRanges};

/// `name  \Attr \Attr  [subscribed]  12 messages, 3 unseen`, indented by depth.
pub fn folder(f: &Folder) -> String {
    let attrs: Vec<String> = f
        .attributes
        .iter()
        .map(|a| format!("\\{}", a.name()))
        .collect();
    let counts = f
        .status
        .as_ref()
        .map(|s| {
            format!(
                "  {} messages, {} unseen",
                s.messages.unwrap_or(0),
                s.unseen.unwrap_or(0)
            )
        })
        .unwrap_or_default();
    format!(
        "{}{:<30} {:<30}{}{counts}",
        "  ".repeat(f.depth()),
        escaped(&f.leaf()),
        escaped(&attrs.join(" ")),
        if f.subscribed { " [subscribed]" } else { "" },
    )
}

/// `  4711  2024-03-01 10:00  Jürgen <j@example.org>  Grüße aus München`: UID, date, first
/// sender and subject from the ENVELOPE, decoded.
pub fn message(uid: Uid, m: &Message) -> String {
    let env = m.decoded_envelope();
    let date = env
        .as_ref()
        .and_then(|e| e.date)
        .map(|d| d.to_string())
        .unwrap_or_default();
    let from = env
        .as_ref()
        .and_then(|e| e.from.first())
        .map(ToString::to_string)
        .unwrap_or_default();
    let subject = env.and_then(|e| e.subject).unwrap_or_default();
    let flags = m.flags.as_deref().map(format_flags).unwrap_or_default();
    format!(
        "{:>8}  {:<26}  {:<30}  {}  {}",
        uid.get(),
        escaped(&date),
        escaped(&clip(&from, 30)),
        escaped(&subject),
        escaped(&flags)
    )
    .trim_end()
    .to_owned()
}

/// A MIME outline line: `  1.2      text/plain  1234 bytes  quoted-printable  name.txt`.
pub fn part(p: &PartInfo) -> String {
    let path = if p.path.is_empty() {
        "(message)".to_owned()
    } else {
        p.path
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(".")
    };
    format!(
        "{}{:<10} {:<28} {:>8} bytes  {} {}",
        "  ".repeat(p.depth),
        path,
        escaped(&p.mime_type),
        p.size,
        escaped(&p.encoding),
        escaped(p.filename.as_deref().unwrap_or_default())
    )
    .trim_end()
    .to_owned()
}

/// A message's header (encoded words decoded), a blank line, and its MIME outline, from a
/// FETCH of `HEADER` and `BODYSTRUCTURE`.
pub fn header_and_outline(m: &Message) -> String {
    let mut out: Vec<String> = m
        .headers()
        .iter()
        .map(|(name, value)| {
            format!(
                "{}: {}",
                escaped(name),
                escaped(&imap_core::decode::decode_words(value.as_bytes()))
            )
        })
        .collect();
    out.push(String::new());
    let parts = m.body_structure.as_ref().map(outline).unwrap_or_default();
    out.extend(parts.iter().map(part));
    out.join("\n")
}

/// A decoded part: its text (escaped, lines kept), or what it is when it is not text.
pub fn decoded(p: &DecodedPart) -> String {
    match &p.text {
        Some(text) => escaped_text(text).to_string(),
        None => format!(
            "({} bytes of {}{})",
            p.bytes.len(),
            escaped(&p.mime_type),
            p.filename
                .as_deref()
                .map(|f| format!(", {}", escaped(f)))
                .unwrap_or_default()
        ),
    }
}

/// What a SELECT or EXAMINE said about a folder, one item a line.
pub fn summary(folder: &str, s: &MailboxSummary) -> String {
    fn opt(v: Option<impl std::fmt::Display>) -> String {
        v.map_or("-".to_owned(), |v| v.to_string())
    }
    format!(
        "{}: {} messages, {} recent, first unseen {}, UIDVALIDITY {}, UIDNEXT {}, \
         HIGHESTMODSEQ {}, read-{}\nflags: {}",
        escaped(folder),
        s.exists,
        opt(s.recent),
        opt(s.unseen),
        opt(s.uid_validity),
        opt(s.uid_next),
        opt(s.highest_modseq),
        if s.read_only { "only" } else { "write" },
        escaped(&format_flags(&s.flags)),
    )
}

/// STATUS items as IMAP writes them: `MESSAGES 20 UIDNEXT 21 UIDVALIDITY 7 UNSEEN 12`.
pub fn status(s: &imap_core::ops::folders::FolderStatus) -> String {
    let items: [(&str, Option<u64>); 7] = [
        ("MESSAGES", s.messages.map(u64::from)),
        ("RECENT", s.recent.map(u64::from)),
        ("UIDNEXT", s.uid_next.map(|u| u64::from(u.get()))),
        ("UIDVALIDITY", s.uid_validity.map(|v| u64::from(v.get()))),
        ("UNSEEN", s.unseen.map(u64::from)),
        ("DELETED", s.deleted.map(u64::from)),
        ("SIZE", s.size),
    ];
    let v: Vec<String> = items
        .iter()
        .filter_map(|(name, v)| v.map(|v| format!("{name} {v}")))
        .collect();
    v.join(" ")
}

/// A set of UIDs as IMAP writes it (`1:4,7`), `(none)` when empty.
pub fn uids(set: &UidRanges) -> String {
    if set.is_empty() {
        return "(none)".into();
    }
    set.ranges()
        .map(|(a, b)| {
            if a == b {
                a.value().to_string()
            } else {
                format!("{}:{}", a.value(), b.value())
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// An unsolicited event (IDLE, NOOP) as a sentence.
pub fn event(e: &Event) -> String {
    match e {
        Event::Mailbox(Update::Exists { previous, exists }) if exists > previous => format!(
            "{} new message{}, now {exists}",
            exists - previous,
            if exists - previous == 1 { "" } else { "s" }
        ),
        Event::Mailbox(Update::Exists { exists, .. }) => format!("now {exists} messages"),
        Event::Mailbox(Update::Expunged(m)) => match m.uid {
            Some(uid) => format!("message {} (UID {uid}) expunged", m.seq),
            None => format!("message {} expunged", m.seq),
        },
        other => escaped(&format!("{other:?}")).to_string(),
    }
}

/// `s` cut to `n` characters, with `…` when cut.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_print_as_imap_writes_them() {
        let set: UidRanges = [1, 2, 3, 4, 7].into_iter().filter_map(Uid::new).collect();
        assert_eq!(uids(&set), "1:4,7");
        assert_eq!(uids(&UidRanges::default()), "(none)");
    }

    #[test]
    fn long_names_are_clipped_by_characters() {
        assert_eq!(clip("Grüße", 10), "Grüße");
        assert_eq!(clip("Grüße aus München", 6), "Grüße…");
    }
}
