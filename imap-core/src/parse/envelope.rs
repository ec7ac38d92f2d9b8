//! ENVELOPE (RFC 9051 section 7.5.2, `envelope` in section 9), written into a node table
//! ([`crate::types::packed`]).

use super::core::{
    advance, at_nil, byte, fail, lenient, next_is_close, peek, sp, sp_or_missing, take_while0,
};
use super::packed::Out;
use super::strings::nstring;
use super::{Input, PResult};
use crate::types::packed::kind;

// envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to SP
//            env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")" (RFC 9051 section 9)
/// An envelope: a list header and its ten fields.
pub(super) fn envelope(i: &mut Input<'_>, out: &mut Out<'_>) -> PResult<()> {
    byte(i, b'(', "envelope")?;
    let at = out.tape.open(kind::LIST);
    nstring(i, out)?;
    sp(i)?;
    nstring(i, out)?;
    sp(i)?;
    let from_start: &[u8] = i.input;
    let from_nodes = out.tape.len();
    address_list(i, out)?;
    let from_raw = &from_start[..from_start.len() - i.input.len()];
    let from_nodes = from_nodes..out.tape.len();
    sp(i)?;
    if !repeated_list(i, from_raw, from_nodes.clone(), out) {
        address_list(i, out)?;
    }
    sp(i)?;
    if !repeated_list(i, from_raw, from_nodes, out) {
        address_list(i, out)?;
    }
    sp(i)?;
    address_list(i, out)?;
    sp(i)?;
    address_list(i, out)?;
    sp(i)?;
    address_list(i, out)?;
    if closes_early(i) {
        out.tape.nil();
        out.tape.nil();
    } else {
        sp(i)?;
        nstring(i, out)?;
        if closes_early(i) {
            out.tape.nil();
        } else {
            sp(i)?;
            nstring(i, out)?;
        }
    }
    if lenient(i) {
        take_while0(i, |b| b == b' ');
    }
    byte(i, b')', "end of envelope")?;
    out.tape.close(at, 0);
    Ok(())
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
/// section 7.4.2): when the input starts with the very bytes of the From list, the nodes From
/// was written as (`from_nodes`) are written again, pointing at the same bytes, and the list
/// is skipped instead of being parsed again. Only for a parenthesized list, whose end does not
/// depend on the byte after it.
fn repeated_list(
    i: &mut Input<'_>,
    from_raw: &[u8],
    from_nodes: std::ops::Range<usize>,
    out: &mut Out<'_>,
) -> bool {
    if from_raw.first() != Some(&b'(') || !i.input.starts_with(from_raw) {
        return false;
    }
    out.tape.repeat(from_nodes.start, from_nodes.end);
    advance(i, from_raw.len());
    true
}

/// An address list: a list header and four strings an address, or `NIL`.
fn address_list(i: &mut Input<'_>, out: &mut Out<'_>) -> PResult<()> {
    match peek(i) {
        Some(b'(') => {
            byte(i, b'(', "(")?;
            let at = out.tape.open(kind::LIST);
            let mut n = 0usize;
            loop {
                if lenient(i) {
                    take_while0(i, |b| b == b' ');
                }
                match peek(i) {
                    Some(b')') if n > 0 || lenient(i) => {
                        byte(i, b')', ")")?;
                        out.tape.close(at, 0);
                        return Ok(());
                    }
                    Some(b'N' | b'n') if lenient(i) && at_nil(i) => {
                        advance(i, 3);
                    }
                    Some(b'(') => {
                        address(i, out)?;
                        n += 1;
                    }
                    _ => return fail(i, "address"),
                }
            }
        }
        _ => {
            super::core::nil(i)?;
            out.tape.nil();
            Ok(())
        }
    }
}

// address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")" (RFC 9051 section 9)
/// An address: its four fields.
fn address(i: &mut Input<'_>, out: &mut Out<'_>) -> PResult<()> {
    byte(i, b'(', "address")?;
    nstring(i, out)?;
    sp(i)?;
    nstring(i, out)?;
    sp(i)?;
    nstring(i, out)?;
    sp_or_missing(i)?;
    nstring(i, out)?;
    if lenient(i) {
        take_while0(i, |b| b == b' ');
    }
    byte(i, b')', "end of address")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::core::testing::run_on;
    use super::super::packed::fetched_envelope;
    use crate::types::{Address, Envelope};

    fn parse(b: &[u8], strict: bool) -> Result<Envelope, String> {
        run_on(b, strict, fetched_envelope).map(|(e, rest)| {
            assert!(rest.is_empty());
            e.to_envelope()
        })
    }

    #[test]
    fn rfc_example_envelope() {
        let b = b"(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\")";
        let (packed, rest) = run_on(b, true, fetched_envelope).unwrap();
        assert!(rest.is_empty());
        let e = packed.to_envelope();
        assert_eq!(e.cc.len(), 2);
        assert_eq!(
            e.from[0].email().as_deref(),
            Some("gray@cac.washington.edu")
        );
        assert!(e.bcc.is_empty());
        // The accessors read the same fields without building the whole envelope.
        assert_eq!(packed.subject(), e.subject);
        assert_eq!(packed.cc().collect::<Vec<_>>(), e.cc);
        assert_eq!(packed.message_id(), e.message_id);
        assert_eq!(packed.bcc().len(), 0);
        // One node a field, a list header, four an address: no string was copied.
        assert_eq!(packed.raw().as_ref(), &b[..]);
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
                let parsed = parse(src.as_bytes(), strict);
                if strict && reply_to == "()" {
                    assert!(parsed.is_err());
                    continue;
                }
                let e = parsed.unwrap();
                // The same as each list read as the From list of an envelope of its own.
                let list = |s: &str| -> Vec<Address> {
                    let alone = format!("(NIL NIL {s} NIL NIL NIL NIL NIL NIL NIL)");
                    parse(alone.as_bytes(), false).unwrap().from
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
        assert!(parse(b, false).is_ok());
        assert!(parse(b, true).is_err());
    }

    #[test]
    fn an_early_end_reads_the_missing_fields_as_nil() {
        let b = b"(NIL \"s\" NIL NIL NIL NIL NIL NIL \"<r>\")";
        let e = parse(b, false).unwrap();
        assert_eq!(e.in_reply_to.unwrap().as_bytes(), b"<r>");
        assert_eq!(e.message_id, None);
        assert!(parse(b, true).is_err());
    }
}
