// ImapFlow (Node) against the mock server: one session over implicit TLS exercising what
// ImapFlow users do, printing one `KEY: value` line per step for tests/tests/real_clients.rs.
// Usage: node session.js <host> <port> <ca.pem>
'use strict';
const fs = require('fs');
const { ImapFlow } = require('imapflow');

const [host, port, caFile] = process.argv.slice(2);
const options = {
    host,
    port: Number(port),
    secure: true,
    tls: { ca: [fs.readFileSync(caFile)], servername: 'localhost' },
    auth: { user: 'demo', pass: 'demo' },
    logger: false,
    qresync: true,
    autoIdleDelay: 200,
};
const out = (key, value) => console.log(`${key}: ${value}`);
const within = (ms, promise, what) =>
    Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`no ${what} in ${ms} ms`)), ms))]);

(async () => {
    const client = new ImapFlow(options);
    await client.connect();
    out('ENABLED', [...(client.enabled || [])].sort().join(','));
    const list = await client.list({ statusQuery: { messages: true } });
    out('LIST', list.map(m => `${m.path}=${m.specialUse || '-'}/${m.status.messages}`).sort().join(' '));

    let lock = await client.getMailboxLock('INBOX');
    try {
        out('SELECT', `${client.mailbox.exists} ${client.mailbox.uidValidity} ${client.mailbox.highestModseq > 0n}`);
        let count = 0;
        let subjects = 0;
        for await (const m of client.fetch('1:*', { uid: true, flags: true, envelope: true, bodyStructure: true, internalDate: true, size: true })) {
            count++;
            if (m.envelope.subject && m.bodyStructure.type && m.size > 0 && m.internalDate instanceof Date) subjects++;
        }
        out('FETCH', `${count} ${subjects}`);
        const one = await client.fetchOne('1', { source: true, headers: ['subject'] });
        out('HEADER', one.headers.toString().trim());
        const dl = await client.download('1');
        let n = 0;
        for await (const chunk of dl.content) n += chunk.length;
        out('DOWNLOAD', n === one.source.length ? 'same' : `${n} != ${one.source.length}`);
        out('SEARCH_UNSEEN', (await client.search({ seen: false }, { uid: true })).length > 0);
        out('SEARCH_SUBJECT', (await client.search({ subject: 'Welcome' })).join(','));
        await client.messageFlagsAdd('1', ['\\Flagged', '$Custom']);
        const f = await client.fetchOne('1', { flags: true });
        out('FLAGS', [...f.flags].filter(x => x !== '\\Recent').sort().join(' '));
        const app = await client.append('INBOX', 'From: a@example.org\r\nSubject: appended\r\n\r\nbody\r\n', ['\\Seen']);
        out('APPEND', app.uid > 0);
        const cp = await client.messageCopy('1:2', 'Archive');
        out('COPY', cp.uidMap.size);
        const mv = await client.messageMove(String(app.uid), 'Trash', { uid: true });
        out('MOVE', mv.uidMap.size);
        // With QRESYNC the server reports the expunge as VANISHED, which ImapFlow does not count
        // in `mailbox.exists`: count by searching.
        const all = async () => (await client.search({ all: true })).length;
        const before = await all();
        await client.messageDelete('2');
        out('DELETE', before - (await all()));
        const st = await client.status('Archive', { messages: true, uidNext: true });
        out('STATUS', `${st.messages} ${st.uidNext}`);
    } finally {
        lock.release();
    }
    await client.mailboxCreate('Projects/Alpha');
    await client.mailboxRename('Projects/Alpha', 'Projects/Beta');
    out('RENAMED', (await client.list()).some(m => m.path === 'Projects/Beta'));
    await client.mailboxDelete('Projects/Beta');

    // IDLE (started by ImapFlow itself) sees a message another connection appends.
    await client.mailboxOpen('INBOX');
    const exists = client.mailbox.exists;
    const event = new Promise(resolve => client.on('exists', resolve));
    await new Promise(resolve => setTimeout(resolve, 600));
    const other = new ImapFlow({ ...options, qresync: false });
    await other.connect();
    await other.append('INBOX', 'From: b@example.org\r\nSubject: during idle\r\n\r\nx\r\n');
    await other.logout();
    const e = await within(5000, event, 'EXISTS while idling');
    out('IDLE', `${e.count - exists}`);
    await client.logout();
    out('LOGOUT', 'ok');
})().catch(err => {
    console.error(err);
    process.exit(1);
});
