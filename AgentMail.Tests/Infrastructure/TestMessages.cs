using System.Security.Cryptography;
using System.Text;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Objects;

namespace AgentMail.Tests.Infrastructure;

/// <summary>Small RFC 5322 messages with their content summary, for store tests.</summary>
public static class TestMessages
{
    public static MessageContent Create(string subject = "Hello", string? messageId = null, string? inReplyTo = null,
        IReadOnlyList<string>? references = null, string from = "sender@example.com", string to = "agent@agentmail.test",
        string body = "Hi there.", int padToBytes = 0)
    {
        messageId ??= $"{Guid.NewGuid():N}@example.com";
        var text = new StringBuilder()
            .Append($"From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{messageId}>\r\n")
            .Append(inReplyTo is null ? "" : $"In-Reply-To: <{inReplyTo}>\r\n")
            .Append(references is { Count: > 0 } ? $"References: {string.Join(' ', references.Select(r => $"<{r}>"))}\r\n" : "")
            .Append("Date: Sat, 21 Nov 2026 10:00:00 +0000\r\n\r\n")
            .Append(body).Append("\r\n");
        while (text.Length < padToBytes)
            text.Append(new string('x', Math.Min(76, padToBytes - text.Length))).Append("\r\n");
        var raw = Encoding.UTF8.GetBytes(text.ToString());
        var baseSubject = subject.StartsWith("Re: ", StringComparison.OrdinalIgnoreCase) ? subject[4..] : subject;
        return new MessageContent
        {
            Raw = raw,
            Sha256 = SHA256.HashData(raw),
            MessageId = messageId,
            InReplyTo = inReplyTo,
            References = references ?? [],
            Subject = subject,
            BaseSubject = baseSubject,
            SentDate = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero),
            From = [new EmailParticipant(null, from)],
            To = [new EmailParticipant(null, to)],
            Snippet = body,
            SearchText = $"{subject} {from} {to} {body}",
            Structure = [],
            Envelope = [],
            BodyStructure = [],
            Body = [],
        };
    }
}
