"""Drive the mock IMAP server with Python's standard imaplib.

Usage: imaplib_session.py HOST PORT plain|tls [CAFILE]

Prints one `KEY: value` line per step; the Rust test (tests/tests/real_clients.rs) asserts on
them. Every socket has a timeout, so a stuck server fails the script instead of hanging it.
"""

import imaplib
import socket
import ssl
import sys

TIMEOUT = 10


def out(key, value):
    print(f"{key}: {value}", flush=True)


def connect(host, port, mode, cafile):
    if mode == "tls":
        ctx = ssl.create_default_context(cafile=cafile)
        return imaplib.IMAP4_SSL(host, port, ssl_context=ctx, timeout=TIMEOUT)
    return imaplib.IMAP4(host, port, timeout=TIMEOUT)


def main():
    host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    cafile = sys.argv[4] if len(sys.argv) > 4 else None
    socket.setdefaulttimeout(TIMEOUT)

    m = connect(host, port, mode, cafile)
    out("GREETING", m.welcome.decode())
    typ, _ = m.login("demo", "demo")
    out("LOGIN", typ)

    typ, boxes = m.list()
    names = sorted(b.decode().rsplit(" ", 1)[-1].strip('"') for b in boxes)
    out("LIST", typ + " " + ",".join(names))

    typ, data = m.select("INBOX")
    exists = int(data[0])
    out("SELECT", f"{typ} {exists}")

    typ, data = m.uid("FETCH", "1", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    subject = data[0][1].decode().strip()
    out("FETCH", f"{typ} {subject}")

    typ, data = m.search(None, "ALL")
    out("SEARCH_ALL", f"{typ} {len(data[0].split())}")
    typ, data = m.search(None, "SUBJECT", '"Quarterly report"')
    out("SEARCH_SUBJECT", f"{typ} {data[0].decode()}")

    typ, data = m.store("1", "+FLAGS", "(\\Flagged)")
    out("STORE", f"{typ} {data[0].decode()}")

    typ, _ = m.copy("1:2", "Archive")
    out("COPY", typ)
    typ, data = m.status("Archive", "(MESSAGES)")
    out("STATUS_ARCHIVE", f"{typ} {data[0].decode()}")

    typ, _ = m.store("2", "+FLAGS", "(\\Deleted)")
    typ, data = m.expunge()
    out("EXPUNGE", f"{typ} {b' '.join(d for d in data if d).decode()}")

    msg = b"From: py@example.org\r\nSubject: from imaplib\r\n\r\nHello from Python.\r\n"
    typ, data = m.append("INBOX", "(\\Seen)", None, msg)
    out("APPEND", typ)
    typ, data = m.search(None, "SUBJECT", '"from imaplib"')
    out("SEARCH_APPENDED", f"{typ} {data[0].decode()}")

    # IDLE: imaplib in Python 3.11 has no idle(); send it by hand, then let a second
    # connection append a message and wait for the untagged EXISTS.
    tag = m._new_tag()
    m.send(tag + b" IDLE\r\n")
    cont = m.readline()
    out("IDLE_CONT", cont.decode().strip())
    other = connect(host, port, mode, cafile)
    other.login("demo", "demo")
    other.append("INBOX", None, None, b"Subject: wake up\r\n\r\nIDLE test.\r\n")
    other.logout()
    line = m.readline().decode().strip()
    while not line.endswith("EXISTS"):
        line = m.readline().decode().strip()
    out("IDLE_EVENT", line)
    m.send(b"DONE\r\n")
    done = m.readline().decode().strip()
    while not done.startswith(tag.decode()):
        done = m.readline().decode().strip()
    out("IDLE_DONE", done.split(" ")[1])

    typ, _ = m.close()
    out("CLOSE", typ)
    typ, data = m.logout()
    out("LOGOUT", typ)


if __name__ == "__main__":
    main()
