using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Mime.Building;

namespace AgentMail.Tests.Api.Support;

/// <summary>Arranges mailbox state through the core, as mail arriving over SMTP or IMAP would.</summary>
public static class Seed
{
    public static Task<Grant> GrantAsync(ApiServer server, string? appPassword = null) =>
        server.Mailbox.CreateGrantAsync(appPassword, prefix: "api");

    public static MessageContent Message(string subject = "Hello", string from = "alice@example.com", string to = "agent@agentmail.test",
        string? cc = null, string? bcc = null, string text = "Hi there.", string? html = null, string? messageId = null,
        string? inReplyTo = null, (string Name, string Type, byte[] Bytes)? attachment = null, string? fromName = null)
    {
        var builder = new MessageBuilder
        {
            From = new(fromName, from),
            Subject = subject,
            TextBody = text,
            HtmlBody = html,
            MessageId = messageId,
            Date = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero),
        };
        builder.To.Add(new(null, to));
        if (cc is not null)
            builder.Cc.Add(new(null, cc));
        if (bcc is not null)
            builder.Bcc.Add(new(null, bcc));
        if (inReplyTo is not null)
            builder.ReplyToMessage(inReplyTo);
        if (attachment is { } file)
            builder.AddAttachment(OutgoingAttachment.FromBytes(file.Name, file.Type, file.Bytes));
        return MessageContentReader.Read(builder.ToArray());
    }

    public static async Task<MessageRecord> AppendAsync(ApiServer server, Guid grantId, MessageContent content, string role = SystemFolder.InboxRole,
        MessageFlags flags = MessageFlags.None, DateTimeOffset? receivedAt = null)
    {
        var folder = await server.Mailbox.FolderAsync(grantId, role);
        return (await server.Mailbox.Messages.AppendAsync(grantId, folder.Id, content,
            new AppendOptions { Flags = flags, InternalDate = receivedAt, DeduplicateByMessageId = false }, CancellationToken.None)).Message;
    }

    public static async Task<MessageRecord> AppendToAsync(ApiServer server, Guid grantId, long folderId, MessageContent content, MessageFlags flags = MessageFlags.None,
        DateTimeOffset? receivedAt = null) =>
        (await server.Mailbox.Messages.AppendAsync(grantId, folderId, content,
            new AppendOptions { Flags = flags, InternalDate = receivedAt, DeduplicateByMessageId = false }, CancellationToken.None)).Message;
}
