using AgentMail.Api.Messages;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Objects;
using AgentMail.Mailbox.Storage;
using Npgsql;

namespace AgentMail.Api.Threads;

/// <summary>Thread time filters (beyond the message filters, which a thread matches when one of its messages does).</summary>
public sealed record ThreadTimes(DateTimeOffset? LatestBefore, DateTimeOffset? LatestAfter)
{
    public string Fingerprint() => $"lb={LatestBefore?.ToUnixTimeSeconds()}&la={LatestAfter?.ToUnixTimeSeconds()}";
}

/// <summary>
/// Threads as Nylas shows them, computed from their messages (grouped by the core's thread id):
/// a page of thread ids newest first (the threads table's recency index, each thread kept when one
/// of its messages matches the filters), then all their messages in one query.
/// </summary>
public sealed class ThreadReader(MailboxDatabase database, MessageReader messages)
{
    public async Task<List<(Guid Id, DateTimeOffset Latest)>> ListIdsAsync(Guid grantId, MessageFilter filter, ThreadTimes times,
        (DateTimeOffset Time, Guid Id)? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var matching = MessageSql.Where(grantId, filter, command.Parameters);
        var where = $"t.grant_id = $1 AND EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND {matching})";
        if (times.LatestBefore is { } before)
            where += $" AND t.latest_message_at < {MessageSql.Add(command.Parameters, before)}";
        if (times.LatestAfter is { } latestAfter)
            where += $" AND t.latest_message_at > {MessageSql.Add(command.Parameters, latestAfter)}";
        if (after is { } position)
            where += $" AND (t.latest_message_at, t.id) < ({MessageSql.Add(command.Parameters, position.Time)}, {MessageSql.Add(command.Parameters, position.Id)})";
        command.CommandText = $"""
            SELECT t.id, t.latest_message_at FROM threads t
            WHERE {where}
            ORDER BY t.latest_message_at DESC, t.id DESC
            LIMIT {MessageSql.Add(command.Parameters, limit)}
            """;
        var ids = new List<(Guid, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            ids.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
        return ids;
    }

    /// <summary>The thread objects for these ids, in the same order (threads without messages are left out).</summary>
    public async Task<List<ThreadObject>> ToObjectsAsync(Guid grantId, IReadOnlyList<Guid> threadIds, bool withLatest, CancellationToken cancellationToken)
    {
        if (threadIds.Count == 0)
            return [];
        var all = await messages.ListByThreadsAsync(grantId, threadIds, cancellationToken);
        var byThread = all.GroupBy(m => m.Record.ThreadId).ToDictionary(g => g.Key, g => g.Select(m => m.Record).ToList());
        Dictionary<Guid, MessageObject> latest = [];
        if (withLatest)
        {
            var latestIds = byThread.Values.Select(list => list[^1].Id).ToList();
            var stored = await messages.GetManyAsync(grantId, latestIds, withContent: true, cancellationToken);
            var objects = await messages.ToObjectsAsync(stored, MessageView.Standard, cancellationToken);
            latest = objects.ToDictionary(o => Guid.Parse(o.ThreadId));
        }
        return threadIds.Where(byThread.ContainsKey).Select(id => Build(id, grantId, byThread[id], latest.GetValueOrDefault(id))).ToList();
    }

    private static ThreadObject Build(Guid id, Guid grantId, List<MessageRecord> messages, MessageObject? latest)
    {
        // Oldest first (ListByThreadsAsync orders them so).
        static bool IsDraft(MessageRecord m) => m.FolderPublicId == SystemFolder.DraftsRole || m.Flags.HasFlag(MessageFlags.Draft);
        static bool IsSent(MessageRecord m) => m.FolderPublicId == SystemFolder.SentRole;
        var received = messages.Where(m => !IsDraft(m) && !IsSent(m)).ToList();
        var sent = messages.Where(IsSent).ToList();
        var latestMessage = messages.LastOrDefault(m => !IsDraft(m)) ?? messages[^1];
        return new ThreadObject
        {
            Id = id.ToString(),
            GrantId = grantId.ToString(),
            HasAttachments = messages.Any(m => m.HasAttachments),
            HasDrafts = messages.Any(IsDraft),
            EarliestMessageDate = messages[0].InternalDate.ToUnixTimeSeconds(),
            LatestMessageReceivedDate = received.Count == 0 ? null : received.Max(m => m.InternalDate).ToUnixTimeSeconds(),
            LatestMessageSentDate = sent.Count == 0 ? null : sent.Max(m => m.InternalDate).ToUnixTimeSeconds(),
            Participants = messages.SelectMany(m => m.From.Concat(m.To).Concat(m.Cc).Concat(m.Bcc))
                .GroupBy(p => p.Email, StringComparer.OrdinalIgnoreCase).Select(g => g.FirstOrDefault(p => p.Name is not null) ?? g.First()).ToList(),
            Snippet = latestMessage.Snippet,
            Starred = messages.Any(m => m.Starred),
            Subject = messages[0].Subject,
            Unread = messages.Any(m => m.Unread),
            MessageIds = messages.Where(m => !IsDraft(m)).Select(m => m.Id.ToString()).ToList(),
            DraftIds = messages.Where(IsDraft).Select(m => m.Id.ToString()).ToList(),
            Folders = messages.Select(m => m.FolderPublicId).Distinct(StringComparer.Ordinal).ToList(),
            LatestDraftOrMessage = latest,
        };
    }
}
