using System.Security.Cryptography;
using AgentMail.Mime.Building;

namespace AgentMail.Smtp.Submission;

/// <summary>
/// RFC 6409 §8.1–8.3: a submission server may add Date and Message-ID when the client left them
/// out. Only then: a message that has both is stored exactly as received.
/// </summary>
public static class MissingHeaders
{
    public static ReadOnlyMemory<byte> AddIfMissing(ReadOnlyMemory<byte> message, string hostname, DateTimeOffset now)
    {
        var span = message.Span;
        var needsId = !RawMessage.HasHeader(span, "Message-ID");
        var needsDate = !RawMessage.HasHeader(span, "Date");
        if (!needsId && !needsDate)
            return message;
        var fields = new List<KeyValuePair<string, string>>(2);
        if (needsDate)
            fields.Add(new("Date", MessageBuilder.FormatDate(now)));
        if (needsId)
            fields.Add(new("Message-ID", $"<{NewId()}@{hostname}>"));
        return RawMessage.WithPrependedHeaders(span, [.. fields]);
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
