#!/usr/bin/env python3
"""Regenerates the committed seed corpora in fuzz/corpus/<target>/.

    python3 fuzz/make-seeds.py

Sources: the RFC sample responses of imap-core/tests/data/*.txt (framed into units, a few units
per seed file), the quirk cases of imap-core/tests/quirks.rs (the byte strings it asserts on),
a handful of commands written here, and fixed seeds for the structured targets. Files named
`regression-*` (inputs the fuzzer found, added by hand) are kept. Each seed file
starts with the control bytes its target reads first (see fuzz/src/lib.rs and each target's
doc comment). Deterministic: running it twice gives the same files.
"""

import ast
import hashlib
import os
import random
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
CORE = os.path.join(HERE, "..", "imap-core")
CORPUS = os.path.join(HERE, "corpus")

# RawInput control bytes (response, command targets), cycled over the seed files:
# whole; pieces of 7 bytes; pieces of 1 and 3 bytes; streaming literals over 2 bytes, whole;
# UTF8=ACCEPT, pieces of 64 bytes.
CONTROLS = [b"\x00", b"\x01\x06", b"\x02\x00\x02", b"\x28", b"\x81\x3f"]


def units_of(stream):
    """Splits a byte stream into IMAP units (lines, continued after `{N}` literals)."""
    units, start, pos = [], 0, 0
    while pos < len(stream):
        lf = stream.index(b"\n", pos)
        line = stream[pos:lf + 1]
        m = re.search(rb"~?\{(\d+)[+-]?\}\r?\n$", line)
        if m:
            pos = lf + 1 + int(m.group(1))
            continue
        pos = lf + 1
        units.append(stream[start:pos])
        start = pos
    return units


def rfc_units(name):
    out = bytearray()
    with open(os.path.join(CORE, "tests", "data", name), encoding="utf-8") as f:
        for line in f.read().splitlines():
            if line.startswith("S:"):
                rest = line[2:]
                out += (rest[1:] if rest.startswith(" ") else rest).encode() + b"\r\n"
    return units_of(bytes(out))


def quirk_strings():
    """The `b"..."` literals of quirks.rs that are whole units (end with CRLF)."""
    with open(os.path.join(CORE, "tests", "quirks.rs"), encoding="utf-8") as f:
        text = f.read()
    found = []
    for m in re.finditer(r'(?<=[(\s,\[])b"((?:[^"\\]|\\.)*)"', text):
        # Rust byte-string escapes are a subset of Python's.
        value = ast.literal_eval('b"' + m.group(1) + '"')
        if value.endswith(b"\r\n") and value not in found:
            found.append(value)
    return found


COMMANDS = [
    b"a001 CAPABILITY\r\n",
    b"a002 LOGIN fred \"s3cr3t \\\"pw\\\"\"\r\n",
    b"a003 LOGIN {4}\r\nfred {6+}\r\nsecret\r\n",
    b"a004 AUTHENTICATE PLAIN AGZyZWQAc2VjcmV0\r\n",
    b"a005 ENABLE QRESYNC UTF8=ACCEPT\r\n",
    b"a006 SELECT INBOX (CONDSTORE)\r\n",
    b"a007 EXAMINE \"Sent &AOQ-\" (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n",
    b"a008 CREATE foo/bar (USE (\\Archive))\r\n",
    b"a009 RENAME \"old\" new\r\n",
    b"a010 LIST (SUBSCRIBED REMOTE) \"\" (\"INBOX\" \"%\") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))\r\n",
    b"a011 LSUB \"#news.\" \"comp.mail.*\"\r\n",
    b"a012 STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ)\r\n",
    b"a013 APPEND saved-messages (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {23}\r\n"
    b"Subject: afternoon\r\n\r\nx\r\n",
    b"a014 APPEND INBOX ~{5+}\r\nab\x00cd\r\n",
    b"a015 UID SEARCH RETURN (MIN COUNT) CHARSET UTF-8 OR (FROM \"Smith\" SINCE 1-Feb-1994) "
    b"NOT (SEEN 1:5,7) HEADER X-Foo {3}\r\nbar LARGER 100 MODSEQ 620162338\r\n",
    b"a016 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)] BODY.PEEK[1.2.MIME]<0.2048> "
    b"BINARY[3] RFC822.SIZE)\r\n",
    b"a017 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n",
    b"a018 STORE 2:4 +FLAGS.SILENT (\\Deleted $Junk) \r\n",
    b"a019 UID STORE 1,3 (UNCHANGEDSINCE 320162338) X-GM-LABELS (\\Inbox \"a b\")\r\n",
    b"a020 UID COPY 1:3 \"Trash\"\r\n",
    b"a021 MOVE $ Archive\r\n",
    b"a022 UID SORT (REVERSE ARRIVAL SUBJECT) UTF-8 ALL\r\n",
    b"a023 THREAD REFERENCES US-ASCII SUBJECT \"x\"\r\n",
    b"a024 ID (\"name\" \"fuzz\" \"version\" NIL)\r\n",
    b"a025 IDLE\r\n",
    b"a026 COMPRESS DEFLATE\r\n",
    b"a027 SETQUOTA \"\" (STORAGE 512)\r\n",
    b"a028 SETACL INBOX fred -w\r\n",
    b"a029 GETMETADATA (DEPTH infinity MAXSIZE 1024) INBOX (/shared/comment /private)\r\n",
    b"a030 SETMETADATA INBOX (/private/comment ~{3}\r\na\x00b /shared/x NIL)\r\n",
    b"a031 UID EXPUNGE 3000:3002\r\n",
    b"a032 XFOO bar (baz {2}\r\nqu) \"x\"\r\n",
    b"a033 NOOP\r\na034 LOGOUT\r\n",
    b"a035 APPEND INBOX {2000000000}\r\n",
]


AMPLIFICATION = [
    ("client-esearch-all", 0x02,
     b"* ESEARCH (TAG \"A0002\") UID ALL 1:4294967295\r\nA0002 OK done\r\n"),
    ("client-copyuid", 0x02,
     b"A0004 OK [COPYUID 7 1:4294967295 1:4294967295] done\r\n"),
    ("client-vanished", 0x04,
     b"* VANISHED 1:4294967295\r\n* VANISHED (EARLIER) 1:100000000\r\n"),
    ("client-search", 0x02, b"* SEARCH " + b"4294967295 " * 40 + b"1\r\n"),
    ("client-exists", 0x00, b"* 4294967295 EXISTS\r\n" + b"* 1 EXISTS\r\n" * 40),
    ("client-fetch", 0x02,
     b"* 1 FETCH (UID 1 FLAGS (\\Seen a b c d e f g h))\r\n"
     b"* 2 FETCH (UID 2 BODYSTRUCTURE (" + b"()" * 30 + b" \"mixed\"))\r\n"),
    ("client-partial", 0x02,
     b"* ESEARCH (TAG \"A0002\") UID PARTIAL (-1:-4294967295 1:4294967295)\r\n"),
    ("server-fetch", 0x3f,
     b"a1 FETCH 1:* (BODY.PEEK[] BODY.PEEK[] BODY.PEEK[] BODY.PEEK[])\r\n"),
    ("server-sets", 0x3f, b"a2 FETCH 1:*,1:*,1:*,1:*,1:*,1:* (FLAGS)\r\n"),
    ("server-search", 0x3f,
     b"a3 SEARCH TEXT body OR TEXT a TEXT b\r\na4 THREAD REFERENCES UTF-8 ALL\r\n"),
    ("server-list", 0x0f, b"a5 LIST \"\" \"*%*%*%*%*%*%*%*x\"\r\na6 CREATE a/b/c/d/e/f\r\n"),
]


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def groups(items, n):
    return [items[i:i + n] for i in range(0, len(items), n)]


def main():
    for target in ("response", "command", "roundtrip_response", "roundtrip_command",
                   "framer_chunks"):
        # Inputs the fuzzer found (`regression-*`, added by hand) are kept.
        d = os.path.join(CORPUS, target)
        for name in os.listdir(d) if os.path.isdir(d) else []:
            if not name.startswith("regression-"):
                os.remove(os.path.join(d, name))

    n = 0
    for name in sorted(os.listdir(os.path.join(CORE, "tests", "data"))):
        if not name.endswith(".txt"):
            continue
        for i, group in enumerate(groups(rfc_units(name), 8)):
            write("response", f"{name[:-4]}-{i:02}", CONTROLS[n % len(CONTROLS)] + b"".join(group))
            n += 1
    for i, group in enumerate(groups(quirk_strings(), 5)):
        write("response", f"quirks-{i:02}", CONTROLS[n % len(CONTROLS)] + b"".join(group))
        n += 1
    write("response", "huge-literal", b"\x00* 1 FETCH (BODY[] {2147483648}\r\nabc)\r\n* OK\r\n")
    write("response", "deep-nesting",
          b"\x00* 1 FETCH (BODYSTRUCTURE " + b"(" * 40 + b"\"TEXT\" \"PLAIN\" NIL NIL NIL "
          b"\"7BIT\" 1 1" + b")" * 40 + b")\r\n")

    for i, group in enumerate(groups(COMMANDS, 3)):
        write("command", f"commands-{i:02}", CONTROLS[i % len(CONTROLS)] + b"".join(group))

    rng = random.Random(9051)
    for target in ("roundtrip_response", "roundtrip_command"):
        for i in range(16):
            seed = bytes(rng.randrange(256) for _ in range(32))
            write(target, f"seed-{i:02}", seed + bytes([i % 4]))
    # framer_chunks: [seed; 32] [mode] [sizes...]
    modes = [
        (0x00, b""),              # responses, one byte at a time
        (0x00, b"\x06\x02"),      # responses, pieces of 7 and 3
        (0x08, b"\x04"),          # responses, literals over 0 bytes streamed
        (0x38, b"\x01\x10"),      # responses, literals over 3 bytes streamed
        (0x01, b"\x05"),          # commands, default options
        (0x03, b""),              # commands, LITERAL+
        (0x05, b"\x00\x3f"),      # commands, LITERAL-
        (0x07, b"\x02"),          # commands, UTF8=ACCEPT
    ]
    for i in range(16):
        seed = bytes(rng.randrange(256) for _ in range(32))
        mode, sizes = modes[i % len(modes)]
        write("framer_chunks", f"seed-{i:02}", seed + bytes([mode]) + sizes)

    # amplification: [ctl] peer bytes. Even ctl: client side, EXISTS = (ctl >> 1) * 1000, the
    # bytes a hostile server's; odd: server side, pieces of ((ctl >> 1) & 0x1f) + 1 bytes.
    shutil.rmtree(os.path.join(CORPUS, "amplification"), ignore_errors=True)
    for name, ctl, data in AMPLIFICATION:
        write("amplification", name, bytes([ctl]) + data)

    for target in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, target))
        size = sum(os.path.getsize(os.path.join(CORPUS, target, f)) for f in files)
        print(f"{target}: {len(files)} files, {size} bytes")


if __name__ == "__main__":
    main()
