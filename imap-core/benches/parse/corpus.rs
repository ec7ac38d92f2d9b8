//! Deterministic, in-memory IMAP server response streams (RFC 3501 / RFC 9051 syntax, CRLF).
//!
//! Every generator is driven by a small seeded PRNG so that two runs (and two machines) see the
//! very same bytes. Each corpus also records how many responses it holds so that the driver can
//! check that every parser really parsed every response.

use std::fmt::Write as _;

use bytes::Bytes;

/// A generated response stream.
pub struct Corpus {
    /// Short name printed in the result lines (`meta`, `literal`, ...).
    pub name: &'static str,
    /// The raw bytes a server would send (a `Bytes`, so that a runner can take shares of it).
    pub data: Bytes,
    /// Number of complete responses (untagged, tagged) in `data`.
    pub responses: usize,
}

/// SplitMix64: tiny, fast, good enough for generating test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "the",
    "meeting",
    "quarterly",
    "report",
    "invoice",
    "project",
    "update",
    "about",
    "your",
    "account",
    "release",
    "notes",
    "lunch",
    "tomorrow",
    "please",
    "review",
    "attached",
    "draft",
    "budget",
    "schedule",
    "team",
    "offsite",
    "agenda",
    "minutes",
    "server",
    "migration",
    "status",
    "weekly",
    "newsletter",
    "security",
    "alert",
    "password",
    "reset",
    "order",
    "shipped",
    "photos",
    "holiday",
    "plans",
    "contract",
    "signed",
    "question",
    "regarding",
    "build",
    "failure",
    "ticket",
    "resolved",
    "customer",
    "feedback",
    "survey",
    "results",
    "and",
    "for",
    "with",
    "from",
    "on",
    "in",
    "to",
    "of",
    "a",
    "is",
    "was",
    "will",
    "be",
    "we",
    "you",
    "it",
    "this",
    "that",
    "have",
];

const FIRST_NAMES: &[&str] = &[
    "Alice", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory",
    "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Zoe",
];

const LAST_NAMES: &[&str] = &[
    "Smith",
    "Jones",
    "Müller",
    "O'Brien",
    "Nakamura",
    "García",
    "Kowalski",
    "Dubois",
    "Rossi",
    "Andersson",
    "Novak",
    "Silva",
    "Chen",
    "Okafor",
    "Ivanova",
];

const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "mail.example.net",
    "lists.example.edu",
    "corp.example.co.uk",
    "cac.washington.edu",
];

const MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

const WEEKDAYS: &[&str] = &["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

const ZONES: &[&str] = &[
    "-0700", "+0000", "+0100", "+0200", "-0500", "+0530", "+0900",
];

const FLAGS: &[&str] = &[
    "\\Seen",
    "\\Answered",
    "\\Flagged",
    "\\Draft",
    "\\Deleted",
    "\\Recent",
    "$Forwarded",
    "$MDNSent",
    "$Junk",
    "$NotJunk",
    "NonJunk",
    "$Label1",
];

const ATTACHMENTS: &[(&str, &str, &str)] = &[
    ("APPLICATION", "PDF", "report.pdf"),
    ("IMAGE", "JPEG", "IMG_2041.jpg"),
    ("IMAGE", "PNG", "screenshot.png"),
    ("APPLICATION", "ZIP", "logs-2024.zip"),
    (
        "APPLICATION",
        "VND.OPENXMLFORMATS-OFFICEDOCUMENT.SPREADSHEETML.SHEET",
        "budget.xlsx",
    ),
    ("TEXT", "CALENDAR", "invite.ics"),
];

/// Appends `s` as an IMAP quoted string (escaping `"` and `\`).
fn quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

fn words(rng: &mut Rng, out: &mut String, n: u64) {
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(rng.pick(WORDS));
    }
}

/// `dd-Mon-yyyy hh:mm:ss +zzzz` (a valid date: day 1..=28).
fn internal_date(rng: &mut Rng, out: &mut String) {
    let _ = write!(
        out,
        "\"{:02}-{}-{} {:02}:{:02}:{:02} {}\"",
        rng.range(1, 28),
        rng.pick(MONTHS),
        rng.range(1996, 2025),
        rng.range(0, 23),
        rng.range(0, 59),
        rng.range(0, 59),
        rng.pick(ZONES)
    );
}

/// An RFC 5322 date as found in the envelope.
fn header_date(rng: &mut Rng, out: &mut String) {
    let _ = write!(
        out,
        "\"{}, {} {} {} {:02}:{:02}:{:02} {}\"",
        rng.pick(WEEKDAYS),
        rng.range(1, 28),
        rng.pick(MONTHS),
        rng.range(1996, 2025),
        rng.range(0, 23),
        rng.range(0, 59),
        rng.range(0, 59),
        rng.pick(ZONES)
    );
}

fn message_id(rng: &mut Rng, out: &mut String) {
    let _ = write!(
        out,
        "\"<{:x}.{:x}@{}>\"",
        rng.next_u64() >> 16,
        rng.range(0, 1 << 24),
        rng.pick(DOMAINS)
    );
}

/// One `address`: `(name adl mailbox host)`; names are quoted, or NIL, ASCII only.
fn address(rng: &mut Rng, out: &mut String) {
    let first = rng.pick(FIRST_NAMES);
    let last = rng.pick(LAST_NAMES);
    out.push('(');
    match rng.range(0, 9) {
        0..=1 => out.push_str("NIL"),
        2 => {
            // A display name with quotes inside, as mail clients produce them.
            let name = format!("\"{first}\" {}", ascii_last(last));
            quoted(out, &name);
        }
        3 => {
            // RFC 2047 encoded-word, the usual way non-ASCII names appear in envelopes.
            let _ = write!(out, "\"=?UTF-8?Q?{first}_");
            for b in last.bytes() {
                if b.is_ascii_alphanumeric() {
                    out.push(b as char);
                } else {
                    let _ = write!(out, "={b:02X}");
                }
            }
            out.push_str("?=\"");
        }
        _ => quoted(out, &format!("{first} {}", ascii_last(last))),
    }
    out.push_str(" NIL ");
    let mailbox = format!("{}.{}", first.to_ascii_lowercase(), ascii_last(last));
    quoted(out, &mailbox.to_ascii_lowercase());
    out.push(' ');
    quoted(out, rng.pick(DOMAINS));
    out.push(')');
}

fn ascii_last(last: &str) -> String {
    last.chars()
        .map(|c| if c.is_ascii() { c } else { 'e' })
        .collect()
}

/// An address list: `(addr addr ...)` without separating spaces, a group, or NIL.
fn address_list(rng: &mut Rng, out: &mut String, max: u64) {
    let n = rng.range(1, max);
    out.push('(');
    if rng.chance(3) {
        // RFC 3501 group syntax: "undisclosed-recipients:;".
        out.push_str("(NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)");
    } else {
        for _ in 0..n {
            address(rng, out);
        }
    }
    out.push(')');
}

/// The envelope subject: quoted (sometimes with escapes), NIL, or a literal with 8-bit text.
fn subject(rng: &mut Rng, out: &mut String) {
    match rng.range(0, 19) {
        0 => out.push_str("NIL"),
        1..=2 => {
            // Servers send 8-bit or awkward strings as literals.
            let mut s = String::from("Réf: ");
            let n = rng.range(2, 8);
            words(rng, &mut s, n);
            s.push_str(" — «ünïcödé» \"quoted\" \\ back");
            let _ = write!(out, "{{{}}}\r\n{s}", s.len());
        }
        3..=4 => {
            let mut s = String::from("Re: \"");
            let n = rng.range(2, 6);
            words(rng, &mut s, n);
            s.push_str("\" C:\\path");
            quoted(out, &s);
        }
        5 => out.push_str("\"=?UTF-8?B?w4Rwc2lsb24gdW5kIEJldGE=?= weekly digest\""),
        _ => {
            let mut s = String::new();
            if rng.chance(30) {
                s.push_str("Re: ");
            }
            if rng.chance(10) {
                s.push_str("Fwd: ");
            }
            let n = rng.range(2, 12);
            words(rng, &mut s, n);
            quoted(out, &s);
        }
    }
}

/// `(date subject from sender reply-to to cc bcc in-reply-to message-id)`.
fn envelope(rng: &mut Rng, out: &mut String) {
    out.push('(');
    if rng.chance(2) {
        out.push_str("NIL");
    } else {
        header_date(rng, out);
    }
    out.push(' ');
    subject(rng, out);
    // from, sender, reply-to: servers repeat "from" into the other two.
    let mut from = String::new();
    address_list(rng, &mut from, 1);
    for _ in 0..3 {
        out.push(' ');
        out.push_str(&from);
    }
    out.push(' ');
    address_list(rng, out, 4);
    out.push(' ');
    if rng.chance(35) {
        address_list(rng, out, 3);
    } else {
        out.push_str("NIL");
    }
    out.push(' ');
    if rng.chance(5) {
        address_list(rng, out, 2);
    } else {
        out.push_str("NIL");
    }
    out.push(' ');
    if rng.chance(40) {
        message_id(rng, out);
    } else {
        out.push_str("NIL");
    }
    out.push(' ');
    message_id(rng, out);
    out.push(')');
}

/// Single-part extension data: `md5 [dsp [lang [loc]]]`, cut at a random depth.
fn ext_1part(rng: &mut Rng, out: &mut String, disposition: Option<&str>) {
    let depth = rng.range(0, 4);
    if depth == 0 && disposition.is_none() {
        return;
    }
    // body-fld-md5: rarely sent, but some servers do (a base64 digest).
    if rng.chance(10) {
        out.push_str(" \"Q2hlY2sgSW50ZWdyaXR5IQ==\"");
    } else {
        out.push_str(" NIL");
    }
    if depth < 1 && disposition.is_none() {
        return;
    }
    out.push(' ');
    match disposition {
        Some(name) => {
            out.push_str("(\"ATTACHMENT\" (\"FILENAME\" ");
            quoted(out, name);
            out.push_str("))");
        }
        None if rng.chance(20) => out.push_str("(\"INLINE\" NIL)"),
        None => out.push_str("NIL"),
    }
    if depth < 2 {
        return;
    }
    out.push(' ');
    match rng.range(0, 3) {
        0 => out.push_str("\"EN\""),
        1 => out.push_str("(\"EN\" \"DE\")"),
        _ => out.push_str("NIL"),
    }
    if depth < 3 {
        return;
    }
    out.push(' ');
    if rng.chance(10) {
        out.push_str("\"http://www.example.com/part\"");
    } else {
        out.push_str("NIL");
    }
    // body-extension: data of a future extension, nested lists of strings and numbers.
    if rng.chance(5) {
        out.push_str(" (\"X-EXT\" 1 (\"a\" NIL 2))");
    }
}

/// A `TEXT/<subtype>` part with optional extension data.
fn text_part(rng: &mut Rng, out: &mut String, subtype: &str) {
    let size = rng.range(200, 60_000);
    let charset = rng.pick(&["UTF-8", "US-ASCII", "ISO-8859-1", "utf-8"]);
    let enc = rng.pick(&["7BIT", "QUOTED-PRINTABLE", "8BIT", "BASE64"]);
    let _ = write!(
        out,
        "(\"TEXT\" \"{subtype}\" (\"CHARSET\" \"{charset}\"{}) NIL NIL \"{enc}\" {size} {}",
        if rng.chance(15) {
            " \"FORMAT\" \"flowed\""
        } else {
            ""
        },
        size / 60 + 1
    );
    ext_1part(rng, out, None);
    out.push(')');
}

/// A non-text basic part (an attachment), always with a disposition.
fn attachment_part(rng: &mut Rng, out: &mut String) {
    let (ty, sub, name) = rng.pick(ATTACHMENTS);
    let size = rng.range(2_000, 4_000_000);
    let _ = write!(out, "(\"{ty}\" \"{sub}\" (\"NAME\" \"{name}\") ");
    if rng.chance(30) {
        let _ = write!(out, "\"<part{}@example.com>\"", rng.range(1, 99999));
    } else {
        out.push_str("NIL");
    }
    let _ = write!(out, " NIL \"BASE64\" {size}");
    if ty == "TEXT" {
        let _ = write!(out, " {}", size / 70 + 1);
    }
    ext_1part(rng, out, Some(name));
    out.push(')');
}

/// Multipart extension data: `param [dsp [lang [loc]]]`, cut at a random depth.
fn ext_mpart(rng: &mut Rng, out: &mut String) {
    let depth = rng.range(0, 4);
    if depth == 0 {
        return;
    }
    let _ = write!(
        out,
        " (\"BOUNDARY\" \"----=_Part_{}_{}\")",
        rng.range(1, 1 << 30),
        rng.range(1, 1 << 20)
    );
    if depth < 2 {
        return;
    }
    out.push_str(" NIL");
    if depth < 3 {
        return;
    }
    out.push_str(" NIL");
    if depth < 4 {
        return;
    }
    out.push_str(" NIL");
}

fn alternative(rng: &mut Rng, out: &mut String) {
    out.push('(');
    text_part(rng, out, "PLAIN");
    text_part(rng, out, "HTML");
    out.push_str(" \"ALTERNATIVE\"");
    ext_mpart(rng, out);
    out.push(')');
}

/// A BODYSTRUCTURE; `depth` limits message/rfc822 nesting.
fn body(rng: &mut Rng, out: &mut String, depth: u32) {
    match rng.range(0, 9) {
        0..=3 => text_part(rng, out, "PLAIN"),
        4..=5 => alternative(rng, out),
        6..=7 => {
            // multipart/mixed: a body (plain or alternative) plus 1..3 attachments.
            out.push('(');
            if rng.chance(50) {
                alternative(rng, out);
            } else {
                text_part(rng, out, "PLAIN");
            }
            for _ in 0..rng.range(1, 3) {
                attachment_part(rng, out);
            }
            out.push_str(" \"MIXED\"");
            ext_mpart(rng, out);
            out.push(')');
        }
        _ if depth > 0 => {
            // multipart/mixed with a forwarded message/rfc822.
            out.push('(');
            text_part(rng, out, "PLAIN");
            let size = rng.range(2_000, 200_000);
            out.push_str("(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" ");
            let _ = write!(out, "{size} ");
            envelope(rng, out);
            out.push(' ');
            body(rng, out, depth - 1);
            let _ = write!(out, " {}", size / 70 + 1);
            ext_1part(rng, out, None);
            out.push(')');
            out.push_str(" \"MIXED\"");
            ext_mpart(rng, out);
            out.push(')');
        }
        _ => text_part(rng, out, "HTML"),
    }
}

fn flags(rng: &mut Rng, out: &mut String) {
    out.push('(');
    let mut first = true;
    for flag in FLAGS {
        if rng.chance(if *flag == "\\Seen" { 70 } else { 12 }) {
            if !first {
                out.push(' ');
            }
            out.push_str(flag);
            first = false;
        }
    }
    out.push(')');
}

/// Metadata-heavy FETCH stream: `n` FETCH responses then a tagged OK.
pub fn meta(n: usize) -> Corpus {
    let mut rng = Rng::new(0x6d65_7461);
    let mut out = String::with_capacity(n * 1400);
    let mut uid = 1000u64;
    for seq in 1..=n {
        uid += rng.range(1, 3);
        let _ = write!(out, "* {seq} FETCH (UID {uid} FLAGS ");
        flags(&mut rng, &mut out);
        out.push_str(" INTERNALDATE ");
        internal_date(&mut rng, &mut out);
        let _ = write!(out, " RFC822.SIZE {}", rng.range(800, 5_000_000));
        out.push_str(" ENVELOPE ");
        envelope(&mut rng, &mut out);
        out.push_str(" BODYSTRUCTURE ");
        body(&mut rng, &mut out, 2);
        out.push_str(")\r\n");
    }
    out.push_str("A0042 OK Fetch completed (0.123 + 0.000 + 0.122 secs).\r\n");
    Corpus {
        name: "meta",
        data: Bytes::from(out.into_bytes()),
        responses: n + 1,
    }
}

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends message-like text (headers, prose lines, base64 blocks), all lines CRLF-terminated,
/// exactly `len` bytes long. Never contains NUL.
fn message_text(rng: &mut Rng, out: &mut Vec<u8>, len: usize) {
    let start = out.len();
    let mut s = String::with_capacity(len + 200);
    let _ = write!(
        s,
        "Return-Path: <bounce@{d}>\r\nReceived: from mx.{d} (mx.{d} [192.0.2.{ip}])\r\n\tby imap.example.com with ESMTPS id {id:x}\r\n",
        d = rng.pick(DOMAINS),
        ip = rng.range(1, 254),
        id = rng.next_u64()
    );
    s.push_str("Date: ");
    header_date(rng, &mut s);
    s.push_str("\r\nFrom: ");
    address(rng, &mut s);
    s.push_str("\r\nSubject: ");
    let n = rng.range(3, 9);
    words(rng, &mut s, n);
    s.push_str("\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n");
    s.push_str("--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    while s.len() < len {
        if rng.chance(3) {
            s.push_str("\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            for _ in 0..rng.range(20, 400) {
                for _ in 0..76 {
                    s.push(B64[(rng.next_u64() % 64) as usize] as char);
                }
                s.push_str("\r\n");
            }
        } else {
            let n = rng.range(6, 13);
            words(rng, &mut s, n);
            s.push_str("\r\n");
        }
    }
    out.extend_from_slice(&s.as_bytes()[..len]);
    // Keep the body CRLF-terminated and free of a dangling CR.
    if len >= 2 {
        let end = out.len();
        out[end - 2] = b'\r';
        out[end - 1] = b'\n';
        if len >= 3 && out[end - 3] == b'\r' {
            out[end - 3] = b'x';
        }
    }
    debug_assert_eq!(out.len() - start, len);
}

/// Literal-heavy stream: FETCH BODY[] literals of 20 KB..200 KB, about `total` bytes.
pub fn literal(total: usize) -> Corpus {
    let mut rng = Rng::new(0x006c_6974);
    let mut out = Vec::with_capacity(total + 300_000);
    let mut seq = 0usize;
    let mut uid = 5000u64;
    while out.len() < total {
        seq += 1;
        uid += rng.range(1, 4);
        let n = rng.range(20_000, 200_000) as usize;
        let _ = write_bytes(
            &mut out,
            format_args!("* {seq} FETCH (UID {uid} BODY[] {{{n}}}\r\n"),
        );
        message_text(&mut rng, &mut out, n);
        out.extend_from_slice(b")\r\n");
    }
    out.extend_from_slice(b"A0043 OK Fetch completed.\r\n");
    Corpus {
        name: "literal",
        data: Bytes::from(out),
        responses: seq + 1,
    }
}

/// One FETCH with a single literal of `size` bytes, then a tagged OK.
pub fn bigliteral(size: usize) -> Corpus {
    let mut rng = Rng::new(0x0062_6967);
    let mut out = Vec::with_capacity(size + 200);
    let _ = write_bytes(&mut out, format_args!("* 1 FETCH (BODY[] {{{size}}}\r\n"));
    // A 1 MiB block of message text repeated: generating 100 MiB of words would only slow the
    // start-up; the parsers do not look inside the literal.
    let mut block = Vec::new();
    message_text(&mut rng, &mut block, 1 << 20);
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len());
        out.extend_from_slice(&block[..n]);
        left -= n;
    }
    out.extend_from_slice(b")\r\nA0044 OK Fetch completed.\r\n");
    Corpus {
        name: "bigliteral",
        data: Bytes::from(out),
        responses: 2,
    }
}

fn write_bytes(out: &mut Vec<u8>, args: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    std::io::Write::write_fmt(out, args)
}

/// A `* SEARCH` line of about `size` bytes (ascending message numbers), CRLF included.
pub fn search_line(size: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(size + 16);
    out.extend_from_slice(b"* SEARCH");
    let mut n = 0u64;
    while out.len() + 2 < size {
        n += rng.range(1, 3);
        let _ = write_bytes(&mut out, format_args!(" {n}"));
    }
    out.extend_from_slice(b"\r\n");
    out
}

const FOLDERS: &[&str] = &[
    "Archive", "Projects", "Lists", "Clients", "Receipts", "Travel", "Family", "Old", "Reports",
    "Team", "Vendors", "Misc",
];

/// A session: greeting, capabilities, thousands of LIST and STATUS lines, a SELECT, a
/// ~600 KB SEARCH line, and tagged completions.
pub fn mixed(lines: usize) -> Corpus {
    let mut rng = Rng::new(0x006d_6978);
    let mut out = String::with_capacity(lines * 110 + 700_000);
    let mut responses = 0usize;
    let mut push = |out: &mut String, line: &str| {
        out.push_str(line);
        out.push_str("\r\n");
        responses += 1;
    };
    push(
        &mut out,
        "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN] Dovecot ready.",
    );
    push(
        &mut out,
        "* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE",
    );
    push(&mut out, "A0001 OK Logged in");
    let mut tag = 1;
    let mut names = Vec::with_capacity(lines);
    for i in 0..lines {
        let name = format!(
            "INBOX/{}/{}-{i}",
            rng.pick(FOLDERS),
            rng.pick(WORDS).to_ascii_uppercase()
        );
        names.push(name);
    }
    for block in names.chunks(1000) {
        tag += 1;
        for name in block {
            let attrs = rng.pick(&[
                "\\HasNoChildren",
                "\\HasNoChildren",
                "\\HasNoChildren",
                "\\HasChildren",
                "\\Noselect \\HasChildren",
                "\\HasNoChildren \\Sent",
                "\\HasNoChildren \\Trash",
                "\\Marked \\HasNoChildren",
            ]);
            let mut line = format!("* LIST ({attrs}) \"/\" ");
            quoted(&mut line, name);
            push(&mut out, &line);
        }
        push(
            &mut out,
            &format!("A{tag:04} OK List completed (0.001 + 0.000 secs)."),
        );
        tag += 1;
        for name in block {
            let mut line = String::from("* STATUS ");
            quoted(&mut line, name);
            let _ = write!(
                line,
                " (MESSAGES {} UIDNEXT {} UIDVALIDITY {} UNSEEN {})",
                rng.range(0, 50_000),
                rng.range(1, 90_000),
                rng.range(1, 1 << 31),
                rng.range(0, 500)
            );
            push(&mut out, &line);
        }
        push(&mut out, &format!("A{tag:04} OK Status completed."));
    }
    for line in [
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $Junk $NotJunk)",
        "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $Junk $NotJunk \\*)] Flags permitted.",
        "* 98231 EXISTS",
        "* 0 RECENT",
        "* OK [UNSEEN 17] First unseen.",
        "* OK [UIDVALIDITY 1672531200] UIDs valid",
        "* OK [UIDNEXT 123456] Predicted next UID",
        "A9990 OK [READ-WRITE] Select completed (0.002 + 0.000 secs).",
    ] {
        push(&mut out, line);
    }
    let search = search_line(600 * 1024, 0x5345);
    let mut data = out.into_bytes();
    data.extend_from_slice(&search);
    data.extend_from_slice(b"A9991 OK Search completed (0.042 + 0.000 + 0.041 secs).\r\n");
    data.extend_from_slice(b"* BYE Logging out\r\nA9992 OK Logout completed.\r\n");
    Corpus {
        name: "mixed",
        data: Bytes::from(data),
        responses: responses + 4,
    }
}
