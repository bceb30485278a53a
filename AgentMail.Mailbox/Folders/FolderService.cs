using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Objects;
using AgentMail.Mailbox.Storage;
using Npgsql;

namespace AgentMail.Mailbox.Folders;

/// <summary>Lists, creates, renames, subscribes and deletes a grant's folders.</summary>
public sealed class FolderService(MailboxDatabase database, ChangePublisher publisher)
{
    /// <summary>Every folder of the grant, INBOX first, then by name.</summary>
    public async Task<IReadOnlyList<Folder>> ListAsync(Guid grantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"""
            SELECT {Folder.Columns} FROM folders WHERE grant_id = $1 ORDER BY role = 'inbox' DESC NULLS LAST, name
            """, connection);
        command.Parameters.AddWithValue(grantId);
        var folders = new List<Folder>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            folders.Add(Folder.Read(reader));
        return folders;
    }

    /// <summary>API objects for a folder list (parent ids and child counts resolved within the list).</summary>
    public static IReadOnlyList<FolderObject> ToObjects(IReadOnlyList<Folder> folders)
    {
        var byName = folders.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var children = folders.Where(f => f.ParentName is not null).GroupBy(f => f.ParentName!).ToDictionary(g => g.Key, g => g.Count());
        return folders.Select(f => f.ToObject(
            f.ParentName is { } parent && byName.TryGetValue(parent, out var p) ? p.PublicId : null,
            children.GetValueOrDefault(f.Name))).ToList();
    }

    public Task<Folder?> GetAsync(Guid grantId, string publicId, CancellationToken cancellationToken) =>
        FindAsync("grant_id = $1 AND public_id = $2", grantId, publicId, cancellationToken);

    public Task<Folder?> GetByIdAsync(Guid grantId, long id, CancellationToken cancellationToken) =>
        FindAsync("grant_id = $1 AND id = $2", grantId, id, cancellationToken);

    public Task<Folder?> GetByRoleAsync(Guid grantId, string role, CancellationToken cancellationToken) =>
        FindAsync("grant_id = $1 AND role = $2", grantId, role, cancellationToken);

    /// <summary>By full name; INBOX in any case.</summary>
    public Task<Folder?> FindByNameAsync(Guid grantId, string name, CancellationToken cancellationToken) =>
        FindAsync("grant_id = $1 AND name = $2", grantId, FolderNameRules.Canonical(name), cancellationToken);

    private async Task<Folder?> FindAsync<T>(string where, Guid grantId, T key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Folder.Columns} FROM folders WHERE {where}", connection);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(key!);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Folder.Read(reader) : null;
    }

    /// <summary>
    /// Creates a folder, and any missing ancestors (as RFC 9051 §6.3.4 asks of CREATE); one
    /// folder.created event per folder created. Returns the folder named.
    /// </summary>
    public async Task<Folder> CreateAsync(Guid grantId, string name, CancellationToken cancellationToken)
    {
        if (FolderNameRules.Validate(name) is { } invalid)
            throw new MailboxException(MailboxError.InvalidFolderName, invalid);
        name = FolderNameRules.Canonical(name);

        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        await LockGrantAsync(tx, grantId, cancellationToken).ConfigureAwait(false);
        Folder? created = null;
        foreach (var level in FolderNameRules.Ancestors(name).Append(name))
        {
            var exists = await ExistsAsync(tx, grantId, level, cancellationToken).ConfigureAwait(false);
            if (exists && level == name)
                throw new MailboxException(MailboxError.FolderAlreadyExists, $"A folder named '{name}' already exists.");
            if (exists)
                continue;
            await using var insert = tx.Command($"""
                INSERT INTO folders (grant_id, public_id, name) VALUES ($1, $2, $3) RETURNING {Folder.Columns}
                """);
            insert.Parameters.AddWithValue(grantId);
            insert.Parameters.AddWithValue(Guid.CreateVersion7().ToString());
            insert.Parameters.AddWithValue(level);
            await using (var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                created = Folder.Read(reader);
            }
            tx.AddEvent(grantId, EventTypes.FolderCreated, created.PublicId,
                MailboxJson.Serialize(await FolderRows.ToObjectAsync(tx, created, cancellationToken).ConfigureAwait(false)));
        }
        tx.Notify(new MailboxChange(grantId, ChangeKind.Folders));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return created!;
    }

    /// <summary>
    /// Renames a folder and its whole subtree (keeping ids and UIDVALIDITY, as RFC 9051 §6.3.6
    /// allows); creates missing ancestors of the new name. System folders keep their names.
    /// </summary>
    public async Task<Folder> RenameAsync(Guid grantId, long folderId, string newName, CancellationToken cancellationToken)
    {
        if (FolderNameRules.Validate(newName) is { } invalid)
            throw new MailboxException(MailboxError.InvalidFolderName, invalid);
        newName = FolderNameRules.Canonical(newName);

        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        await LockGrantAsync(tx, grantId, cancellationToken).ConfigureAwait(false);
        var folder = await FolderRows.LockOneAsync(tx, grantId, folderId, cancellationToken).ConfigureAwait(false);
        if (folder.IsSystem)
            throw new MailboxException(MailboxError.SystemFolderImmutable, $"'{folder.Name}' is a system folder and cannot be renamed.");
        if (newName == folder.Name)
            return folder;
        if (newName.StartsWith(folder.Name + Folder.Delimiter, StringComparison.Ordinal))
            throw new MailboxException(MailboxError.InvalidFolderName, "A folder cannot be moved inside itself.");
        if (await ExistsAsync(tx, grantId, newName, cancellationToken).ConfigureAwait(false))
            throw new MailboxException(MailboxError.FolderAlreadyExists, $"A folder named '{newName}' already exists.");

        foreach (var ancestor in FolderNameRules.Ancestors(newName))
        {
            if (await ExistsAsync(tx, grantId, ancestor, cancellationToken).ConfigureAwait(false))
                continue;
            await using var insert = tx.Command($"INSERT INTO folders (grant_id, public_id, name) VALUES ($1, $2, $3) RETURNING {Folder.Columns}");
            insert.Parameters.AddWithValue(grantId);
            insert.Parameters.AddWithValue(Guid.CreateVersion7().ToString());
            insert.Parameters.AddWithValue(ancestor);
            Folder ancestorFolder;
            await using (var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ancestorFolder = Folder.Read(reader);
            }
            tx.AddEvent(grantId, EventTypes.FolderCreated, ancestorFolder.PublicId,
                MailboxJson.Serialize(await FolderRows.ToObjectAsync(tx, ancestorFolder, cancellationToken).ConfigureAwait(false)));
        }

        var renamed = new List<Folder>();
        await using (var update = tx.Command($"""
            UPDATE folders SET name = $3 || substr(name, length($2) + 1), updated_at = now()
            WHERE grant_id = $1 AND (name = $2 OR starts_with(name, $2 || '/'))
            RETURNING {Folder.Columns}
            """))
        {
            update.Parameters.AddWithValue(grantId);
            update.Parameters.AddWithValue(folder.Name);
            update.Parameters.AddWithValue(newName);
            await using var reader = await update.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                renamed.Add(Folder.Read(reader));
        }
        foreach (var f in renamed)
            tx.AddEvent(grantId, EventTypes.FolderUpdated, f.PublicId, MailboxJson.Serialize(await FolderRows.ToObjectAsync(tx, f, cancellationToken).ConfigureAwait(false)));
        tx.Notify(new MailboxChange(grantId, ChangeKind.Folders));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return renamed.Single(f => f.Id == folderId);
    }

    /// <summary>
    /// Deletes a folder the user created, and its messages for good (message.deleted each, then
    /// folder.deleted). Refused for system folders and for folders with children.
    /// </summary>
    public async Task DeleteAsync(Guid grantId, long folderId, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        await LockGrantAsync(tx, grantId, cancellationToken).ConfigureAwait(false);
        var folder = await FolderRows.LockOneAsync(tx, grantId, folderId, cancellationToken).ConfigureAwait(false);
        if (folder.IsSystem)
            throw new MailboxException(MailboxError.SystemFolderImmutable, $"'{folder.Name}' is a system folder and cannot be deleted.");
        await using (var children = tx.Command("SELECT EXISTS (SELECT 1 FROM folders WHERE grant_id = $1 AND starts_with(name, $2))"))
        {
            children.Parameters.AddWithValue(grantId);
            children.Parameters.AddWithValue(folder.Name + Folder.Delimiter);
            if (await children.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                throw new MailboxException(MailboxError.FolderHasChildren, $"'{folder.Name}' has subfolders; delete them first.");
        }

        var folderObject = await FolderRows.ToObjectAsync(tx, folder, cancellationToken).ConfigureAwait(false);
        var messages = await MessageRows.SelectAsync(tx, grantId, MessageSelection.Uids(folder.Id, new UidRange(1, long.MaxValue)), onlyDeleted: false, cancellationToken).ConfigureAwait(false);
        await MessageRows.PurgeAsync(tx, messages, cancellationToken).ConfigureAwait(false);
        await using (var delete = tx.Command("DELETE FROM folders WHERE id = $1"))
        {
            delete.Parameters.AddWithValue(folder.Id);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        tx.AddEvent(grantId, EventTypes.FolderDeleted, folder.PublicId, MailboxJson.Serialize(folderObject with { TotalCount = 0, UnreadCount = 0 }));
        tx.Notify(new MailboxChange(grantId, ChangeKind.Folders));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>IMAP SUBSCRIBE/UNSUBSCRIBE (LSUB and LIST (SUBSCRIBED) read it); no webhook.</summary>
    public async Task SetSubscribedAsync(Guid grantId, long folderId, bool subscribed, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        await using var update = tx.Command("UPDATE folders SET subscribed = $3 WHERE grant_id = $1 AND id = $2");
        update.Parameters.AddWithValue(grantId);
        update.Parameters.AddWithValue(folderId);
        update.Parameters.AddWithValue(subscribed);
        if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            throw new MailboxException(MailboxError.FolderNotFound, "The folder does not exist.");
        tx.Notify(new MailboxChange(grantId, ChangeKind.Folders));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Serializes changes to a grant's folder tree (names are checked, then written): the grant
    /// row is taken first, before any folder row, in keeping with the global lock order.
    /// </summary>
    private static async Task LockGrantAsync(MailboxTransaction tx, Guid grantId, CancellationToken cancellationToken)
    {
        await using var command = tx.Command("SELECT 1 FROM grants WHERE id = $1 FOR UPDATE");
        command.Parameters.AddWithValue(grantId);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            throw new MailboxException(MailboxError.GrantNotFound, "The grant does not exist.");
    }

    private static async Task<bool> ExistsAsync(MailboxTransaction tx, Guid grantId, string name, CancellationToken cancellationToken)
    {
        await using var command = tx.Command("SELECT EXISTS (SELECT 1 FROM folders WHERE grant_id = $1 AND name = $2)");
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(name);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
    }
}
