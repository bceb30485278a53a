using AgentMail.Mailbox.Storage;
using Npgsql;

namespace AgentMail.Mailbox.Folders;

/// <summary>Folder reads and locks inside a transaction.</summary>
internal static class FolderRows
{
    /// <summary>
    /// Locks folder rows in ascending id order — the one lock order every operation follows, so
    /// two operations touching the same folders can never deadlock. The folder row lock is what
    /// serializes UID and MODSEQ allocation: commit order equals UID order within a folder.
    /// </summary>
    public static async Task<Dictionary<long, Folder>> LockAsync(MailboxTransaction tx, Guid grantId, IEnumerable<long> folderIds, CancellationToken cancellationToken)
    {
        await using var batch = tx.Batch();
        batch.BatchCommands.Add(LockCommand(grantId, folderIds));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadLockedAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><see cref="LockAsync"/> as a batch command, for a caller that reads in the same round trip.</summary>
    public static NpgsqlBatchCommand LockCommand(Guid grantId, IEnumerable<long> folderIds)
    {
        var command = new NpgsqlBatchCommand($"SELECT {Folder.Columns} FROM folders WHERE grant_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE");
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(folderIds.Distinct().Order().ToArray());
        return command;
    }

    public static async Task<Dictionary<long, Folder>> ReadLockedAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var folders = new Dictionary<long, Folder>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var folder = Folder.Read(reader);
            folders[folder.Id] = folder;
        }
        return folders;
    }

    public static async Task<Folder> LockOneAsync(MailboxTransaction tx, Guid grantId, long folderId, CancellationToken cancellationToken)
    {
        var folders = await LockAsync(tx, grantId, [folderId], cancellationToken).ConfigureAwait(false);
        return folders.TryGetValue(folderId, out var folder)
            ? folder
            : throw new MailboxException(MailboxError.FolderNotFound, "The folder does not exist.");
    }

    public static async Task<Folder?> FindByRoleAsync(MailboxTransaction tx, Guid grantId, string role, CancellationToken cancellationToken)
    {
        await using var command = tx.Command($"SELECT {Folder.Columns} FROM folders WHERE grant_id = $1 AND role = $2");
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(role);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Folder.Read(reader) : null;
    }

    /// <summary>The API object of a folder as of this transaction (parent id and child count included).</summary>
    public static async Task<Objects.FolderObject> ToObjectAsync(MailboxTransaction tx, Folder folder, CancellationToken cancellationToken)
    {
        await using var command = tx.Command("""
            SELECT (SELECT public_id FROM folders WHERE grant_id = $1 AND name = $2),
                   (SELECT count(*)::int FROM folders WHERE grant_id = $1 AND starts_with(name, $3)
                        AND strpos(substr(name, length($3) + 1), '/') = 0)
            """);
        command.Parameters.AddWithValue(folder.GrantId);
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)folder.ParentName ?? DBNull.Value);
        command.Parameters.AddWithValue(folder.Name + Folder.Delimiter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return folder.ToObject(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt32(1));
    }
}
