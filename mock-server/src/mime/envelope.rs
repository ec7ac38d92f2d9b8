//! ENVELOPE from a header block (RFC 9051 section 7.5.2), with an RFC 5322 address-list parser.
//!
//! ENVELOPE strings are the header text as sent: RFC 2047 encoded words stay encoded (the client
//! decodes them), so this parser works on raw bytes rather than on the MIME crate's decoded
//! values. Display names lose their quotes and backslash escapes, comments are dropped (a comment
//! after a bare addr-spec becomes the name when there is no other), groups become start and end
//! markers.

use super::header::{HeaderBlock, trim, unfold};
use imap_core::types::{Address, Envelope, Str};

/// Host written for an address without a domain, so that it is not mistaken for a group marker.
pub const MISSING_DOMAIN: &str = "MISSING_DOMAIN";
/// Mailbox written for an address without a local part.
pub const MISSING_MAILBOX: &str = "MISSING_MAILBOX";

/// The ENVELOPE of the message whose header block is `header`.
pub(crate) fn envelope(header: &HeaderBlock<'_>) -> Envelope {
    let text = |name: &str| header.value(name).map(Str::from);
    let addrs = |name: &str| header.raw(name).map(parse_address_list).unwrap_or_default();
    let from = addrs("From");
    let mut sender = addrs("Sender");
    if sender.is_empty() {
        sender = from.clone();
    }
    let mut reply_to = addrs("Reply-To");
    if reply_to.is_empty() {
        reply_to = from.clone();
    }
    Envelope {
        date: text("Date"),
        subject: text("Subject"),
        from,
        sender,
        reply_to,
        to: addrs("To"),
        cc: addrs("Cc"),
        bcc: addrs("Bcc"),
        in_reply_to: text("In-Reply-To"),
        message_id: text("Message-ID"),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    /// An atom (any run of non-special, non-space characters).
    Atom(Vec<u8>),
    /// A quoted string, unescaped.
    Quoted(Vec<u8>),
    /// A domain literal, raw with its brackets.
    Literal(Vec<u8>),
    /// A comment's text.
    Comment(Vec<u8>),
    /// One of `< > @ , ; : .`.
    Special(u8),
}

/// Tokens, each with whether white space (or a comment) came before it.
fn tokenize(v: &[u8]) -> Vec<(Tok, bool)> {
    let mut out: Vec<(Tok, bool)> = Vec::new();
    let mut i = 0;
    let mut space = false;
    while i < v.len() {
        let c = v[i];
        if matches!(out.last(), Some((Tok::Comment(_), _))) {
            space = true;
        }
        let n = out.len();
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                space = true;
                i += 1;
                continue;
            }
            b'"' => {
                let mut s = Vec::new();
                i += 1;
                while i < v.len() && v[i] != b'"' {
                    if v[i] == b'\\' && i + 1 < v.len() {
                        i += 1;
                    }
                    if v[i] != b'\r' && v[i] != b'\n' {
                        s.push(v[i]);
                    }
                    i += 1;
                }
                i += 1;
                out.push((Tok::Quoted(s), space));
            }
            b'(' => {
                let mut depth = 0usize;
                let mut s = Vec::new();
                while i < v.len() {
                    match v[i] {
                        b'\\' if i + 1 < v.len() => {
                            s.push(v[i + 1]);
                            i += 2;
                            continue;
                        }
                        b'(' => {
                            if depth > 0 {
                                s.push(b'(');
                            }
                            depth += 1;
                        }
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                            s.push(b')');
                        }
                        b'\r' | b'\n' => {}
                        b => s.push(b),
                    }
                    i += 1;
                }
                out.push((Tok::Comment(trim(&s).to_vec()), space));
            }
            b'[' => {
                let start = i;
                while i < v.len() && v[i] != b']' {
                    i += 1;
                }
                i = (i + 1).min(v.len());
                let lit: Vec<u8> = v[start..i]
                    .iter()
                    .copied()
                    .filter(|&b| b != b'\r' && b != b'\n')
                    .collect();
                out.push((Tok::Literal(lit), space));
            }
            b'<' | b'>' | b'@' | b',' | b';' | b':' | b'.' => {
                out.push((Tok::Special(c), space));
                i += 1;
            }
            _ => {
                let start = i;
                while i < v.len()
                    && !matches!(
                        v[i],
                        b' ' | b'\t'
                            | b'\r'
                            | b'\n'
                            | b'"'
                            | b'('
                            | b'['
                            | b'<'
                            | b'>'
                            | b'@'
                            | b','
                            | b';'
                            | b':'
                            | b'.'
                    )
                {
                    i += 1;
                }
                out.push((Tok::Atom(v[start..i].to_vec()), space));
            }
        }
        if out.len() > n {
            space = false;
        }
    }
    out
}

struct Parser {
    toks: Vec<(Tok, bool)>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn peek_special(&self) -> Option<u8> {
        match self.peek() {
            Some(Tok::Special(c)) => Some(*c),
            _ => None,
        }
    }

    /// Words up to (not including) one of `stops`; comments collected separately.
    fn words(&mut self, stops: &[u8], comments: &mut Vec<Vec<u8>>) -> Vec<(Tok, bool)> {
        let mut out = Vec::new();
        while let Some((t, space)) = self.toks.get(self.pos) {
            match t {
                Tok::Special(c) if stops.contains(c) => break,
                Tok::Comment(c) => comments.push(c.clone()),
                t => out.push((t.clone(), *space)),
            }
            self.pos += 1;
        }
        out
    }
}

/// Joins phrase tokens, with one space where the header had white space between them.
fn phrase(toks: &[(Tok, bool)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (t, space) in toks {
        let bytes: &[u8] = match t {
            Tok::Atom(a) | Tok::Quoted(a) | Tok::Literal(a) => a,
            Tok::Special(c) => std::slice::from_ref(c),
            Tok::Comment(_) => continue,
        };
        if !out.is_empty() && *space {
            out.push(b' ');
        }
        out.extend_from_slice(bytes);
    }
    out
}

/// Concatenates addr-spec tokens without spaces (`a . b` is `a.b`).
fn concat(toks: &[(Tok, bool)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (t, _) in toks {
        match t {
            Tok::Atom(a) | Tok::Quoted(a) | Tok::Literal(a) => out.extend_from_slice(a),
            Tok::Special(c) => out.push(*c),
            Tok::Comment(_) => {}
        }
    }
    out
}

fn some_str(b: Vec<u8>) -> Option<Str> {
    if b.is_empty() {
        None
    } else {
        Some(Str::from(b))
    }
}

fn mailbox_address(
    name: Option<Str>,
    adl: Option<Str>,
    local: Vec<u8>,
    domain: Vec<u8>,
) -> Address {
    Address {
        name,
        adl,
        mailbox: Some(if local.is_empty() {
            Str::from_static(MISSING_MAILBOX)
        } else {
            Str::from(local)
        }),
        host: Some(if domain.is_empty() {
            Str::from_static(MISSING_DOMAIN)
        } else {
            Str::from(domain)
        }),
    }
}

/// Parses one mailbox (`name-addr` or `addr-spec`); stops before `,` `;` or the end.
fn parse_mailbox(p: &mut Parser) -> Option<Address> {
    let mut comments = Vec::new();
    let before = p.words(b"<@,;:", &mut comments);
    match p.peek_special() {
        Some(b'<') => {
            p.pos += 1;
            // Optional obsolete route: "@a,@b:".
            let mut route = Vec::new();
            if p.peek_special() == Some(b'@') {
                let save = p.pos;
                let mut r = Vec::new();
                while let Some(t) = p.peek() {
                    if matches!(t, Tok::Special(b':')) {
                        break;
                    }
                    if matches!(t, Tok::Special(b'>')) {
                        r.clear();
                        break;
                    }
                    r.push((t.clone(), false));
                    p.pos += 1;
                }
                if p.peek_special() == Some(b':') {
                    p.pos += 1;
                    route = concat(&r);
                } else {
                    p.pos = save;
                }
            }
            let mut ignored = Vec::new();
            let local = p.words(b"@>,;", &mut ignored);
            let domain = if p.peek_special() == Some(b'@') {
                p.pos += 1;
                p.words(b">,;", &mut ignored)
            } else {
                Vec::new()
            };
            if p.peek_special() == Some(b'>') {
                p.pos += 1;
            }
            // Anything after '>' up to the separator (comments) is ignored.
            let _ = p.words(b",;", &mut ignored);
            let name = some_str(phrase(&before));
            Some(mailbox_address(
                name,
                some_str(route),
                concat(&local),
                concat(&domain),
            ))
        }
        Some(b'@') => {
            p.pos += 1;
            let domain = p.words(b",;<", &mut comments);
            let name = comments.last().cloned().and_then(some_str);
            Some(mailbox_address(
                name,
                None,
                concat(&before),
                concat(&domain),
            ))
        }
        _ => {
            if before.is_empty() {
                return None;
            }
            // A bare word: a local part without a domain.
            let name = comments.last().cloned().and_then(some_str);
            Some(mailbox_address(name, None, concat(&before), Vec::new()))
        }
    }
}

/// Parses an RFC 5322 `address-list` into ENVELOPE addresses, with group markers.
pub(crate) fn parse_address_list(raw: &[u8]) -> Vec<Address> {
    let toks = tokenize(&unfold(raw));
    let mut p = Parser { toks, pos: 0 };
    let mut out = Vec::new();
    while p.pos < p.toks.len() {
        if matches!(p.peek_special(), Some(b',' | b';')) {
            p.pos += 1;
            continue;
        }
        // A group: phrase ":" [mailbox-list] ";".
        let start = p.pos;
        let mut comments = Vec::new();
        let before = p.words(b"<@,;:", &mut comments);
        if p.peek_special() == Some(b':') {
            p.pos += 1;
            out.push(Address {
                name: None,
                adl: None,
                mailbox: Some(Str::from(phrase(&before))),
                host: None,
            });
            while p.pos < p.toks.len() && p.peek_special() != Some(b';') {
                if p.peek_special() == Some(b',') {
                    p.pos += 1;
                    continue;
                }
                let at = p.pos;
                if let Some(a) = parse_mailbox(&mut p) {
                    out.push(a);
                }
                if p.pos == at {
                    p.pos += 1;
                }
            }
            if p.peek_special() == Some(b';') {
                p.pos += 1;
            }
            out.push(Address::default());
            continue;
        }
        p.pos = start;
        let at = p.pos;
        if let Some(a) = parse_mailbox(&mut p) {
            out.push(a);
        }
        if p.pos == at {
            p.pos += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(name: Option<&str>, mailbox: &str, host: &str) -> Address {
        Address {
            name: name.map(Str::from),
            adl: None,
            mailbox: Some(Str::from(mailbox)),
            host: Some(Str::from(host)),
        }
    }

    #[test]
    fn simple_forms() {
        assert_eq!(
            parse_address_list(b" \"Doe, John\" <john@example.com>, jane@example.org (Jane D)"),
            vec![
                a(Some("Doe, John"), "john", "example.com"),
                a(Some("Jane D"), "jane", "example.org"),
            ]
        );
        assert_eq!(
            parse_address_list(b"John Q. Public <JQP@x.test>"),
            vec![a(Some("John Q. Public"), "JQP", "x.test")]
        );
        assert_eq!(parse_address_list(b"<a@b>"), vec![a(None, "a", "b")]);
        assert_eq!(parse_address_list(b""), vec![]);
    }

    #[test]
    fn encoded_words_stay_raw() {
        let l = parse_address_list(b"=?utf-8?q?J=C3=B6rg?= <j@x.de>");
        assert_eq!(
            l[0].name.as_ref().unwrap().as_bytes(),
            b"=?utf-8?q?J=C3=B6rg?="
        );
    }

    #[test]
    fn groups_and_routes() {
        let l = parse_address_list(b"undisclosed-recipients:;");
        assert_eq!(l.len(), 2);
        assert_eq!(
            l[0].mailbox.as_ref().unwrap().as_bytes(),
            b"undisclosed-recipients"
        );
        assert_eq!(l[0].host, None);
        assert_eq!(l[1], Address::default());
        let l = parse_address_list(b"A Group: a@x, \"B\" <b@y>; c@z");
        assert_eq!(l.len(), 5);
        assert_eq!(l[2].name.as_ref().unwrap().as_bytes(), b"B");
        assert_eq!(l[4].email().unwrap(), "c@z");
        let l = parse_address_list(b"<@relay.test,@r2.test:joe@x.test>");
        assert_eq!(
            l[0].adl.as_ref().unwrap().as_bytes(),
            b"@relay.test,@r2.test"
        );
        assert_eq!(l[0].email().unwrap(), "joe@x.test");
    }

    #[test]
    fn broken_input_does_not_panic() {
        for raw in [
            &b"<"[..],
            b"@",
            b"a@",
            b"\"unterminated",
            b"(((",
            b"x: y",
            b",,;;",
            b"<a@b",
            b"[1.2",
        ] {
            let _ = parse_address_list(raw);
        }
        assert_eq!(
            parse_address_list(b"localonly"),
            vec![a(None, "localonly", MISSING_DOMAIN)]
        );
    }

    #[test]
    fn envelope_defaults() {
        let h =
            HeaderBlock::new(b"From: a@x\r\nSubject:\r\nMessage-ID: <1@x>\r\nReply-To:\r\n\r\n");
        let e = envelope(&h);
        assert_eq!(e.subject, Some(Str::from("")));
        assert_eq!(e.date, None);
        assert_eq!(e.sender, e.from);
        assert_eq!(e.reply_to, e.from);
        assert_eq!(e.message_id.unwrap().as_bytes(), b"<1@x>");
        assert!(e.to.is_empty());
    }
}
