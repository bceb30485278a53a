using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Storage;
using Npgsql;

namespace AgentMail.Api.Sending;

/// <summary>The threading headers of the message a reply answers.</summary>
public sealed record ReplyParent(string MessageId, IReadOnlyList<string> References, string? InReplyTo);

/// <summary>
/// Finds the message a <c>reply_to_message_id</c> names, in the grant: by API id, or — as Nylas's
/// IMAP send takes it — by its Message-ID header. A Message-ID we do not have is still replied to
/// (In-Reply-To and References name it); an API id we do not have is a 404.
/// </summary>
public sealed class MessageReplies(MailboxDatabase database, MessageService messages)
{
    public async Task<ReplyParent> FindAsync(Guid grantId, string reference, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(reference, out var id))
        {
            var parent = await messages.GetAsync(grantId, id, cancellationToken)
                ?? throw ApiException.NotFound($"'reply_to_message_id': message {id} not found.");
            if (parent.MessageId is null)
                throw ApiException.BadRequest("'reply_to_message_id': that message has no Message-ID header to reply to.");
            return new ReplyParent(parent.MessageId, parent.References, parent.InReplyTo);
        }

        var messageId = Mime.Building.MessageBuilder.NormalizeMessageId(reference);
        if (messageId.Length == 0 || messageId.Length > 998)
            throw ApiException.BadRequest("'reply_to_message_id' must be a message id or a Message-ID header value.");
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT reference_ids, in_reply_to FROM messages WHERE grant_id = $1 AND message_id = $2 ORDER BY internal_date DESC LIMIT 1", connection);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(messageId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ReplyParent(messageId, reader.GetFieldValue<string[]>(0), reader.IsDBNull(1) ? null : reader.GetString(1))
            : new ReplyParent(messageId, [], null);
    }
}
