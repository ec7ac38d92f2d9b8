//! Issue 15, items 2 and 6: CREATE with a trailing hierarchy separator (RFC 9051 section
//! 6.3.4) and LIST-EXTENDED's options and CHILDINFO (RFC 5258).

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

/// RFC 5258 section 3: options the server does not know get BAD (a MUST), and so does
/// RECURSIVEMATCH alone. Before, all three were answered with the list and OK.
#[test]
fn unknown_list_options_are_bad() {
    let mut c = logged_in();
    assert!(c.cmd("l1 LIST (FOO) \"\" *").starts_with("l1 BAD "));
    assert!(c.cmd("l2 LIST \"\" * RETURN (BAR)").starts_with("l2 BAD "));
    assert!(
        c.cmd("l3 LIST (RECURSIVEMATCH) \"\" *")
            .starts_with("l3 BAD ")
    );
    assert!(
        c.cmd("l4 LIST (REMOTE RECURSIVEMATCH) \"\" *")
            .starts_with("l4 BAD ")
    );
    c.ok("l5 LIST (REMOTE SUBSCRIBED RECURSIVEMATCH) \"\" * RETURN (CHILDREN SPECIAL-USE)");
}

/// RFC 5258 section 5, example 9: CHILDINFO only where a subscribed child is not itself
/// returned; `baz2` and `qux2`, whose subscribed children all match, are not listed at all.
/// Before, `* LIST (\HasChildren) "/" baz2 (CHILDINFO ("SUBSCRIBED"))` and the same for
/// `qux2` were returned as well.
#[test]
fn childinfo_only_for_children_not_returned() {
    let mut c = logged_in();
    for n in [
        "foo2/bar1",
        "foo2/bar2",
        "baz2/bar2",
        "baz2/bar22",
        "eps2/mamba",
        "qux2/bar2",
    ] {
        c.ok(&format!("c CREATE {n}"));
    }
    for n in [
        "foo2/bar1",
        "foo2/bar2",
        "baz2/bar2",
        "baz2/bar22",
        "eps2",
        "eps2/mamba",
        "qux2/bar2",
    ] {
        c.ok(&format!("s SUBSCRIBE {n}"));
    }
    assert_eq!(
        c.untagged("d3 LIST (RECURSIVEMATCH SUBSCRIBED) \"\" \"*2\""),
        [
            "* LIST (\\Subscribed \\HasNoChildren) \"/\" baz2/bar2",
            "* LIST (\\Subscribed \\HasNoChildren) \"/\" baz2/bar22",
            "* LIST (\\Subscribed \\HasChildren) \"/\" eps2 (CHILDINFO (\"SUBSCRIBED\"))",
            "* LIST (\\HasChildren) \"/\" foo2 (CHILDINFO (\"SUBSCRIBED\"))",
            "* LIST (\\Subscribed \\HasNoChildren) \"/\" foo2/bar2",
            "* LIST (\\Subscribed \\HasNoChildren) \"/\" qux2/bar2",
        ]
    );
}
