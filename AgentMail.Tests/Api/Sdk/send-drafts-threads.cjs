const crypto = require('node:crypto');
const { nylas, failure, report } = require('./sdk-common.cjs');

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

async function readAll(stream) {
  const chunks = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

report(async () => {
  const identifier = process.env.GRANT;
  const small = Buffer.from('hello from the nylas sdk\n');
  // Above 3 MB the SDK switches to multipart/form-data.
  const big = crypto.randomBytes(3.5 * 1024 * 1024);

  const sent = await nylas.messages.send({
    identifier,
    requestBody: {
      to: [{ name: 'Bob', email: 'bob@example.com' }],
      bcc: [{ email: 'audit@example.com' }],
      subject: 'SDK hello',
      body: '<p>Sent with the <b>Nylas SDK</b></p>',
      attachments: [{ filename: 'hello.txt', contentType: 'text/plain', content: small }],
      metadata: { key2: 'sdk-send' },
    },
  });
  const large = await nylas.messages.send({
    identifier,
    requestBody: {
      to: [{ email: 'carol@example.com' }],
      subject: 'SDK large',
      body: 'big file attached',
      attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', content: big, size: big.length }],
    },
  });
  const reply = await nylas.messages.send({
    identifier,
    requestBody: { to: [{ email: 'bob@example.com' }], subject: 'Re: SDK hello', body: 'and a reply', replyToMessageId: sent.data.id },
  });

  const smallAttachment = sent.data.attachments[0];
  const meta = await nylas.attachments.find({ identifier, attachmentId: smallAttachment.id, queryParams: { messageId: sent.data.id } });
  const smallBytes = await nylas.attachments.downloadBytes({ identifier, attachmentId: smallAttachment.id, queryParams: { messageId: sent.data.id } });
  const largeAttachment = large.data.attachments[0];
  const largeStream = await nylas.attachments.download({ identifier, attachmentId: largeAttachment.id, queryParams: { messageId: large.data.id } });
  const largeBytes = await readAll(largeStream);

  const draft = await nylas.drafts.create({
    identifier, requestBody: { to: [{ email: 'dave@example.com' }], subject: 'SDK draft', body: '<p>draft body</p>', starred: true },
  });
  const drafts = await nylas.drafts.list({ identifier });
  const foundDraft = await nylas.drafts.find({ identifier, draftId: draft.data.id });
  const updatedDraft = await nylas.drafts.update({ identifier, draftId: draft.data.id, requestBody: { subject: 'SDK draft v2' } });
  const sentDraft = await nylas.drafts.send({ identifier, draftId: draft.data.id });
  const draftsAfter = await nylas.drafts.list({ identifier });

  const threads = await nylas.threads.list({ identifier, queryParams: { limit: 10 } });
  const thread = await nylas.threads.find({ identifier, threadId: sent.data.threadId });
  const threadUpdated = await nylas.threads.update({ identifier, threadId: sent.data.threadId, requestBody: { unread: true, starred: true } });
  const threadDeleted = await nylas.threads.destroy({ identifier, threadId: large.data.threadId });
  const deletedThread = await nylas.threads.find({ identifier, threadId: large.data.threadId });
  const noRecipients = await failure(() => nylas.messages.send({ identifier, requestBody: { to: [], subject: 'nobody' } }));

  return {
    sent: { id: sent.data.id, threadId: sent.data.threadId, folders: sent.data.folders, subject: sent.data.subject, from: sent.data.from, bcc: sent.data.bcc, metadata: sent.data.metadata, grantId: sent.grantId, attachmentCount: sent.data.attachments.length },
    large: { id: large.data.id, attachment: { id: largeAttachment.id, size: largeAttachment.size, filename: largeAttachment.filename } },
    reply: { id: reply.data.id, threadId: reply.data.threadId, inReplyTo: reply.data.inReplyTo },
    meta: { id: meta.data.id, filename: meta.data.filename, size: meta.data.size, contentType: meta.data.contentType },
    smallBytes: smallBytes.toString('utf8'),
    largeSha: sha256(largeBytes), bigSha: sha256(big), largeLength: largeBytes.length,
    draft: { id: draft.data.id, object: draft.data.object, starred: draft.data.starred, folders: draft.data.folders },
    drafts: drafts.data.map((d) => d.id),
    foundDraft: { subject: foundDraft.data.subject, body: foundDraft.data.body },
    updatedDraft: { id: updatedDraft.data.id, subject: updatedDraft.data.subject, body: updatedDraft.data.body },
    sentDraft: { id: sentDraft.data.id, folders: sentDraft.data.folders, subject: sentDraft.data.subject },
    draftsAfter: draftsAfter.data.map((d) => d.id),
    threads: threads.data.map((t) => t.id),
    thread: { id: thread.data.id, messageIds: thread.data.messageIds, subject: thread.data.subject, participants: thread.data.participants.map((p) => p.email), latestId: thread.data.latestDraftOrMessage.id },
    threadUpdated: { unread: threadUpdated.data.unread, starred: threadUpdated.data.starred },
    threadDeleted: { requestId: threadDeleted.requestId },
    deletedThreadFolders: deletedThread.data.folders,
    noRecipients,
  };
});
