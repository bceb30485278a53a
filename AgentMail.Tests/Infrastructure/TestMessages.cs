using System.Text;
using AgentMail.Mailbox.Messages;

namespace AgentMail.Tests.Infrastructure;

/// <summary>Small RFC 5322 messages, read through the real ingest path (<see cref="MessageContentReader"/>).</summary>
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
        return MessageContentReader.Read(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
