"""Drive the mock IMAP server with IMAPClient (the high-level Python library).

Usage: imapclient_session.py HOST PORT CAFILE

Implicit TLS with CAFILE as the only trust anchor. Prints one `KEY: value` line per step; the
Rust test (tests/tests/real_clients.rs) asserts on them. IMAPClient is found on PYTHONPATH
(CI installs it with `pip install --target`); every socket has a timeout.
"""

import ssl
import sys

from imapclient import IMAPClient

TIMEOUT = 10


def out(key, value):
    print(f"{key}: {value}", flush=True)


def main():
    host, port, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    ctx = ssl.create_default_context(cafile=cafile)
    with IMAPClient(host, port=port, ssl=True, ssl_context=ctx, timeout=TIMEOUT) as c:
        out("CAPS", b"IDLE" in c.capabilities() and b"UIDPLUS" in c.capabilities())
        c.login("demo", "demo")
        out("NAMESPACE", c.namespace().personal)
        folders = sorted(name for _flags, _delim, name in c.list_folders())
        out("FOLDERS", ",".join(folders))
        out("SPECIAL", c.find_special_folder(b"\\Sent"))
        status = c.folder_status("INBOX", ["MESSAGES", "UIDNEXT", "UNSEEN"])
        out("STATUS", f"{status[b'MESSAGES']} {status[b'UIDNEXT']}")
        sel = c.select_folder("INBOX")
        out("SELECT", f"{sel[b'EXISTS']} {sel[b'READ-WRITE']} {len(sel[b'FLAGS'])}")
        uids = c.search("ALL")
        out("SEARCH_ALL", len(uids))
        out("SEARCH_SINCE", len(c.search(["SINCE", "13-Jul-2013", "SUBJECT", "Project"])))
        data = c.fetch(uids[:3], ["ENVELOPE", "BODYSTRUCTURE", "FLAGS", "RFC822.SIZE", "INTERNALDATE"])
        env = data[uids[0]][b"ENVELOPE"]
        out("ENVELOPE", f"{env.subject.decode()} | {env.from_[0].mailbox.decode()}@{env.from_[0].host.decode()}")
        out("BODY", all(b"BODYSTRUCTURE" in d for d in data.values()))
        out("SIZE", all(d[b"RFC822.SIZE"] > 0 for d in data.values()))
        raw = c.fetch([uids[0]], ["BODY.PEEK[]"])[uids[0]][b"BODY[]"]
        out("RAW", raw.split(b"\r\n")[0].startswith(b"Date: "))
        part = c.fetch([uids[0]], ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])[uids[0]]
        out("HEADER", list(part.values())[-1].strip().decode() if part else "")
        c.add_flags([uids[0]], ["\\Flagged", "$Later"])
        flags = sorted(f.decode() for f in c.get_flags([uids[0]])[uids[0]] if f != b"\\Recent")
        out("FLAGS", " ".join(flags))
        c.remove_flags([uids[0]], ["$Later"])
        out("REMOVED", b"$Later" not in c.get_flags([uids[0]])[uids[0]])
        appended = c.append("INBOX", b"From: a@example.org\r\nSubject: from imapclient\r\n\r\nhi\r\n", flags=["\\Seen"])
        out("APPEND", appended.startswith(b"[APPENDUID"))
        new_uid = c.search(["SUBJECT", "from imapclient"])[0]
        c.copy([new_uid], "Archive")
        c.move([new_uid], "Trash")
        out("MOVED", c.search(["SUBJECT", "from imapclient"]) == [])
        c.delete_messages([uids[1]])
        c.uid_expunge([uids[1]])
        out("EXPUNGED", uids[1] not in c.search("ALL"))
        c.create_folder("Projects/Alpha")
        c.rename_folder("Projects/Alpha", "Projects/Beta")
        out("RENAMED", c.folder_exists("Projects/Beta") and not c.folder_exists("Projects/Alpha"))
        c.delete_folder("Projects/Beta")
        c.idle()
        with IMAPClient(host, port=port, ssl=True, ssl_context=ctx, timeout=TIMEOUT) as other:
            other.login("demo", "demo")
            other.append("INBOX", b"From: b@example.org\r\nSubject: during idle\r\n\r\nx\r\n")
            other.logout()
        responses = c.idle_check(timeout=5)
        out("IDLE", any(len(r) > 1 and r[1] == b"EXISTS" for r in responses))
        c.idle_done()
        out("SORT", len(c.sort(["ARRIVAL"])) == len(c.search("ALL")))
        out("THREAD", len(c.thread()) > 0)
        c.unselect_folder()
        out("LOGOUT", c.logout().decode())


if __name__ == "__main__":
    main()
