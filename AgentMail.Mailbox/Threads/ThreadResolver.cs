using AgentMail.Mailbox.Messages;
using Npgsql;

namespace AgentMail.Mailbox.Threads;

/// <summary>
/// Puts a new message in a conversation: first by its Message-ID, In-Reply-To and References
/// (the message it answers, an earlier copy of itself, or a reply that arrived first), then — for
/// a message that looks like a reply — by base subject (RFC 5256 §2.1) within a recent window.
/// Both halves are batch commands, so an append looks its thread up in the round trip that
/// locks the folder and writes it in the round trip that writes the message.
/// </summary>
internal static class ThreadResolver
{
    private static readonly TimeSpan SubjectWindow = TimeSpan.FromDays(30);

    /// <summary>One row, one column: the thread's id, or NULL for a new conversation.</summary>
    public static NpgsqlBatchCommand Lookup(Guid grantId, MessageContent content, DateTimeOffset receivedAt)
    {
        var ids = new List<string>(content.References.Count + 2);
        ids.AddRange(content.References);
        if (content.InReplyTo is not null)
            ids.Add(content.InReplyTo);
        if (content.MessageId is not null)
            ids.Add(content.MessageId);

        var command = new NpgsqlBatchCommand("""
            SELECT COALESCE(
                (SELECT thread_id FROM messages WHERE grant_id = $1 AND message_id = ANY($2) LIMIT 1),
                (SELECT thread_id FROM messages WHERE grant_id = $1 AND $3::text IS NOT NULL AND in_reply_to = $3 LIMIT 1),
                (SELECT id FROM threads WHERE $4 AND grant_id = $1 AND base_subject = $5 AND latest_message_at > $6
                 ORDER BY latest_message_at DESC LIMIT 1))
            """);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(ids.ToArray());
        command.Parameters.Add(MessageRows.Text(content.MessageId));
        command.Parameters.AddWithValue(LooksLikeReply(content));
        command.Parameters.AddWithValue(content.BaseSubject);
        command.Parameters.AddWithValue(receivedAt - SubjectWindow);
        return command;
    }

    /// <summary>The thread the message joins (<paramref name="found"/>, made more recent) or a new one.</summary>
    public static (Guid ThreadId, NpgsqlBatchCommand Write) Join(Guid? found, Guid grantId, MessageContent content, DateTimeOffset receivedAt)
    {
        if (found is { } existing)
        {
            var touch = new NpgsqlBatchCommand("UPDATE threads SET latest_message_at = greatest(latest_message_at, $2) WHERE id = $1");
            touch.Parameters.AddWithValue(existing);
            touch.Parameters.AddWithValue(receivedAt);
            return (existing, touch);
        }
        var id = Guid.CreateVersion7();
        var insert = new NpgsqlBatchCommand("INSERT INTO threads (id, grant_id, base_subject, latest_message_at) VALUES ($1, $2, $3, $4)");
        insert.Parameters.AddWithValue(id);
        insert.Parameters.AddWithValue(grantId);
        insert.Parameters.AddWithValue(content.BaseSubject);
        insert.Parameters.AddWithValue(receivedAt);
        return (id, insert);
    }

    private static bool LooksLikeReply(MessageContent content) =>
        content.BaseSubject.Length > 0
        && (content.InReplyTo is not null || content.References.Count > 0
            || !string.Equals(content.BaseSubject, content.Subject.Trim(), StringComparison.OrdinalIgnoreCase));
}
