//! Typed values for everything on the wire, in both directions.

pub mod body;
pub mod capability;
pub mod code;
pub mod command;
pub mod datetime;
pub mod envelope;
pub mod fetch;
pub mod flag;
mod keywords;
pub mod mailbox;
pub mod mailbox_data;
pub mod notify;
pub mod packed;
pub mod ranges;
pub mod response;
pub mod search;
pub mod seq;
pub mod string;

pub use body::*;
pub use capability::Capability;
pub use code::{Code, SimpleCode};
pub use command::*;
pub use datetime::{Date, DateTime};
pub use envelope::*;
pub use fetch::*;
pub use flag::{Flag, FlagPerm, MailboxAttr};
pub use mailbox::Mailbox;
pub use mailbox_data::*;
pub use notify::{EventGroup, MailboxFilter, NotifyEvent, NotifySet};
pub use packed::{Addresses, BodyPart, FetchedBody, FetchedEnvelope};
pub use ranges::{NumRanges, SeqRanges, UidRanges};
pub use response::*;
pub use search::*;
pub use seq::*;
pub use string::{Atom, InvalidToken, Str, Tag};
