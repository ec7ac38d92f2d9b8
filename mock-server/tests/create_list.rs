//! Issue 15, items 2 and 6: CREATE with a trailing hierarchy separator (RFC 9051 section
//! 6.3.4) and LIST-EXTENDED's options and CHILDINFO (RFC 5258).

#[path = "common/text.rs"]
mod text;

use text::{Conn, server_with};

fn logged_in() -> Conn {
    let srv = server_with(&[]);
    let mut c = Conn::new(&srv);
    c.ok("l LOGIN u pw");
    c
}

/// `CREATE a/` creates `a`; the separator only declares that names will follow under it.
/// Before: `c1 NO [CANNOT] invalid mailbox name: "a/"`.
#[test]
fn create_with_a_trailing_separator_creates_the_name_without_it() {
    let mut c = logged_in();
    assert_eq!(c.cmd("c1 CREATE a/"), "c1 OK CREATE completed\r\n");
    assert_eq!(
        c.cmd("c2 LIST \"\" a*"),
        "* LIST (\\HasNoChildren) \"/\" a\r\nc2 OK LIST completed\r\n"
    );
    assert!(c.cmd("c3 CREATE a/").starts_with("c3 NO [ALREADYEXISTS]"));
    // Only one separator is a declaration; an empty level is still invalid.
    assert!(c.cmd("c4 CREATE b//").starts_with("c4 NO"));
    assert!(c.cmd("c5 CREATE /").starts_with("c5 NO"));
    assert_eq!(c.cmd("c6 CREATE a/b/"), "c6 OK CREATE completed\r\n");
    assert_eq!(
        c.untagged("c7 LIST \"\" a/*"),
        ["* LIST (\\HasNoChildren) \"/\" a/b"]
    );
}
