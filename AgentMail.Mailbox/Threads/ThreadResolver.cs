using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Storage;

namespace AgentMail.Mailbox.Threads;

/// <summary>
/// Puts a new message in a conversation: first by its Message-ID, In-Reply-To and References
/// (the message it answers, an earlier copy of itself, or a reply that arrived first), then — for
/// a message that looks like a reply — by base subject (RFC 5256 §2.1) within a recent window.
/// </summary>
internal static class ThreadResolver
{
    private static readonly TimeSpan SubjectWindow = TimeSpan.FromDays(30);

    public static async Task<Guid> ResolveAsync(MailboxTransaction tx, Guid grantId, MessageContent content, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var thread = await ByReferencesAsync(tx, grantId, content, cancellationToken).ConfigureAwait(false);
        if (thread is null && LooksLikeReply(content))
            thread = await BySubjectAsync(tx, grantId, content.BaseSubject, receivedAt, cancellationToken).ConfigureAwait(false);

        if (thread is { } existing)
        {
            await using var touch = tx.Command("UPDATE threads SET latest_message_at = greatest(latest_message_at, $2) WHERE id = $1");
            touch.Parameters.AddWithValue(existing);
            touch.Parameters.AddWithValue(receivedAt);
            await touch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return existing;
        }

        var id = Guid.CreateVersion7();
        await using var insert = tx.Command("INSERT INTO threads (id, grant_id, base_subject, latest_message_at) VALUES ($1, $2, $3, $4)");
        insert.Parameters.AddWithValue(id);
        insert.Parameters.AddWithValue(grantId);
        insert.Parameters.AddWithValue(content.BaseSubject);
        insert.Parameters.AddWithValue(receivedAt);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    private static bool LooksLikeReply(MessageContent content) =>
        content.BaseSubject.Length > 0
        && (content.InReplyTo is not null || content.References.Count > 0
            || !string.Equals(content.BaseSubject, content.Subject.Trim(), StringComparison.OrdinalIgnoreCase));

    private static async Task<Guid?> ByReferencesAsync(MailboxTransaction tx, Guid grantId, MessageContent content, CancellationToken cancellationToken)
    {
        var ids = new List<string>(content.References.Count + 2);
        ids.AddRange(content.References);
        if (content.InReplyTo is not null)
            ids.Add(content.InReplyTo);
        if (content.MessageId is not null)
            ids.Add(content.MessageId);
        if (ids.Count == 0)
            return null;

        await using var command = tx.Command("""
            SELECT thread_id FROM messages WHERE grant_id = $1 AND message_id = ANY($2)
            UNION ALL
            SELECT thread_id FROM messages WHERE grant_id = $1 AND $3::text IS NOT NULL AND in_reply_to = $3
            LIMIT 1
            """);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(ids.ToArray());
        command.Parameters.Add(MessageRows.Text(content.MessageId));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as Guid?;
    }

    private static async Task<Guid?> BySubjectAsync(MailboxTransaction tx, Guid grantId, string baseSubject, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await using var command = tx.Command("""
            SELECT id FROM threads WHERE grant_id = $1 AND base_subject = $2 AND latest_message_at > $3
            ORDER BY latest_message_at DESC LIMIT 1
            """);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(baseSubject);
        command.Parameters.AddWithValue(receivedAt - SubjectWindow);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as Guid?;
    }
}
