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
        if (stored.Type.StartsWith("message.", StringComparison.Ordinal)
            && JsonSerializer.Deserialize(stored.Payload, MailboxJson.Default.MessageObject) is { } message)
        {
            var withoutBody = MailboxJson.Serialize(message with { Body = null });
            var body = await ReadBodyAsync(stored.GrantId, message.Id, cancellationToken).ConfigureAwait(false);
            return body is null
                ? new NotificationObject(withoutBody, withoutBody)
                : new NotificationObject(MailboxJson.Serialize(message with { Body = body }), withoutBody);
        }
        if (stored.Type.StartsWith("folder.", StringComparison.Ordinal)
            && JsonSerializer.Deserialize(stored.Payload, MailboxJson.Default.FolderObject) is { } folder)
        {
            return new NotificationObject(MailboxJson.Serialize(folder));
        }
        if (stored.Type.StartsWith("grant.", StringComparison.Ordinal)
            && JsonSerializer.Deserialize(stored.Payload, MailboxJson.Default.GrantObject) is { } grant)
        {
            return new NotificationObject(MailboxJson.Serialize(grant));
        }
        return new NotificationObject(stored.Payload);
    }

    /// <summary>The HTML body, or null when the message is gone (purged since the event).</summary>
    private async Task<string?> ReadBodyAsync(Guid grantId, string messageId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(messageId, out var id)
            || await messages.GetAsync(grantId, id, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return null;
        }
        var rendered = await blobs.ReadRenderedAsync(record.BlobSha256, cancellationToken).ConfigureAwait(false);
        var bytes = await blobs.ReadAllAsync(record.BlobSha256, cancellationToken).ConfigureAwait(false);
        if (rendered is null || bytes is null)
            return null;
        return MessageBody.GetHtml(bytes, MessageStructure.FromBytes(rendered.Structure));
    }
}
