//! Messages: the immutable content shared by every copy ([`MessageData`]), the per-mailbox state
//! ([`StoredMessage`]) and the copy handed out for FETCH and SEARCH ([`MessageSnapshot`]).

use crate::mime::ParsedMessage;
use crate::store::SessionId;
use bytes::Bytes;
use imap_core::types::{DateTime, Flag, Uid};
use std::sync::{Arc, OnceLock};

/// The content of a message, shared by all its copies (COPY keeps the EMAILID, RFC 8474).
#[derive(Debug)]
pub struct MessageData {
    raw: Bytes,
    parsed: OnceLock<ParsedMessage>,
    email_num: u64,
    thread_num: u64,
}

impl MessageData {
    /// A message for a [`MessageSnapshot`] from another store: its bytes and the numbers
    /// behind its EMAILID and THREADID (RFC 8474). The MIME structure is parsed on first use.
    pub fn new(raw: Bytes, email_num: u64, thread_num: u64) -> Self {
        MessageData {
            raw,
            parsed: OnceLock::new(),
            email_num,
            thread_num,
        }
    }

    pub(crate) fn with_parsed(
        raw: Bytes,
        parsed: ParsedMessage,
        email_num: u64,
        thread_num: u64,
    ) -> Self {
        MessageData {
            raw,
            parsed: OnceLock::from(parsed),
            email_num,
            thread_num,
        }
    }

    /// The message exactly as stored.
    pub fn raw(&self) -> &Bytes {
        &self.raw
    }

    /// The parsed MIME structure (computed on first use).
    pub fn parsed(&self) -> &ParsedMessage {
        self.parsed.get_or_init(|| ParsedMessage::parse(&self.raw))
    }

    /// `RFC822.SIZE`: the size in octets.
    pub fn size(&self) -> u64 {
        self.raw.len() as u64
    }

    /// The OBJECTID `EMAILID` (RFC 8474).
    pub fn email_id(&self) -> String {
        format!("M{:012x}", self.email_num)
    }

    /// The OBJECTID `THREADID`: shared by messages linked through Message-ID, In-Reply-To and
    /// References.
    pub fn thread_id(&self) -> String {
        format!("T{:012x}", self.thread_num)
    }

    /// The numeric message id (also served as `X-GM-MSGID`).
    pub fn email_num(&self) -> u64 {
        self.email_num
    }

    /// The numeric thread id (also served as `X-GM-THRID`).
    pub fn thread_num(&self) -> u64 {
        self.thread_num
    }
}

/// Which session, if any, sees a message as `\Recent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Recent {
    /// No session has been told about the message yet: the next one to select the mailbox (or
    /// to poll it while selected read-write) gets `\Recent`.
    Unclaimed,
    /// This session has it.
    Session(SessionId),
}

/// A message in a mailbox.
#[derive(Clone, Debug)]
pub(crate) struct StoredMessage {
    pub uid: Uid,
    pub data: Arc<MessageData>,
    /// Flags without `\Recent`, in the order they were set.
    pub flags: Vec<Flag>,
    pub internal_date: DateTime,
    pub save_date: DateTime,
    pub modseq: u64,
    pub recent: Recent,
}

impl StoredMessage {
    pub fn has(&self, f: &Flag) -> bool {
        self.flags.iter().any(|g| flag_eq(g, f))
    }

    pub fn snapshot(&self, session: Option<SessionId>) -> MessageSnapshot {
        MessageSnapshot {
            uid: self.uid,
            flags: self.flags.clone(),
            recent: session.is_some_and(|s| self.recent == Recent::Session(s)),
            modseq: self.modseq,
            internal_date: self.internal_date,
            save_date: Some(self.save_date),
            data: self.data.clone(),
        }
    }
}

/// Flag equality: keywords compare ASCII case-insensitively, like the system flags do.
pub fn flag_eq(a: &Flag, b: &Flag) -> bool {
    match (a, b) {
        (Flag::Keyword(x), Flag::Keyword(y)) | (Flag::Extension(x), Flag::Extension(y)) => {
            x.as_bytes().eq_ignore_ascii_case(y.as_bytes())
        }
        _ => a == b,
    }
}

/// A message as one session sees it at one moment: what FETCH, SEARCH, SORT and THREAD work on,
/// outside the store's lock. Cheap to clone.
#[derive(Clone, Debug)]
pub struct MessageSnapshot {
    /// The UID.
    pub uid: Uid,
    /// Flags, without `\Recent`.
    pub flags: Vec<Flag>,
    /// Whether the message is `\Recent` for the session that asked.
    pub recent: bool,
    /// The message's MODSEQ.
    pub modseq: u64,
    /// INTERNALDATE.
    pub internal_date: DateTime,
    /// SAVEDATE (RFC 8514).
    pub save_date: Option<DateTime>,
    /// The content.
    pub data: Arc<MessageData>,
}

impl MessageSnapshot {
    /// Whether `flag` is set (`\Recent` included).
    pub fn has(&self, flag: &Flag) -> bool {
        if *flag == Flag::Recent {
            return self.recent;
        }
        self.flags.iter().any(|g| flag_eq(g, flag))
    }

    /// Flags as FETCH FLAGS shows them: with `\Recent` when the session has it.
    pub fn fetch_flags(&self) -> Vec<Flag> {
        let mut f = self.flags.clone();
        if self.recent {
            f.push(Flag::Recent);
        }
        f
    }

    /// `RFC822.SIZE`.
    pub fn size(&self) -> u64 {
        self.data.size()
    }

    /// The stored bytes.
    pub fn raw(&self) -> &Bytes {
        self.data.raw()
    }

    /// The parsed MIME structure.
    pub fn parsed(&self) -> &ParsedMessage {
        self.data.parsed()
    }
}
