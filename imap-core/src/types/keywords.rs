//! Lookups in the keyword tables that the parser and the encoder share (a name and the value it
//! stands for, one row each: [`super::flag`]'s system flags, [`super::fetch`]'s plain items,
//! [`super::search`]'s plain keys).

/// The value named `name`, compared without regard to case.
pub(crate) fn by_name<T: Clone>(table: &[(&'static str, T)], name: &[u8]) -> Option<T> {
    table
        .iter()
        .find(|(n, _)| n.as_bytes().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

/// The name of `value`, if the table holds it.
pub(crate) fn name_of<T: PartialEq>(
    table: &[(&'static str, T)],
    value: &T,
) -> Option<&'static str> {
    table.iter().find(|(_, v)| v == value).map(|(n, _)| *n)
}
