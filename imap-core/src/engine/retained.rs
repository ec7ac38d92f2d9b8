//! What the engine keeps for a connection's whole life is made compact first: thousands of
//! idle connections each hold it.

use crate::types::{Atom, Capability, Code, StatusResponse, Str};

/// The greeting as the engine keeps it ([`super::Engine::greeting`]): the same value, with
/// its capability list without spare room and its text and atoms copied out of the received
/// buffer. Parsed strings are slices of the bytes read, so a kept slice would keep that whole
/// read alive (about a kilobyte for a greeting).
pub(super) fn greeting(mut s: StatusResponse) -> StatusResponse {
    s.text = Str::from(s.text.as_bytes());
    if let Some(Code::Capability(list)) = &mut s.code {
        for c in list.iter_mut() {
            detach(c);
        }
        list.shrink_to_fit();
    }
    s
}

/// Drops the greeting's capability code, once the client holds a newer list: an idle
/// connection would otherwise keep two lists (about 1.5 KB each for thirty capabilities).
pub(super) fn forget_capabilities(s: &mut StatusResponse) {
    if matches!(s.code, Some(Code::Capability(_))) {
        s.code = None;
    }
}

/// Copies the atom a capability holds out of the buffer it was parsed from.
fn detach(c: &mut Capability) {
    if let Capability::Other(a) = c {
        *a = copied(a);
    }
}

fn copied(a: &Atom) -> Atom {
    Atom::new(bytes::Bytes::copy_from_slice(a.as_bytes())).unwrap_or_else(|_| a.clone())
}
