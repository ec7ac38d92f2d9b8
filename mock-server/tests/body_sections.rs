//! Issue 15, items 3 and 4: `BODY[n.TEXT]` of an encapsulated message runs to the end of the
//! part (RFC 9051 section 6.4.5.1, RFC 2046 section 5.1.1), and a binary part never puts NUL
//! in an ordinary literal (RFC 9051 section 4.3.1, RFC 3516 section 4.4).

#[path = "common/text.rs"]
mod text;

use text::{Conn, server_with};

const FORWARDED: &[u8] = b"Subject: fwd\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: multipart/mixed; boundary=YY\r\n\r\n--YY\r\n\r\nin\r\n--YY--\r\nepilogue\r\n";

/// `BODY[1.TEXT]` is `BODY[1]` without `BODY[1.HEADER]`. Before, it ended at `--YY--`:
/// `* 1 FETCH (BODY[1.TEXT] {18}\r\n--YY\r\n\r\nin\r\n--YY--)`.
#[test]
fn encapsulated_text_runs_to_the_end_of_the_part() {
    let srv = server_with(&[FORWARDED]);
    let mut c = Conn::selected(&srv, "u", "INBOX");
    assert_eq!(
        c.cmd("f1 FETCH 1 (BODY.PEEK[1.TEXT])"),
        "* 1 FETCH (BODY[1.TEXT] {30}\r\n--YY\r\n\r\nin\r\n--YY--\r\nepilogue\r\n)\r\nf1 OK FETCH completed\r\n"
    );
    let whole = c.cmd("f2 FETCH 1 (BODY.PEEK[1])");
    assert!(whole.contains("{92}\r\nSubject: inner\r\n"), "{whole}");
    assert!(whole.contains("--YY--\r\nepilogue\r\n)"), "{whole}");
}
