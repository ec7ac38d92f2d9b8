//! ENVELOPE (RFC 9051 section 7.5.2, `envelope` in section 9).

use super::core::{
    advance, at_nil, byte, fail, lenient, next_is_close, nstring, peek, sp, sp_or_missing,
    take_while0,
};
use super::{Input, PResult};
use crate::types::{Address, Envelope};

// envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to SP
//            env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")" (RFC 9051 section 9)
/// An envelope, built in its box (it is large; moving it in would copy it).
pub(super) fn envelope(i: &mut Input<'_>) -> PResult<Box<Envelope>> {
    byte(i, b'(', "envelope")?;
    let mut env = Box::<Envelope>::default();
    env.date = nstring(i)?;
    sp(i)?;
    env.subject = nstring(i)?;
    sp(i)?;
    let from_start: &[u8] = i.input;
    address_list(i, &mut env.from)?;
    let from_raw = &from_start[..from_start.len() - i.input.len()];
    sp(i)?;
    if !repeated_list(i, from_raw, &env.from, &mut env.sender) {
        address_list(i, &mut env.sender)?;
    }
    sp(i)?;
    if !repeated_list(i, from_raw, &env.from, &mut env.reply_to) {
        address_list(i, &mut env.reply_to)?;
    }
    sp(i)?;
    address_list(i, &mut env.to)?;
    sp(i)?;
    address_list(i, &mut env.cc)?;
    sp(i)?;
    address_list(i, &mut env.bcc)?;
    if !closes_early(i) {
        sp(i)?;
        env.in_reply_to = nstring(i)?;
        if !closes_early(i) {
            sp(i)?;
            env.message_id = nstring(i)?;
        }
    }
    if lenient(i) {
        take_while0(i, |b| b == b' ');
    }
    byte(i, b')', "end of envelope")?;
    Ok(env)
}

/// Tolerated: an envelope that ends after `env-bcc` or `env-in-reply-to` (imap.qq.com sends
/// nine fields, jstedfast/MailKit#669 and #279; another server with GBK subjects eight,
/// MailKit#932); the missing fields are NIL.
fn closes_early(i: &Input<'_>) -> bool {
    lenient(i) && next_is_close(i)
}

// env-from = "(" 1*address ")" / nil (likewise the other address lists; RFC 9051 section 9).
// Tolerated: an empty list `()`, spaces between addresses, and `NIL` in place of an address,
// skipped (`(NIL ({123}...` from the server in jstedfast/MailKit#991).
/// Servers repeat the From list as Sender and Reply-To when those headers are absent (RFC 3501
/// section 7.4.2): when the input starts with the very bytes of the From list, `from` (what
/// they parsed to) is cloned into `out` and they are skipped, instead of being parsed again.
/// Only for a parenthesized list, whose end does not depend on the byte after it.
fn repeated_list(
    i: &mut Input<'_>,
    from_raw: &[u8],
    from: &[Address],
    out: &mut Vec<Address>,
) -> bool {
    if from_raw.first() != Some(&b'(') || !i.input.starts_with(from_raw) {
        return false;
    }
    out.extend_from_slice(from);
    advance(i, from_raw.len());
    true
}

/// The capacity of an address list that holds more than one address.
const FEW_ADDRESSES: usize = 4;

/// An address list into `out` (empty, as `Envelope::default()` leaves it).
fn address_list(i: &mut Input<'_>, out: &mut Vec<Address>) -> PResult<()> {
    match peek(i) {
        Some(b'(') => {
            byte(i, b'(', "(")?;
            loop {
                if lenient(i) {
                    take_while0(i, |b| b == b' ');
                }
                match peek(i) {
                    Some(b')') if !out.is_empty() || lenient(i) => {
                        byte(i, b')', ")")?;
                        return Ok(());
                    }
                    Some(b'N' | b'n') if lenient(i) && at_nil(i) => {
                        advance(i, 3);
                    }
                    Some(b'(') if out.is_empty() => {
                        // The first address decides the capacity: one when the list ends
                        // after it (From, Sender, Reply-To), else room for a few, so that a
                        // list of two to four addresses is allocated once, not grown.
                        let mut first = Address::default();
                        address(i, &mut first)?;
                        let more = i.input.iter().find(|&&b| b != b' ') == Some(&b'(');
                        out.reserve_exact(if more { FEW_ADDRESSES } else { 1 });
                        out.push(first);
                    }
                    Some(b'(') => {
                        // Filled in place: an address is too large to move cheaply.
                        out.push(Address::default());
                        let last = out.len() - 1;
                        address(i, &mut out[last])?;
                    }
                    _ => return fail(i, "address"),
                }
            }
        }
        _ => super::core::nil(i),
    }
}

// address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")" (RFC 9051 section 9)
/// An address into `a` (all `None`).
fn address(i: &mut Input<'_>, a: &mut Address) -> PResult<()> {
    byte(i, b'(', "address")?;
    a.name = nstring(i)?;
    sp(i)?;
    a.adl = nstring(i)?;
    sp(i)?;
    a.mailbox = nstring(i)?;
    sp_or_missing(i)?;
    a.host = nstring(i)?;
    if lenient(i) {
        take_while0(i, |b| b == b' ');
    }
    byte(i, b')', "end of address")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::core::testing::run_on;
    use super::*;

    #[test]
    fn rfc_example_envelope() {
        let b = b"(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\")";
        let (e, rest) = run_on(b, true, envelope).unwrap();
        assert!(rest.is_empty());
        assert_eq!(e.cc.len(), 2);
        assert_eq!(
            e.from[0].email().as_deref(),
            Some("gray@cac.washington.edu")
        );
        assert!(e.bcc.is_empty());
    }

    #[test]
    fn repeated_from_list_parses_like_the_original() {
        let from = "((\"A \\\"B\\\"\" NIL \"a\" \"x.org\")(NIL NIL \"c\" \"y.org\"))";
        for (sender, reply_to) in [
            (from, from),
            (from, "NIL"),
            ("((NIL NIL \"c\" \"y.org\"))", from),
            ("((\"A \\\"B\\\"\" NIL \"a\" \"x.org\"))", "()"),
        ] {
            let src = format!("(NIL NIL {from} {sender} {reply_to} NIL NIL NIL NIL NIL)");
            for strict in [false, true] {
                let parsed = run_on(src.as_bytes(), strict, envelope);
                if strict && reply_to == "()" {
                    assert!(parsed.is_err());
                    continue;
                }
                let (e, rest) = parsed.unwrap();
                assert!(rest.is_empty());
                // The same as parsing each list on its own.
                let list = |s: &str| {
                    let mut out = Vec::new();
                    run_on(s.as_bytes(), strict, |i| address_list(i, &mut out)).unwrap();
                    out
                };
                assert_eq!(e.from, list(from));
                assert_eq!(e.sender, list(sender));
                assert_eq!(e.reply_to, list(reply_to));
                assert_eq!(e.from[0].name.as_ref().unwrap().as_bytes(), b"A \"B\"");
            }
        }
    }

    #[test]
    fn empty_address_list_is_tolerated() {
        let b = b"(NIL NIL () NIL NIL NIL NIL NIL NIL NIL)";
        assert!(run_on(b, false, envelope).is_ok());
        assert!(run_on(b, true, envelope).is_err());
    }
}
