using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Objects;

namespace AgentMail.Webhooks.Core.Payloads;

/// <summary>
/// Example notifications for <c>POST /v3/webhooks/mock-payload</c> and <c>send-test-event</c>: the
/// real envelope around objects of the real shapes, with placeholder values.
/// </summary>
public static class MockNotifications
{
    /// <summary>The secret Nylas signs test events with.</summary>
    public const string TestEventSecret = "mock-webhook-secret";

    public const string MockId = "mock-id";

    /// <summary>The trigger types with an example: every supported type, and the two truncated message forms.</summary>
    public static IReadOnlyList<string> Types { get; } =
        [.. EventTypes.All, EventTypes.MessageCreated + NotificationPayload.TruncatedSuffix, EventTypes.MessageUpdated + NotificationPayload.TruncatedSuffix];

    /// <summary>The notification JSON for <paramref name="type"/>, or null when there is no example of it.</summary>
    public static byte[]? Create(string type, string applicationId, DateTimeOffset now)
    {
        if (!Types.Contains(type, StringComparer.Ordinal))
            return null;
        var header = new NotificationHeader(type, MockId, now.ToUnixTimeSeconds(), 1, applicationId);
        return NotificationEnvelope.Write(header, ObjectJson(type, now));
    }

    private static string ObjectJson(string type, DateTimeOffset now)
    {
        const string grantId = "mock-grant-id";
        var seconds = now.ToUnixTimeSeconds();
        if (type.StartsWith("folder.", StringComparison.Ordinal))
        {
            return MailboxJson.Serialize(new FolderObject
            {
                Id = "mock-folder-id",
                GrantId = grantId,
                Name = "Projects",
                Attributes = ["\\HasNoChildren"],
                TotalCount = 0,
                UnreadCount = 0,
            });
        }
        if (type.StartsWith("grant.", StringComparison.Ordinal))
        {
            return MailboxJson.Serialize(new GrantObject
            {
                Id = grantId,
                Email = "agent@example.com",
                Name = "Mock Agent",
                CreatedAt = seconds,
                UpdatedAt = seconds,
                HasAppPassword = true,
                QuotaBytes = 1L << 30,
            });
        }
        var truncated = type.EndsWith(NotificationPayload.TruncatedSuffix, StringComparison.Ordinal);
        return MailboxJson.Serialize(new MessageObject
        {
            Id = "mock-message-id",
            GrantId = grantId,
            ThreadId = "mock-thread-id",
            Subject = "Mock subject",
            From = [new EmailParticipant("Mock Sender", "sender@example.com")],
            To = [new EmailParticipant("Mock Agent", "agent@example.com")],
            Date = seconds,
            Unread = true,
            Snippet = "This is a mock message.",
            Folders = ["inbox"],
            CreatedAt = seconds,
            Body = truncated ? null : "<p>This is a mock message.</p>",
        });
    }
}
