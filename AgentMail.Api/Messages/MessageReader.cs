using System.Buffers.Text;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Objects;
using AgentMail.Mailbox.Storage;
using AgentMail.Mime;
using AgentMail.Mime.Summary;
using Npgsql;

namespace AgentMail.Api.Messages;

/// <summary>
/// The API's message reads: hand-written SQL scoped by grant, newest first with keyset paging,
/// and the body (and headers) computed from the blob — fetching only the prefix the body needs
/// (<see cref="MessageBody.GetHtmlExtent"/>), never the attachments after it.
/// </summary>
public sealed class MessageReader(MailboxDatabase database, BlobReader blobs)
{
    /// <summary>Bytes of each blob fetched with the row; most messages' text ends well before.</summary>
    private const int PrefixBytes = 16 * 1024;

    /// <summary>One page: messages matching <paramref name="filter"/> strictly after <paramref name="after"/>, newest first.</summary>
    public async Task<List<StoredMessage>> ListAsync(Guid grantId, MessageFilter filter, (DateTimeOffset Time, Guid Id)? after, int limit,
        bool withContent, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var where = MessageSql.Where(grantId, filter, command.Parameters);
        if (after is { } position)
            where += $" AND (m.internal_date, m.id) < ({MessageSql.Add(command.Parameters, position.Time)}, {MessageSql.Add(command.Parameters, position.Id)})";
        command.CommandText = $"""
            SELECT {MessageRecord.Columns("m")}{ContentColumns(withContent)}
            FROM messages m{ContentJoin(withContent)}
            WHERE {where}
            ORDER BY m.internal_date DESC, m.id DESC
            LIMIT {MessageSql.Add(command.Parameters, limit)}
            """;
        return await ReadAsync(command, withContent, cancellationToken);
    }

    public async Task<StoredMessage?> GetAsync(Guid grantId, Guid messageId, bool withContent, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT {MessageRecord.Columns("m")}{ContentColumns(withContent)}
            FROM messages m{ContentJoin(withContent)}
            WHERE m.grant_id = $1 AND m.id = $2
            """, connection);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(messageId);
        return (await ReadAsync(command, withContent, cancellationToken)).SingleOrDefault();
    }

    /// <summary>The given messages of this grant (those that exist), in no particular order.</summary>
    public async Task<List<StoredMessage>> GetManyAsync(Guid grantId, IReadOnlyCollection<Guid> messageIds, bool withContent, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT {MessageRecord.Columns("m")}{ContentColumns(withContent)}
            FROM messages m{ContentJoin(withContent)}
            WHERE m.grant_id = $1 AND m.id = ANY($2)
            """, connection);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(messageIds.ToArray());
        return await ReadAsync(command, withContent, cancellationToken);
    }

    /// <summary>Every message of the given threads (of this grant), oldest first.</summary>
    public async Task<List<StoredMessage>> ListByThreadsAsync(Guid grantId, IReadOnlyCollection<Guid> threadIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT {MessageRecord.Columns("m")} FROM messages m
            WHERE m.grant_id = $1 AND m.thread_id = ANY($2)
            ORDER BY m.internal_date, m.id
            """, connection);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(threadIds.ToArray());
        return await ReadAsync(command, withContent: false, cancellationToken);
    }

    /// <summary>The API objects, with body, headers or raw MIME as <paramref name="view"/> asks.</summary>
    public async Task<IReadOnlyList<MessageObject>> ToObjectsAsync(IReadOnlyList<StoredMessage> messages, MessageView view, CancellationToken cancellationToken)
    {
        if (!view.Body && view.Headers == HeaderSet.None)
            return messages.Select(m => m.Record.ToObject()).ToList();

        // Parse each structure once; fetch longer prefixes for the few whose text goes beyond the first one.
        var parsed = messages.Select(m => m.Structure is null ? null : MessageStructure.FromBytes(m.Structure)).ToArray();
        var needed = new Dictionary<string, (byte[] Sha, int Length)>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (parsed[i] is not { } structure)
                continue;
            var length = Needed(structure, view);
            if (length > messages[i].Prefix!.Length)
            {
                var key = Convert.ToHexString(messages[i].Record.BlobSha256);
                needed[key] = (messages[i].Record.BlobSha256, Math.Max(length, needed.GetValueOrDefault(key).Length));
            }
        }
        var longer = needed.Count == 0 ? [] : await ReadPrefixesAsync(needed.Values, cancellationToken);

        var objects = new List<MessageObject>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var obj = message.Record.ToObject();
            if (parsed[i] is { } structure)
            {
                var bytes = longer.GetValueOrDefault(Convert.ToHexString(message.Record.BlobSha256)) ?? message.Prefix!;
                obj = obj with
                {
                    Body = view.Body ? MessageBody.GetHtml(bytes, structure) : null,
                    Headers = view.Headers == HeaderSet.None ? null : Headers(bytes, structure, view.Headers),
                };
            }
            objects.Add(obj);
        }
        return objects;
    }

    /// <summary>Nylas's <c>raw_mime</c>: the whole message, Base64url-encoded.</summary>
    public async Task<RawMimeObject> ToRawMimeAsync(MessageRecord message, CancellationToken cancellationToken)
    {
        var bytes = await blobs.ReadAllAsync(message.BlobSha256, cancellationToken) ?? [];
        return new RawMimeObject(message.Id.ToString(), message.GrantId.ToString(), Base64Url.EncodeToString(bytes));
    }

    private static int Needed(MessageStructure structure, MessageView view)
    {
        var length = view.Body ? MessageBody.GetHtmlExtent(structure) : 0;
        if (view.Headers != HeaderSet.None)
            length = Math.Max(length, structure.Root.BodyOffset);
        return (int)Math.Min(length, int.MaxValue);
    }

    private static List<HeaderObject> Headers(byte[] bytes, MessageStructure structure, HeaderSet set)
    {
        var fields = MessageHeaders.Read(bytes, structure);
        return fields
            .Where(f => set == HeaderSet.All || f.Name.Equals("Message-ID", StringComparison.OrdinalIgnoreCase)
                || f.Name.Equals("In-Reply-To", StringComparison.OrdinalIgnoreCase) || f.Name.Equals("References", StringComparison.OrdinalIgnoreCase))
            .Select(f => new HeaderObject(f.Name, f.Value))
            .ToList();
    }

    private async Task<Dictionary<string, byte[]>> ReadPrefixesAsync(IEnumerable<(byte[] Sha, int Length)> wanted, CancellationToken cancellationToken)
    {
        var list = wanted.ToArray();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT b.sha256, substring(b.data FROM 1 FOR w.len)
            FROM unnest($1::bytea[], $2::int[]) AS w(sha, len) JOIN blobs b ON b.sha256 = w.sha
            """, connection);
        command.Parameters.AddWithValue(list.Select(w => w.Sha).ToArray());
        command.Parameters.AddWithValue(list.Select(w => w.Length).ToArray());
        var result = new Dictionary<string, byte[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result[Convert.ToHexString(reader.GetFieldValue<byte[]>(0))] = reader.GetFieldValue<byte[]>(1);
        return result;
    }

    private static string ContentColumns(bool withContent) =>
        withContent ? $", b.structure, substring(b.data FROM 1 FOR {PrefixBytes})" : "";

    private static string ContentJoin(bool withContent) =>
        withContent ? " JOIN blobs b ON b.sha256 = m.blob_sha256" : "";

    private static async Task<List<StoredMessage>> ReadAsync(NpgsqlCommand command, bool withContent, CancellationToken cancellationToken)
    {
        var messages = new List<StoredMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var record = MessageRecord.Read(reader);
            messages.Add(withContent
                ? new StoredMessage(record, reader.GetFieldValue<byte[]>(MessageRecord.ColumnCount), reader.GetFieldValue<byte[]>(MessageRecord.ColumnCount + 1))
                : new StoredMessage(record, null, null));
        }
        return messages;
    }
}
