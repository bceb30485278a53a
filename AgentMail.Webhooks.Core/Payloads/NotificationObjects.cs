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
    /// <summary>How much of a message the first read takes: text bodies fit; large attachments mostly come after.</summary>
    public const int PrefixBytes = 256 * 1024;

    /// <summary>
    /// The object for <paramref name="stored"/>; a message's body is read from the store (null when
    /// the message is gone), and the body-less form a <c>.truncated</c> notification carries is
    /// serialized only if the full one turns out too large.
    /// </summary>
    public async Task<NotificationObject> CreateAsync(StoredEvent stored, CancellationToken cancellationToken)
    {
        try
        {
            switch (stored.Type)
            {
                case EventTypes.MessageCreated or EventTypes.MessageUpdated or EventTypes.MessageDeleted
                    when JsonSerializer.Deserialize(stored.Payload, MailboxJson.Default.MessageObject) is { } message:
                    var source = Guid.TryParse(message.Id, out var id) ? await ReadSourceAsync(stored.GrantId, id, cancellationToken).ConfigureAwait(false) : null;
                    var body = source is null ? null : await RenderAsync(source, cancellationToken).ConfigureAwait(false);
                    var bare = message with { Body = null };
                    return body is null
                        ? new NotificationObject(MailboxJson.Serialize(bare))
                        : new NotificationObject(MailboxJson.Serialize(message with { Body = body }), () => MailboxJson.Serialize(bare));
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
    /// The HTML body as the API renders it (<see cref="MessageBody.GetHtml"/> over the prefix of the
    /// raw message that holds the body), or null when the stored structure cannot be read. A body
    /// reaching past the prefix is read on through <see cref="BlobReader"/>; attachments after the
    /// body are never read.
    /// </summary>
    private async Task<string?> RenderAsync(MessageBodySource source, CancellationToken cancellationToken)
    {
        MessageStructure structure;
        try
        {
            structure = MessageStructure.FromBytes(source.Structure);
        }
        catch (FormatException)
        {
            return null; // a stored structure this version cannot read: the notification goes without the body
        }
        var extent = MessageBody.GetHtmlExtent(structure);
        if (extent <= source.Prefix.Length)
            return MessageBody.GetHtml(source.Prefix.AsSpan(0, (int)extent), structure);
        using var whole = new MemoryStream((int)Math.Min(extent, int.MaxValue));
        whole.Write(source.Prefix);
        await blobs.CopyRangeAsync(source.Sha256, source.Prefix.Length, extent - source.Prefix.Length, whole, cancellationToken).ConfigureAwait(false);
        return MessageBody.GetHtml(whole.GetBuffer().AsSpan(0, (int)whole.Length), structure);
    }

    /// <summary>One query: the message's blob, its stored structure and the first <see cref="PrefixBytes"/>; null when the message is gone.</summary>
    private async Task<MessageBodySource?> ReadSourceAsync(Guid grantId, Guid messageId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT m.blob_sha256, b.structure, substring(b.data FROM 1 FOR $3)
            FROM messages m JOIN blobs b ON b.sha256 = m.blob_sha256
            WHERE m.grant_id = $1 AND m.id = $2
            """, connection);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(messageId);
        command.Parameters.AddWithValue(PrefixBytes);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new MessageBodySource(reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2))
            : null;
    }
}
