using System.Text.Json;
using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Objects;
using AgentMail.Mailbox.Storage;
using AgentMail.Mime;
using AgentMail.Mime.Summary;
using Npgsql;

namespace AgentMail.Webhooks.Core.Payloads;

/// <summary>
/// Turns an outbox event into the notification's <c>data.object</c>: the API object the core
/// stored with the event, re-serialized with the API's own serializer (jsonb does not keep key
/// order), and for a message the <c>body</c> the API's GET returns — rendered from the message's
/// raw bytes, which never change, so every attempt carries the same body.
/// </summary>
public sealed class NotificationObjects(MailboxDatabase database, BlobReader blobs)
{
    public async Task<NotificationObject> CreateAsync(StoredEvent stored, CancellationToken cancellationToken)
    {
        try
        {
            switch (stored.Type)
            {
                case EventTypes.MessageCreated or EventTypes.MessageUpdated or EventTypes.MessageDeleted
                    when JsonSerializer.Deserialize(stored.Payload, MailboxJson.Default.MessageObject) is { } message:
                    var withoutBody = MailboxJson.Serialize(message with { Body = null });
                    var body = await ReadBodyAsync(stored.GrantId, message.Id, cancellationToken).ConfigureAwait(false);
                    return body is null
                        ? new NotificationObject(withoutBody, withoutBody)
                        : new NotificationObject(MailboxJson.Serialize(message with { Body = body }), withoutBody);
                case EventTypes.FolderCreated or EventTypes.FolderUpdated or EventTypes.FolderDeleted
                    when JsonSerializer.Deserialize(stored.Payload, MailboxJson.Default.FolderObject) is { } folder:
                    return new NotificationObject(MailboxJson.Serialize(folder));
                case EventTypes.GrantCreated or EventTypes.GrantUpdated or EventTypes.GrantDeleted
                    when JsonSerializer.Deserialize(stored.Payload, MailboxJson.Default.GrantObject) is { } grant:
                    return new NotificationObject(MailboxJson.Serialize(grant));
            }
        }
        catch (JsonException)
        {
            // Not the object this type usually carries: send what the core stored, as it is.
        }
        // Other types (message.delivered, message.bounced, ...) carry their own objects.
        return new NotificationObject(stored.Payload);
    }

    /// <summary>
    /// The HTML body as the API renders it, or null when the message is gone (purged since the
    /// event). One query reads the stored structure and the first <see cref="PrefixBytes"/> of the
    /// raw message, which holds the body of nearly every message; a body that reaches past that is
    /// read on through <see cref="BlobReader"/>. Attachments after the body are never read.
    /// </summary>
    private async Task<string?> ReadBodyAsync(Guid grantId, string messageId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(messageId, out var id))
            return null;
        byte[] sha256, structureBytes, prefix;
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = new NpgsqlCommand("""
            SELECT m.blob_sha256, b.structure, substring(b.data FROM 1 FOR $3)
            FROM messages m JOIN blobs b ON b.sha256 = m.blob_sha256
            WHERE m.grant_id = $1 AND m.id = $2
            """, connection))
        {
            command.Parameters.AddWithValue(grantId);
            command.Parameters.AddWithValue(id);
            command.Parameters.AddWithValue(PrefixBytes);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                return null;
            sha256 = reader.GetFieldValue<byte[]>(0);
            structureBytes = reader.GetFieldValue<byte[]>(1);
            prefix = reader.GetFieldValue<byte[]>(2);
        }
        MessageStructure structure;
        try
        {
            structure = MessageStructure.FromBytes(structureBytes);
        }
        catch (FormatException)
        {
            return null; // a stored structure this version cannot read: the notification goes without the body
        }
        var extent = MessageBody.GetHtmlExtent(structure);
        if (extent <= prefix.Length)
            return MessageBody.GetHtml(prefix.AsSpan(0, (int)extent), structure);
        using var whole = new MemoryStream((int)Math.Min(extent, int.MaxValue));
        whole.Write(prefix);
        await blobs.CopyRangeAsync(sha256, prefix.Length, extent - prefix.Length, whole, cancellationToken).ConfigureAwait(false);
        return MessageBody.GetHtml(whole.GetBuffer().AsSpan(0, (int)whole.Length), structure);
    }

    /// <summary>How much of a message the first read takes: text bodies fit; large attachments mostly come after.</summary>
    public const int PrefixBytes = 256 * 1024;
}
