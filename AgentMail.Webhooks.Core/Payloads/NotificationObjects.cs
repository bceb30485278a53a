using System.Text.Json;
using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Objects;
using AgentMail.Mime;
using AgentMail.Mime.Summary;

namespace AgentMail.Webhooks.Core.Payloads;

/// <summary>
/// Turns an outbox event into the notification's <c>data.object</c>: the API object the core
/// stored with the event, re-serialized with the API's own serializer (jsonb does not keep key
/// order), and for a message the <c>body</c> the API's GET returns — rendered from the message's
/// raw bytes, which never change, so every attempt carries the same body.
/// </summary>
public sealed class NotificationObjects(MessageService messages, BlobReader blobs)
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
    /// event). Only the prefix of the raw message that holds the body is read, never the
    /// attachments after it.
    /// </summary>
    private async Task<string?> ReadBodyAsync(Guid grantId, string messageId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(messageId, out var id)
            || await messages.GetAsync(grantId, id, cancellationToken).ConfigureAwait(false) is not { } record
            || await blobs.ReadRenderedAsync(record.BlobSha256, cancellationToken).ConfigureAwait(false) is not { } rendered)
        {
            return null;
        }
        var structure = MessageStructure.FromBytes(rendered.Structure);
        using var prefix = new MemoryStream();
        await blobs.CopyRangeAsync(record.BlobSha256, 0, MessageBody.GetHtmlExtent(structure), prefix, cancellationToken).ConfigureAwait(false);
        return MessageBody.GetHtml(prefix.GetBuffer().AsSpan(0, (int)prefix.Length), structure);
    }
}
