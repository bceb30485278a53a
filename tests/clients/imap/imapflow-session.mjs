// A mail-client session with imapflow (Node) against AgentMail IMAP over TLS.
// Usage: node imapflow-session.mjs HOST PORT CAFILE USER PASSWORD
// Prints one JSON object per line; prints {"event":"idling"} once IDLE runs, then the first
// update (flags change or new message) another surface makes.
import { ImapFlow } from 'imapflow';
import { readFileSync } from 'node:fs';

const [host, port, cafile, user, pass] = process.argv.slice(2);
const started = Date.now();
const say = (value) => process.stdout.write(JSON.stringify({ ...value, ms: Date.now() - started }) + '\n');

const client = new ImapFlow({
    host, port: Number(port), secure: true, logger: false,
    tls: { ca: [readFileSync(cafile)], servername: 'localhost' },
    auth: { user, pass },
});

await client.connect();
say({ event: 'connected', capabilities: [...client.capabilities.keys()].sort() });

const folders = await client.list();
say({ event: 'list', folders: folders.map(f => ({ path: f.path, specialUse: f.specialUse ?? null, delimiter: f.delimiter })) });

const lock = await client.getMailboxLock('INBOX');
try {
    say({ event: 'mailbox', exists: client.mailbox.exists, uidValidity: String(client.mailbox.uidValidity), highestModseq: String(client.mailbox.highestModseq ?? '') });
    for await (const message of client.fetch('1:*', { uid: true, flags: true, envelope: true, bodyStructure: true, source: true })) {
        say({ event: 'fetch', uid: message.uid, subject: message.envelope.subject, flags: [...message.flags], size: message.source.length, type: message.bodyStructure.type });
    }
    await client.messageFlagsAdd({ uid: '1' }, ['\\Seen', '$MailFlagBit1'], { uid: true });
    const moved = await client.messageMove('2', 'Archive', { uid: true });
    say({ event: 'moved', uidMap: [...(moved.uidMap ?? new Map()).entries()] });
    const appended = await client.append('Sent', 'From: Node <node@example.com>\r\nSubject: From imapflow\r\n\r\nSent by imapflow.\r\n', ['\\Seen']);
    say({ event: 'appended', uid: appended.uid, uidValidity: String(appended.uidValidity) });
    const deleted = await client.messageDelete({ uid: '3' }, { uid: true });
    say({ event: 'deleted', ok: deleted });

    const pushed = new Promise((resolve) => {
        client.on('flags', (data) => resolve({ event: 'flags', uid: data.uid, flags: [...data.flags] }));
        client.on('exists', (data) => resolve({ event: 'exists', count: data.count }));
    });
    const idle = client.idle();
    setTimeout(() => say({ event: 'idling' }), 300);
    let timer;
    const update = await Promise.race([pushed, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('no push within 20 s')), 20000); })]);
    clearTimeout(timer);
    say(update);
    await client.noop();
    await idle.catch(() => {});
} finally {
    lock.release();
}
await client.logout();
say({ event: 'logout' });
