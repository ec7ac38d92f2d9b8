//! ENVELOPE (RFC 9051 section 7.5.2, `envelope` in section 9).

use super::core::{byte, fail, lenient, nstring, peek, sp, sp_or_missing, take_while0};
use super::{Input, PResult};
use crate::types::{Address, Envelope};

// envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to SP
//            env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")" (RFC 9051 section 9)
/// An envelope.
pub(super) fn envelope(i: &mut Input<'_>) -> PResult<Envelope> {
    byte(i, b'(', "envelope")?;
    let date = nstring(i)?;
    sp(i)?;
    let subject = nstring(i)?;
    sp(i)?;
    let from = address_list(i)?;
    sp(i)?;
    let sender = address_list(i)?;
    sp(i)?;
    let reply_to = address_list(i)?;
    sp(i)?;
    let to = address_list(i)?;
    sp(i)?;
    let cc = address_list(i)?;
    sp(i)?;
    let bcc = address_list(i)?;
    sp(i)?;
    let in_reply_to = nstring(i)?;
    sp(i)?;
    let message_id = nstring(i)?;
    if lenient(i) {
        take_while0(i, |b| b == b' ');
    }
    byte(i, b')', "end of envelope")?;
    Ok(Envelope {
        date,
        subject,
        from,
        sender,
        reply_to,
        to,
        cc,
        bcc,
        in_reply_to,
        message_id,
    })
}

// env-from = "(" 1*address ")" / nil (likewise the other address lists; RFC 9051 section 9).
// Tolerated: an empty list `()`, and spaces between addresses.
fn address_list(i: &mut Input<'_>) -> PResult<Vec<Address>> {
    match peek(i) {
        Some(b'(') => {
            byte(i, b'(', "(")?;
            let mut out = Vec::with_capacity(1);
            loop {
                if lenient(i) {
                    take_while0(i, |b| b == b' ');
                }
                match peek(i) {
                    Some(b')') if !out.is_empty() || lenient(i) => {
                        byte(i, b')', ")")?;
                        return Ok(out);
                    }
                    Some(b'(') => out.push(address(i)?),
                    _ => return fail(i, "address"),
                }
            }
        }
        _ => super::core::nil(i).map(|()| Vec::new()),
    }
}

// address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")" (RFC 9051 section 9)
fn address(i: &mut Input<'_>) -> PResult<Address> {
    byte(i, b'(', "address")?;
    let name = nstring(i)?;
    sp(i)?;
    let adl = nstring(i)?;
    sp(i)?;
    let mailbox = nstring(i)?;
    sp_or_missing(i)?;
    let host = nstring(i)?;
    if lenient(i) {
        take_while0(i, |b| b == b' ');
    }
    byte(i, b')', "end of address")?;
    Ok(Address {
        name,
        adl,
        mailbox,
        host,
    })
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
    fn empty_address_list_is_tolerated() {
        let b = b"(NIL NIL () NIL NIL NIL NIL NIL NIL NIL)";
        assert!(run_on(b, false, envelope).is_ok());
        assert!(run_on(b, true, envelope).is_err());
    }
}
