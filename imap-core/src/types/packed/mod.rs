//! ENVELOPE and BODYSTRUCTURE as the parser hands them out: the value's bytes, kept once, and a
//! compact table that says where each field lies in them ([`FetchedEnvelope`],
//! [`FetchedBody`]).
//!
//! A parsed envelope used to be a tree of `Vec`s and [`Str`]s, each string a reference-counted
//! slice of the received unit: about 40 reference-count updates and 10 allocations a FETCH
//! response, and 6 KB of heap for a 1 KB response. Packed, it is one reference to the unit's
//! bytes and one allocation of a few bytes a field; fields are read through accessors, or the
//! whole value turned into the plain structs ([`Envelope`](super::Envelope),
//! [`BodyStructure`](super::BodyStructure)) when they are wanted.
//!
//! The table is a serialisation of those plain structs, written in their field order: a
//! string (its place in the bytes), `NIL`, a number, an absent optional level, or a list, part
//! or multipart and its children up to an end mark (`tape.rs` has the encoding). The parser
//! writes it as it reads the grammar; [`FetchedEnvelope::new`] and
//! [`FetchedBody::new`] write it from plain values. Either way a reader decodes it by the same
//! schema, in `envelope.rs` and `body.rs`.

pub(crate) mod body;
mod envelope;
mod tape;
mod writer;

pub use body::{BodyPart, FetchedBody, Params};
pub use envelope::{Addresses, FetchedEnvelope};
pub(crate) use tape::{Tape, kind};

use super::Str;

#[cfg(test)]
mod tests {
    use super::{FetchedBody, FetchedEnvelope};
    use crate::arbitrary::{body_structure, envelope};
    use crate::encode::{EncodeOptions, encode_response};
    use crate::parse::{ParseOptions, parse_response};
    use crate::types::{Data, FetchData, Response, SeqNum};
    use proptest::prelude::*;

    /// The packed value the parser makes of `item` as a server writes it.
    fn through_the_wire(item: FetchData) -> FetchData {
        let resp = Response::Data(Data::Fetch {
            seq: SeqNum::new(1).unwrap(),
            data: vec![item],
        });
        let wire = bytes::Bytes::from(encode_response(&resp, &EncodeOptions::default()).to_vec());
        let Response::Data(Data::Fetch { mut data, .. }) =
            parse_response(&wire, &ParseOptions::default()).unwrap()
        else {
            panic!()
        };
        data.remove(0)
    }

    /// Written from plain values, a table reads back as those values, and the accessors agree
    /// with the fields; parsed from the wire, the same.
    #[test]
    fn envelopes_read_back_as_written() {
        proptest!(|(e in envelope())| {
            let packed = FetchedEnvelope::new(&e);
            prop_assert_eq!(&packed.to_envelope(), &e);
            let FetchData::Envelope(parsed) = through_the_wire(FetchData::Envelope(packed)) else {
                panic!()
            };
            prop_assert_eq!(&parsed.to_envelope(), &e);
            prop_assert_eq!(parsed.subject(), e.subject.clone());
            prop_assert_eq!(parsed.date(), e.date.clone());
            prop_assert_eq!(parsed.message_id(), e.message_id.clone());
            prop_assert_eq!(parsed.reply_to().collect::<Vec<_>>(), e.reply_to.clone());
            prop_assert_eq!(parsed.bcc().collect::<Vec<_>>(), e.bcc.clone());
        });
    }

    /// The same for bodies, and the part views find every part the tree has (on a big stack:
    /// the BODYSTRUCTURE strategy nests deep, see [`crate::arbitrary::with_big_stack`]).
    #[test]
    fn bodies_read_back_as_written() {
        crate::arbitrary::with_big_stack(|| {
            proptest!(|(b in body_structure())| {
                let packed = FetchedBody::new(&b);
                prop_assert_eq!(&packed.to_structure(), &b);
                let FetchData::BodyStructure(parsed) =
                    through_the_wire(FetchData::BodyStructure(packed))
                else {
                    panic!()
                };
                prop_assert_eq!(&parsed.to_structure(), &b);
                // Every part the tree has, the views find, with the same type and size.
                let mut paths = vec![vec![]];
                while let Some(path) = paths.pop() {
                    let (Some(tree), Some(view)) = (b.part(&path), parsed.part(&path)) else {
                        prop_assert!(b.part(&path).is_none() && parsed.part(&path).is_none());
                        continue;
                    };
                    prop_assert_eq!(tree.mime_type(), view.mime_type());
                    prop_assert_eq!(&view.to_structure(), tree);
                    if let crate::types::BodyStructure::Single { part } = tree {
                        prop_assert_eq!(view.octets(), Some(part.octets));
                        prop_assert_eq!(view.params().collect::<Vec<_>>(), part.params.clone());
                    }
                    if path.len() < 4 {
                        for k in 1..=3 {
                            let mut p = path.clone();
                            p.push(k);
                            paths.push(p);
                        }
                    }
                }
            })
        });
    }
}
