//! Issue 15, items 3 and 4: `BODY[n.TEXT]` of an encapsulated message runs to the end of the
//! part (RFC 9051 section 6.4.5.1, RFC 2046 section 5.1.1), and a binary part never puts NUL
//! in an ordinary literal (RFC 9051 section 4.3.1, RFC 3516 section 4.4).

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

const BINARY_PART: &[u8] = b"Subject: b\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nhi\r\n--X\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\na\0b\r\n--X--\r\n";

/// A part appended with `literal8` and `Content-Transfer-Encoding: binary` is stored in base64
/// (RFC 3516 section 4.4): `BODY[2]` is an ordinary literal without NUL, its MIME header and
/// BODYSTRUCTURE say base64, and `BINARY[2]` gives the three bytes back. Before, `BODY[2]`
/// was `{3}\r\na\0b`, a NUL in an ordinary literal (RFC 9051 section 4.3.1 forbids it).
#[test]
fn a_binary_part_is_sent_base64_in_body_and_raw_in_binary() {
    let srv = server_with(&[]);
    let mut c = Conn::selected(&srv, "u", "INBOX");
    let mut append = format!("a1 APPEND INBOX ~{{{}+}}\r\n", BINARY_PART.len()).into_bytes();
    append.extend_from_slice(BINARY_PART);
    append.extend_from_slice(b"\r\n");
    assert!(c.raw(&append).contains("a1 OK [APPENDUID"));
    assert_eq!(
        c.cmd("f1 FETCH 1 (BODY.PEEK[2.MIME] BODY.PEEK[2])"),
        "* 1 FETCH (BODY[2.MIME] {77}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n BODY[2] {6}\r\nYQBi\r\n)\r\nf1 OK FETCH completed\r\n"
    );
    assert_eq!(
        c.cmd("f2 FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2])"),
        "* 1 FETCH (BINARY[2] ~{3}\r\na\0b BINARY.SIZE[2] 3)\r\nf2 OK FETCH completed\r\n"
    );
    let bs = c.cmd("f3 FETCH 1 (BODYSTRUCTURE)");
    assert!(
        bs.contains("(\"application\" \"octet-stream\" NIL NIL NIL \"BASE64\" 6"),
        "{bs}"
    );
    let whole = c.cmd("f4 FETCH 1 (BODY.PEEK[])");
    assert!(!whole.contains('\0'), "{whole:?}");
}
