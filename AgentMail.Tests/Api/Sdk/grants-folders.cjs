const { Nylas, nylas, failure, report } = require('./sdk-common.cjs');

report(async () => {
  const email = process.env.EMAIL;
  const created = await nylas.auth.customAuthentication({
    requestBody: { provider: 'nylas', name: 'SDK Agent', settings: { email, app_password: process.env.PASSWORD } },
  });
  const id = created.data.id;
  const byId = await nylas.grants.find({ grantId: id });
  const byEmail = await nylas.grants.find({ grantId: email });
  const listed = await nylas.grants.list({ queryParams: { limit: 200, email } });
  const updated = await nylas.grants.update({ grantId: id, requestBody: { name: 'SDK Renamed', settings: { app_password: process.env.NEW_PASSWORD } } });

  const folders = await nylas.folders.list({ identifier: id });
  const folder = await nylas.folders.create({ identifier: id, requestBody: { name: 'SDK Folder' } });
  const child = await nylas.folders.create({ identifier: id, requestBody: { name: 'Child', parentId: folder.data.id } });
  const foundFolder = await nylas.folders.find({ identifier: id, folderId: folder.data.id });
  const renamed = await nylas.folders.update({ identifier: id, folderId: child.data.id, requestBody: { name: 'SDK Child' } });
  const removed = await nylas.folders.destroy({ identifier: id, folderId: renamed.data.id });
  const afterRemove = await nylas.folders.list({ identifier: id });

  const unknownGrant = await failure(() => nylas.grants.find({ grantId: '00000000-0000-0000-0000-000000000000' }));
  const badPassword = await failure(() => nylas.grants.update({ grantId: id, requestBody: { settings: { app_password: 'short' } } }));
  const wrongKey = await failure(() => new Nylas({ apiKey: 'wrong', apiUri: process.env.NYLAS_API_URI }).grants.list());
  const systemFolder = await failure(() => nylas.folders.destroy({ identifier: id, folderId: 'inbox' }));

  return {
    created: { requestId: created.requestId, id, email: created.data.email, name: created.data.name, provider: created.data.provider, grantStatus: created.data.grantStatus, hasAppPassword: created.data.hasAppPassword },
    byId: byId.data.id, byEmail: byEmail.data.id, listed: listed.data.map((g) => g.id),
    updated: { name: updated.data.name, hasAppPassword: updated.data.hasAppPassword },
    folders: folders.data.map((f) => ({ id: f.id, name: f.name, attributes: f.attributes, systemFolder: f.systemFolder, totalCount: f.totalCount, unreadCount: f.unreadCount })),
    folder: { id: folder.data.id, name: folder.data.name },
    child: { id: child.data.id, name: child.data.name, parentId: child.data.parentId },
    foundFolder: { name: foundFolder.data.name, childCount: foundFolder.data.childCount },
    renamed: { id: renamed.data.id, name: renamed.data.name },
    removed: { requestId: removed.requestId },
    afterRemove: afterRemove.data.map((f) => f.name),
    unknownGrant, badPassword, wrongKey, systemFolder,
  };
});
