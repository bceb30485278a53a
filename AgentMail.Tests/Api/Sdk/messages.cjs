const { nylas, failure, report } = require('./sdk-common.cjs');

report(async () => {
  const identifier = process.env.GRANT;
  const firstPage = await nylas.messages.list({ identifier, queryParams: { limit: 2 } });
  const pages = [];
  for await (const page of nylas.messages.list({ identifier, queryParams: { limit: 2 } })) {
    pages.push(page.data.map((m) => m.id));
  }
  // With a limit the SDK itself follows next_cursor (asking for what remains) until it has enough.
  const three = await nylas.messages.list({ identifier, queryParams: { limit: 3 } });
  const unread = await nylas.messages.list({ identifier, queryParams: { unread: true } });
  const fromBob = await nylas.messages.list({ identifier, queryParams: { from: ['bob@example.com'], in: ['inbox'] } });
  const anyEmail = await nylas.messages.list({ identifier, queryParams: { anyEmail: ['carol@example.com', 'nobody@example.com'] } });
  const search = await nylas.messages.list({ identifier, queryParams: { searchQueryNative: 'station' } });
  const withFile = await nylas.messages.list({ identifier, queryParams: { hasAttachment: true } });
  const target = firstPage.data[0].id;
  const found = await nylas.messages.find({ identifier, messageId: target, queryParams: { fields: 'include_headers' } });
  const updated = await nylas.messages.update({
    identifier, messageId: target, requestBody: { unread: false, starred: true, folders: ['archive'], metadata: { key1: 'sdk' } },
  });
  const last = pages[pages.length - 1];
  const destroyed = await nylas.messages.destroy({ identifier, messageId: last[last.length - 1] });
  const missing = await failure(() => nylas.messages.find({ identifier, messageId: '00000000-0000-0000-0000-000000000000' }));
  const badFilter = await failure(() => nylas.messages.list({ identifier, queryParams: { limit: 500 } }));

  return {
    firstPage: { ids: firstPage.data.map((m) => m.id), nextCursor: firstPage.nextCursor, requestId: firstPage.requestId },
    pages,
    three: three.data.map((m) => m.id),
    unread: unread.data.map((m) => m.id),
    fromBob: fromBob.data.map((m) => m.id),
    anyEmail: anyEmail.data.map((m) => m.id),
    search: search.data.map((m) => m.id),
    withFile: withFile.data.map((m) => ({ id: m.id, attachments: m.attachments.map((a) => ({ id: a.id, filename: a.filename, size: a.size, contentType: a.contentType })) })),
    found: { id: found.data.id, subject: found.data.subject, body: found.data.body, threadId: found.data.threadId, from: found.data.from, headerNames: found.data.headers.map((h) => h.name) },
    updated: { unread: updated.data.unread, starred: updated.data.starred, folders: updated.data.folders, metadata: updated.data.metadata },
    destroyed: { requestId: destroyed.requestId },
    missing, badFilter,
  };
});
