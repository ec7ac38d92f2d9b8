//! [`FetchedEnvelope`]: an ENVELOPE as received, read through accessors.

use super::tape::{Cursor, kind};
use super::writer::PlainWriter;
use crate::types::{Address, Envelope, Str};
use bytes::Bytes;
use std::fmt;

/// An `envelope` (RFC 9051 section 7.5.2) as a FETCH response carried it: its bytes, shared
/// with the received unit, and a table of where each field lies in them. Reading a field
/// decodes it then; [`FetchedEnvelope::to_envelope`] gives every field at once as an
/// [`Envelope`]. `Debug` and equality are those of that [`Envelope`].
///
/// ```
/// use imap_core::types::{Address, Envelope, FetchedEnvelope, Str};
///
/// let env = FetchedEnvelope::new(&Envelope {
///     subject: Some(Str::from("Hi")),
///     from: vec![Address {
///         mailbox: Some(Str::from("a")),
///         host: Some(Str::from("x.org")),
///         ..Address::default()
///     }],
///     ..Envelope::default()
/// });
/// assert_eq!(env.subject(), Some(Str::from("Hi")));
/// assert_eq!(env.from().next().unwrap().email().as_deref(), Some("a@x.org"));
/// assert_eq!(env.to().len(), 0);
/// ```
#[derive(Clone)]
pub struct FetchedEnvelope {
    raw: Bytes,
    table: Box<[u8]>,
}

/// The fields of an envelope, in their order on the wire.
#[derive(Clone, Copy)]
enum Field {
    Date,
    Subject,
    From,
    Sender,
    ReplyTo,
    To,
    Cc,
    Bcc,
    InReplyTo,
    MessageId,
}

impl FetchedEnvelope {
    /// The packed form of `e`, its strings copied into one buffer (what a server sends; also
    /// `e.into()`).
    pub fn new(e: &Envelope) -> FetchedEnvelope {
        let mut w = PlainWriter::default();
        write(&mut w, e);
        let (raw, table) = w.finish();
        FetchedEnvelope { raw, table }
    }

    /// A value over `raw` with the table `table` (which the parser or the plain writer wrote
    /// for these bytes).
    pub(crate) fn from_parts(raw: Bytes, table: Box<[u8]>) -> FetchedEnvelope {
        FetchedEnvelope { raw, table }
    }

    fn field(&self, f: Field) -> Cursor<'_> {
        let mut c = Cursor::new(&self.raw, &self.table, 0);
        c.open(kind::LIST);
        for _ in 0..f as usize {
            c.skip();
        }
        c
    }

    fn addresses(&self, f: Field) -> Addresses<'_> {
        let mut c = self.field(f);
        let mut left = 0;
        if c.open(kind::LIST).is_some() {
            // Four strings an address.
            let mut count = c.clone();
            while !count.end() {
                for _ in 0..4 {
                    count.skip();
                }
                left += 1;
            }
        }
        Addresses { cursor: c, left }
    }

    /// `Date:` header, unparsed.
    pub fn date(&self) -> Option<Str> {
        self.field(Field::Date).string()
    }

    /// `Subject:` header.
    pub fn subject(&self) -> Option<Str> {
        self.field(Field::Subject).string()
    }

    /// `From:` addresses.
    pub fn from(&self) -> Addresses<'_> {
        self.addresses(Field::From)
    }

    /// `Sender:` addresses.
    pub fn sender(&self) -> Addresses<'_> {
        self.addresses(Field::Sender)
    }

    /// `Reply-To:` addresses.
    pub fn reply_to(&self) -> Addresses<'_> {
        self.addresses(Field::ReplyTo)
    }

    /// `To:` addresses.
    pub fn to(&self) -> Addresses<'_> {
        self.addresses(Field::To)
    }

    /// `Cc:` addresses.
    pub fn cc(&self) -> Addresses<'_> {
        self.addresses(Field::Cc)
    }

    /// `Bcc:` addresses.
    pub fn bcc(&self) -> Addresses<'_> {
        self.addresses(Field::Bcc)
    }

    /// `In-Reply-To:` header.
    pub fn in_reply_to(&self) -> Option<Str> {
        self.field(Field::InReplyTo).string()
    }

    /// `Message-ID:` header.
    pub fn message_id(&self) -> Option<Str> {
        self.field(Field::MessageId).string()
    }

    /// Every field, as an [`Envelope`].
    pub fn to_envelope(&self) -> Envelope {
        read(&mut Cursor::new(&self.raw, &self.table, 0))
    }

    /// The bytes the fields are read from (the envelope as received, or the strings of a value
    /// made from an [`Envelope`]).
    pub fn raw(&self) -> &Bytes {
        &self.raw
    }

    /// Heap bytes this value holds beside the shared bytes: its table.
    pub fn table_bytes(&self) -> usize {
        self.table.len()
    }
}

/// Reads an envelope written by [`write`] or the parser, from its list header on.
pub(crate) fn read(c: &mut Cursor<'_>) -> Envelope {
    c.open(kind::LIST);
    let date = c.string();
    let subject = c.string();
    let mut list = || c.list(address);
    let (from, sender, reply_to, to, cc, bcc) = (list(), list(), list(), list(), list(), list());
    let in_reply_to = c.string();
    let message_id = c.string();
    c.end();
    Envelope {
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
    }
}

fn address(c: &mut Cursor<'_>) -> Address {
    Address {
        name: c.string(),
        adl: c.string(),
        mailbox: c.string(),
        host: c.string(),
    }
}

/// Writes `e` in the schema [`read`] reads.
pub(crate) fn write(w: &mut PlainWriter, e: &Envelope) {
    let at = w.tape.open(kind::LIST);
    w.nstring(&e.date);
    w.nstring(&e.subject);
    for list in [&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc] {
        let l = w.tape.open(kind::LIST);
        for a in list {
            for s in [&a.name, &a.adl, &a.mailbox, &a.host] {
                w.nstring(s);
            }
        }
        w.tape.close(l, 0);
    }
    w.nstring(&e.in_reply_to);
    w.nstring(&e.message_id);
    w.tape.close(at, 0);
}

/// The addresses of one envelope list, decoded as they are taken.
#[derive(Clone)]
pub struct Addresses<'a> {
    cursor: Cursor<'a>,
    left: usize,
}

impl Iterator for Addresses<'_> {
    type Item = Address;

    fn next(&mut self) -> Option<Address> {
        self.left = self.left.checked_sub(1)?;
        Some(address(&mut self.cursor))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Addresses<'_> {}

impl From<&Envelope> for FetchedEnvelope {
    fn from(e: &Envelope) -> FetchedEnvelope {
        FetchedEnvelope::new(e)
    }
}

impl From<Envelope> for FetchedEnvelope {
    fn from(e: Envelope) -> FetchedEnvelope {
        FetchedEnvelope::new(&e)
    }
}

impl Default for FetchedEnvelope {
    /// An envelope whose fields are all `NIL`.
    fn default() -> FetchedEnvelope {
        FetchedEnvelope::new(&Envelope::default())
    }
}

impl fmt::Debug for FetchedEnvelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_envelope(), f)
    }
}

impl PartialEq for FetchedEnvelope {
    fn eq(&self, other: &FetchedEnvelope) -> bool {
        self.to_envelope() == other.to_envelope()
    }
}

impl Eq for FetchedEnvelope {}
