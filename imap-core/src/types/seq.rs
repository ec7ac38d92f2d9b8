//! Message numbers: [`SeqNum`] and [`Uid`], and their sets ([`SeqSet`], [`UidSet`]); the
//! mailbox's [`UidValidity`], written the same way.
//!
//! Sequence numbers and UIDs are distinct types so that they cannot be mixed up (the classic IMAP
//! bug). A set keeps the exact items it was written with: `1:3`, `3:1`, `5` and `*` stay as they
//! were.

use std::fmt;
use std::num::NonZeroU32;

/// A number usable in a sequence set: a [`SeqNum`], a [`Uid`], or a plain `u32` where the wire
/// does not say which (the `MODIFIED` response code).
pub trait SetKey: Copy + Eq + Ord + fmt::Debug {
    /// The number's value.
    fn value(self) -> u32;
    /// Builds the key from a non-zero number.
    fn from_nonzero(n: NonZeroU32) -> Self;
}

macro_rules! number_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(NonZeroU32);

        impl $name {
            /// The smallest value, 1.
            pub const MIN: Self = Self(NonZeroU32::MIN);
            /// The largest value.
            pub const MAX: Self = Self(NonZeroU32::MAX);

            /// Builds the number; `None` for 0, which IMAP never uses.
            pub const fn new(n: u32) -> Option<Self> {
                match NonZeroU32::new(n) {
                    Some(n) => Some(Self(n)),
                    None => None,
                }
            }

            /// The number's value.
            pub const fn get(self) -> u32 {
                self.0.get()
            }
        }

        impl From<NonZeroU32> for $name {
            fn from(n: NonZeroU32) -> Self {
                Self(n)
            }
        }

        impl TryFrom<u32> for $name {
            type Error = ZeroNumber;
            fn try_from(n: u32) -> Result<Self, ZeroNumber> {
                Self::new(n).ok_or(ZeroNumber)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

number_type!(
    /// A message sequence number (`seq-number`, RFC 9051 section 2.3.1.2): position in the
    /// selected mailbox, 1-based, changes when messages are expunged.
    SeqNum
);
number_type!(
    /// A unique identifier (`uniqueid`, RFC 9051 section 2.3.1.1): stable within a UIDVALIDITY.
    Uid
);
number_type!(
    /// A mailbox's unique identifier validity value (`[UIDVALIDITY n]`, an `nz-number`, RFC 9051
    /// section 2.3.1.1): the [`Uid`]s a client holds for the mailbox are good only while it stays
    /// the same. Not a message number, so not a [`SetKey`].
    UidValidity
);

macro_rules! set_key {
    ($($name:ident),*) => {$(
        impl SetKey for $name {
            fn value(self) -> u32 {
                self.0.get()
            }
            fn from_nonzero(n: NonZeroU32) -> Self {
                Self(n)
            }
        }
    )*};
}
set_key!(SeqNum, Uid);

impl SetKey for u32 {
    fn value(self) -> u32 {
        self
    }
    fn from_nonzero(n: NonZeroU32) -> Self {
        n.get()
    }
}

/// The error for a message number of 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("message numbers start at 1")]
pub struct ZeroNumber;

/// One end of a range: a number or `*` (the largest number in use).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Bound<K> {
    /// A number.
    Value(K),
    /// `*`.
    Star,
}

impl<K: SetKey> Bound<K> {
    /// Resolves `*` to `largest`.
    pub fn resolve(self, largest: u32) -> u32 {
        match self {
            Bound::Value(k) => k.value(),
            Bound::Star => largest,
        }
    }
}

/// One item of a sequence set: a single number or a range, exactly as written.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum SetItem<K> {
    /// `n` or `*`.
    Single(Bound<K>),
    /// `a:b` (either order; RFC 9051 says `a:b` and `b:a` mean the same).
    Range(Bound<K>, Bound<K>),
}

impl<K: SetKey> SetItem<K> {
    /// The inclusive numeric range this item covers, with `*` resolved to `largest`.
    pub fn bounds(&self, largest: u32) -> (u32, u32) {
        match *self {
            SetItem::Single(b) => {
                let v = b.resolve(largest);
                (v, v)
            }
            SetItem::Range(a, b) => {
                let (a, b) = (a.resolve(largest), b.resolve(largest));
                (a.min(b), a.max(b))
            }
        }
    }
}

/// A non-empty `sequence-set` (RFC 9051 section 9) of keys `K`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct NumSet<K>(Vec<SetItem<K>>);

/// A set of sequence numbers.
pub type SeqSet = NumSet<SeqNum>;
/// A set of UIDs.
pub type UidSet = NumSet<Uid>;

impl<K: SetKey> NumSet<K> {
    /// A set from items.
    ///
    /// # Errors
    /// When `items` is empty: the grammar has no empty set.
    pub fn new(items: Vec<SetItem<K>>) -> Result<Self, EmptySet> {
        if items.is_empty() {
            Err(EmptySet)
        } else {
            Ok(NumSet(items))
        }
    }

    /// The set holding one number.
    pub fn single(k: K) -> Self {
        NumSet(vec![SetItem::Single(Bound::Value(k))])
    }

    /// The set `a:b`.
    pub fn range(a: K, b: K) -> Self {
        NumSet(vec![SetItem::Range(Bound::Value(a), Bound::Value(b))])
    }

    /// The set `1:*` (every message).
    pub fn all() -> Self {
        NumSet(vec![SetItem::Range(
            Bound::Value(K::from_nonzero(NonZeroU32::MIN)),
            Bound::Star,
        )])
    }

    /// A compact set holding exactly `keys` (sorted and merged into ranges).
    ///
    /// # Errors
    /// When `keys` is empty.
    pub fn from_keys(keys: impl IntoIterator<Item = K>) -> Result<Self, EmptySet> {
        let mut v: Vec<u32> = keys.into_iter().map(SetKey::value).collect();
        v.sort_unstable();
        v.dedup();
        let mut items = Vec::new();
        let mut i = 0;
        while i < v.len() {
            let start = v[i];
            let mut end = start;
            while i + 1 < v.len() && v[i + 1] == end + 1 {
                i += 1;
                end = v[i];
            }
            let k = |n: u32| {
                Bound::Value(K::from_nonzero(
                    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN),
                ))
            };
            items.push(if start == end {
                SetItem::Single(k(start))
            } else {
                SetItem::Range(k(start), k(end))
            });
            i += 1;
        }
        Self::new(items)
    }

    /// A set holding `keys` in the order given, each run of consecutive ascending numbers
    /// written as a range: the shape of an extended SORT's `ALL` (RFC 5267 section 3.2), where
    /// order matters and a range is always ascending (`3,2,1` stays as it is, `1,2,3` becomes
    /// `1:3`).
    ///
    /// # Errors
    /// When `keys` is empty.
    pub fn from_ordered(keys: impl IntoIterator<Item = K>) -> Result<Self, EmptySet> {
        let mut runs: Vec<(K, K)> = Vec::new();
        for k in keys {
            match runs.last_mut() {
                Some((_, end)) if end.value().checked_add(1) == Some(k.value()) => *end = k,
                _ => runs.push((k, k)),
            }
        }
        let item = |(a, b): (K, K)| {
            if a == b {
                SetItem::Single(Bound::Value(a))
            } else {
                SetItem::Range(Bound::Value(a), Bound::Value(b))
            }
        };
        Self::new(runs.into_iter().map(item).collect())
    }

    /// The items, as written.
    pub fn items(&self) -> &[SetItem<K>] {
        &self.0
    }

    /// Whether `n` is in the set, with `*` meaning `largest`.
    pub fn contains(&self, n: u32, largest: u32) -> bool {
        self.0.iter().any(|i| {
            let (a, b) = i.bounds(largest);
            (a..=b).contains(&n)
        })
    }
}

impl<K: SetKey> fmt::Display for Bound<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Value(k) => write!(f, "{}", k.value()),
            Bound::Star => f.write_str("*"),
        }
    }
}

/// The set as IMAP writes it, items as held: `2,4:6,20:*`.
impl<K: SetKey> fmt::Display for NumSet<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, item) in self.0.iter().enumerate() {
            if n > 0 {
                f.write_str(",")?;
            }
            match item {
                SetItem::Single(b) => write!(f, "{b}")?,
                SetItem::Range(a, b) => write!(f, "{a}:{b}")?,
            }
        }
        Ok(())
    }
}

impl<K: SetKey> std::str::FromStr for NumSet<K> {
    type Err = crate::parse::TextError;

    /// A set as IMAP writes it (`sequence-set`, RFC 9051 section 9): `2,4:6,20:*`, numbers
    /// from 1, `*` for the largest in use, ranges either way round, items kept as written.
    ///
    /// ```
    /// use imap_core::types::UidSet;
    ///
    /// let set: UidSet = "2,4:6,20:*".parse().unwrap();
    /// assert!(set.contains(5, 100) && set.contains(99, 100) && !set.contains(3, 100));
    /// assert_eq!(set.to_string(), "2,4:6,20:*");
    /// let e = "2,4:x".parse::<UidSet>().unwrap_err();
    /// assert_eq!(e.column, 5);
    /// ```
    ///
    /// # Errors
    /// A [`crate::parse::TextError`] pointing at the first character that does not fit.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::parse::parse_set_text(s)
    }
}

/// The error for an empty sequence set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a sequence set needs at least one item")]
pub struct EmptySet;

/// The message set a command acts on: sequence numbers (`FETCH`), UIDs (`UID FETCH`), or the
/// saved search result `$` (SEARCHRES, RFC 5182).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum MessageSet {
    /// Sequence numbers: the plain command.
    Seq(SeqSet),
    /// UIDs: the `UID` form of the command.
    Uid(UidSet),
    /// `$`, the saved search result; `uid` says whether the `UID` form is used.
    Saved {
        /// Whether the command is the `UID` form.
        uid: bool,
    },
}

impl MessageSet {
    /// Whether the command is sent in its `UID` form.
    pub fn is_uid(&self) -> bool {
        matches!(self, MessageSet::Uid(_) | MessageSet::Saved { uid: true })
    }
}

impl MessageSet {
    /// The set a command acts on, from text: `$` for the saved search result (RFC 5182), or a
    /// set of UIDs (`uid`) or sequence numbers as [`NumSet`]'s `from_str` reads it.
    ///
    /// # Errors
    /// A [`crate::parse::TextError`] pointing at the first character that does not fit.
    pub fn from_text(text: &str, uid: bool) -> Result<MessageSet, crate::parse::TextError> {
        if text.trim() == "$" {
            Ok(MessageSet::Saved { uid })
        } else if uid {
            text.parse().map(MessageSet::Uid)
        } else {
            text.parse().map(MessageSet::Seq)
        }
    }
}

/// The set as IMAP writes it: its numbers, or `$`.
impl fmt::Display for MessageSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageSet::Seq(s) => s.fmt(f),
            MessageSet::Uid(s) => s.fmt(f),
            MessageSet::Saved { .. } => f.write_str("$"),
        }
    }
}

impl From<SeqSet> for MessageSet {
    fn from(s: SeqSet) -> Self {
        MessageSet::Seq(s)
    }
}

impl From<UidSet> for MessageSet {
    fn from(s: UidSet) -> Self {
        MessageSet::Uid(s)
    }
}

impl From<Uid> for MessageSet {
    fn from(u: Uid) -> Self {
        MessageSet::Uid(UidSet::single(u))
    }
}

impl From<SeqNum> for MessageSet {
    fn from(s: SeqNum) -> Self {
        MessageSet::Seq(SeqSet::single(s))
    }
}

impl From<&UidSet> for MessageSet {
    fn from(s: &UidSet) -> Self {
        MessageSet::Uid(s.clone())
    }
}

impl From<&SeqSet> for MessageSet {
    fn from(s: &SeqSet) -> Self {
        MessageSet::Seq(s.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_keys_compacts() {
        let s = UidSet::from_keys([5, 1, 2, 3, 9].map(|n| Uid::new(n).unwrap())).unwrap();
        assert_eq!(s.items().len(), 3);
        assert!(s.contains(9, 100));
        assert!(!s.contains(4, 100));
    }

    #[test]
    fn ordered_sets_keep_their_order() {
        let u = |v: &[u32]| v.iter().map(|&n| Uid::new(n).unwrap()).collect::<Vec<_>>();
        let s = UidSet::from_ordered(u(&[23765, 23764, 23763, 7, 8, 9, 1])).unwrap();
        let shape: Vec<(u32, u32)> = s.items().iter().map(|i| i.bounds(0)).collect();
        assert_eq!(
            shape,
            [
                (23765, 23765),
                (23764, 23764),
                (23763, 23763),
                (7, 9),
                (1, 1)
            ]
        );
        let s = UidSet::from_ordered(u(&[4294967295, 1, 2])).unwrap();
        assert_eq!(s.items().len(), 2);
        assert!(UidSet::from_ordered(u(&[])).is_err());
    }

    #[test]
    fn star_resolves() {
        let s = SeqSet::all();
        assert!(s.contains(3, 3) && !s.contains(4, 3));
        let r: SetItem<SeqNum> = SetItem::Range(Bound::Star, Bound::Value(SeqNum::new(2).unwrap()));
        assert_eq!(r.bounds(5), (2, 5));
    }

    #[test]
    fn zero_is_rejected() {
        assert!(SeqNum::new(0).is_none());
        assert!(Uid::try_from(0).is_err());
    }
}
