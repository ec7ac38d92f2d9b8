//! SORT (RFC 5256, with RFC 5957's DISPLAYFROM and DISPLAYTO) and the base subject extraction
//! that SORT SUBJECT and THREAD use.

use crate::mime::decode_header_text;
use crate::store::MessageSnapshot;
use imap_core::types::{Address, SortCriterion, SortKey, Uid};
use std::cmp::Ordering;

/// The base subject of a subject (RFC 5256 section 2.1), upper-cased for the `i;ascii-casemap`
/// comparison, and whether extracting it removed a reply or forward marker.
pub fn base_subject(subject: &str) -> (String, bool) {
    // (1) Tabs and continuations to space, runs of spaces to one.
    let mut s = String::with_capacity(subject.len());
    for c in subject.chars() {
        let c = if matches!(c, '\t' | '\r' | '\n') {
            ' '
        } else {
            c
        };
        if c == ' ' && s.ends_with(' ') {
            continue;
        }
        s.push(c);
    }
    let mut reply = false;
    loop {
        // (2) Trailers: "(fwd)" and white space.
        loop {
            if s.ends_with(' ') {
                s.pop();
            } else if s.len() >= 5 && s.as_bytes()[s.len() - 5..].eq_ignore_ascii_case(b"(fwd)") {
                s.truncate(s.len() - 5);
                reply = true;
            } else {
                break;
            }
        }
        // (3)-(5) Leaders and blobs.
        loop {
            let before = s.len();
            loop {
                if s.starts_with(' ') {
                    s.remove(0);
                } else if let Some(n) = refwd_leader(&s) {
                    s.drain(..n);
                    reply = true;
                } else {
                    break;
                }
            }
            if let Some(n) = blob(&s)
                && !s[n..].trim().is_empty()
            {
                s.drain(..n);
            }
            if s.len() == before {
                break;
            }
        }
        // (6) "[fwd: ... ]".
        if s.len() >= 6 && s.as_bytes()[..5].eq_ignore_ascii_case(b"[fwd:") && s.ends_with(']') {
            s = s[5..s.len() - 1].to_owned();
            reply = true;
            continue;
        }
        break;
    }
    (s.to_ascii_uppercase(), reply)
}

/// Length of a `subj-blob` at the start of `s`: `[` non-bracket characters `]` and white space.
fn blob(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() != Some(&b'[') {
        return None;
    }
    let close = b[1..].iter().position(|&c| c == b']' || c == b'[')? + 1;
    if b[close] != b']' {
        return None;
    }
    let mut n = close + 1;
    while n < b.len() && (b[n] == b' ' || b[n] == b'\t') {
        n += 1;
    }
    Some(n)
}

/// Length of `*subj-blob subj-refwd` at the start of `s`.
fn refwd_leader(s: &str) -> Option<usize> {
    let mut n = 0;
    while let Some(k) = blob(&s[n..]) {
        n += k;
    }
    let rest = &s.as_bytes()[n..];
    let word = if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"fwd") {
        3
    } else if rest.len() >= 2
        && (rest[..2].eq_ignore_ascii_case(b"re") || rest[..2].eq_ignore_ascii_case(b"fw"))
    {
        2
    } else {
        return None;
    };
    let mut i = n + word;
    let b = s.as_bytes();
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    if let Some(k) = blob(&s[i..]) {
        i += k;
    }
    (b.get(i) == Some(&b':')).then_some(i + 1)
}

/// The sent date (RFC 5256 section 2.2) in Unix seconds: the Date header, or INTERNALDATE when
/// it is missing or unparsable.
pub fn sent_date(m: &MessageSnapshot) -> i64 {
    m.parsed()
        .sent_date()
        .map_or_else(|| m.internal_date.unix_timestamp(), |(_, ts)| ts)
}

/// The subject header decoded, or empty.
pub(crate) fn subject(m: &MessageSnapshot) -> String {
    m.parsed()
        .header_value("Subject")
        .map(|v| decode_header_text(&v))
        .unwrap_or_default()
}

fn first_address(list: &[Address]) -> Option<&Address> {
    list.iter().find(|a| a.host.is_some())
}

fn addr_mailbox(list: &[Address]) -> String {
    first_address(list)
        .and_then(|a| a.mailbox.as_ref())
        .map(|m| m.to_string_lossy().to_ascii_uppercase())
        .unwrap_or_default()
}

fn display(list: &[Address]) -> String {
    let Some(a) = first_address(list) else {
        return String::new();
    };
    match &a.name {
        Some(n) if !n.is_empty() => decode_header_text(n.as_bytes()).to_uppercase(),
        _ => a.email().unwrap_or_default().to_uppercase(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    Num(i64),
    Text(String),
}

fn value(m: &MessageSnapshot, key: SortKey) -> Value {
    let env = || m.parsed().envelope();
    match key {
        SortKey::Arrival => Value::Num(m.internal_date.unix_timestamp()),
        SortKey::Date => Value::Num(sent_date(m)),
        SortKey::Size => Value::Num(m.size() as i64),
        SortKey::Cc => Value::Text(addr_mailbox(&env().cc)),
        SortKey::From => Value::Text(addr_mailbox(&env().from)),
        SortKey::To => Value::Text(addr_mailbox(&env().to)),
        SortKey::Subject => Value::Text(base_subject(&subject(m)).0),
        SortKey::DisplayFrom => Value::Text(display(&env().from)),
        SortKey::DisplayTo => Value::Text(display(&env().to)),
        _ => Value::Num(0),
    }
}

/// Sorts messages (given in sequence order) by the criteria; ties keep sequence order.
pub fn sort(msgs: &[(u32, MessageSnapshot)], criteria: &[SortCriterion]) -> Vec<Uid> {
    let mut rows: Vec<(Vec<Value>, u32, Uid)> = msgs
        .iter()
        .map(|(seq, m)| {
            (
                criteria.iter().map(|c| value(m, c.key)).collect(),
                *seq,
                m.uid,
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        for (i, c) in criteria.iter().enumerate() {
            let o = a.0[i].cmp(&b.0[i]);
            let o = if c.reverse { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        a.1.cmp(&b.1)
    });
    rows.into_iter().map(|r| r.2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_subjects() {
        let cases = [
            ("Re: hello", "HELLO", true),
            ("RE: Re: re:hello", "HELLO", true),
            ("Fwd: [list] Re: hello (fwd)", "HELLO", true),
            ("[list] hello", "HELLO", false),
            ("[list]", "[LIST]", false),
            ("[Fwd: Re: hello]", "HELLO", true),
            ("  hello   world  ", "HELLO WORLD", false),
            ("Re [x]: hi", "HI", true),
            ("Reply: hi", "REPLY: HI", false),
            ("[a][b] Re: x", "X", true),
            ("", "", false),
            ("Ünïcode", "ÜNïCODE", false),
        ];
        for (input, base, reply) in cases {
            assert_eq!(base_subject(input), (base.to_owned(), reply), "{input:?}");
        }
    }
}

#[cfg(test)]
mod sort_tests {
    use super::*;
    use crate::search::tests::snap;
    use crate::seed::utc;
    use imap_core::types::SortKey as K;

    fn m(seq: u32, headers: &str, day: u8, size_pad: usize) -> (u32, MessageSnapshot) {
        let raw = format!("{headers}\r\n\r\n{}\r\n", "x".repeat(size_pad));
        (
            seq,
            snap(
                seq * 10,
                raw,
                vec![],
                utc(2024, 1, 10 - day, 0, 0),
                false,
                1,
            ),
        )
    }

    fn msgs() -> Vec<(u32, MessageSnapshot)> {
        vec![
            m(
                1,
                "Subject: Fwd: c (fwd)\r\nDate: Wed, 3 Jan 2024 00:00:00 +0000\r\nFrom: zed@x\r\nTo: amy@x\r\nCc: Bob <bob@x>",
                1,
                50,
            ),
            m(
                2,
                "Subject: C\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nFrom: \"Yves\" <amy@x>\r\nTo: zed@x",
                2,
                10,
            ),
            m(
                3,
                "Subject: Re: B\r\nDate: Fri, 5 Jan 2024 00:00:00 +0000\r\nFrom: bea@x\r\nTo: Cy <cy@x>\r\nCc: al@x",
                3,
                40,
            ),
            m(
                4,
                "Subject: b\r\nDate: Thu, 4 Jan 2024 18:00:00 -0500\r\nFrom: Al <zz@x>",
                4,
                30,
            ),
            m(5, "Subject: [list] a\r\nFrom: cy@x", 5, 20),
        ]
    }

    fn run(criteria: &[(bool, K)]) -> Vec<u32> {
        let c: Vec<SortCriterion> = criteria
            .iter()
            .map(|&(reverse, key)| SortCriterion { reverse, key })
            .collect();
        sort(&msgs(), &c)
            .into_iter()
            .map(|u| u.get() / 10)
            .collect()
    }

    #[test]
    fn rfc5256_examples() {
        assert_eq!(run(&[(false, K::Subject)]), [5, 3, 4, 1, 2]);
        assert_eq!(
            run(&[(false, K::Subject), (true, K::Date)]),
            [5, 3, 4, 1, 2]
        );
        assert_eq!(
            run(&[(false, K::Subject), (false, K::Date)]),
            [5, 4, 3, 2, 1]
        );
        // REVERSE reverses one criterion only: ties stay in sequence order.
        assert_eq!(run(&[(true, K::Subject)]), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn every_key() {
        // Message 5 has no Date: its INTERNALDATE (5 Jan 00:00) is used, the same instant as
        // message 3's Date, so sequence order decides; 4 is 4 Jan 23:00 UTC.
        assert_eq!(run(&[(false, K::Date)]), [2, 1, 4, 3, 5]);
        assert_eq!(run(&[(false, K::Arrival)]), [5, 4, 3, 2, 1]);
        assert_eq!(run(&[(true, K::Arrival)]), [1, 2, 3, 4, 5]);
        let mut by_size: Vec<(u64, u32)> = msgs().iter().map(|(s, m)| (m.size(), *s)).collect();
        by_size.sort();
        let by_size: Vec<u32> = by_size.into_iter().map(|(_, s)| s).collect();
        assert_eq!(run(&[(false, K::Size)]), by_size);
        assert_eq!(run(&[(false, K::From)]), [2, 3, 5, 1, 4]);
        assert_eq!(run(&[(false, K::To)]), [4, 5, 1, 3, 2]);
        assert_eq!(run(&[(false, K::Cc)]), [2, 4, 5, 3, 1]);
        assert_eq!(run(&[(false, K::DisplayFrom)]), [4, 3, 5, 2, 1]);
        assert_eq!(run(&[(false, K::DisplayTo)]), [4, 5, 1, 3, 2]);
    }
}
