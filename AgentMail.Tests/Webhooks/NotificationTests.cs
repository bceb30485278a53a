using System.Text;
using System.Text.Json;
using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Objects;
using AgentMail.Mime;
using AgentMail.Mime.Summary;
using AgentMail.Tests.Infrastructure;
using AgentMail.Tests.Webhooks.Support;
using AgentMail.Webhooks.Core.Security;

namespace AgentMail.Tests.Webhooks;

/// <summary>What a receiver gets: Nylas's envelope around the API's object, signed, optionally gzip, truncated above the limit.</summary>
public sealed class NotificationTests
{
    [Fact]
    public async Task Message_created_arrives_in_the_Nylas_envelope_with_the_API_object_and_its_body()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("created", [EventTypes.MessageCreated]);
        await context.StartDispatcherAsync();
        var grant = await context.CreateGrantAsync();
        var inbox = await context.Mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var content = TestMessages.Create("Quarterly report", body: "Numbers <attached> & summarized.\r\nSecond line.");
        var stored = (await context.Mailbox.Messages.AppendAsync(grant.Id, inbox.Id, content, new AppendOptions(), default)).Message;

        var request = Assert.Single(await context.Receiver.WaitForPostsAsync("created", 1));
        var notification = ReceivedNotification.Parse(request);

        Assert.Equal(["specversion", "type", "source", "id", "time", "webhook_delivery_attempt", "data"], notification.EnvelopeKeys);
        Assert.Equal(["application_id", "object"], notification.DataKeys);
        Assert.Equal("1.0", notification.SpecVersion);
        Assert.Equal("message.created", notification.Type);
        Assert.Equal("/nylas/emails/realtime", notification.Source);
        Assert.Equal(1, notification.Attempt);
        Assert.Equal(WebhookTestContext.ApplicationId, notification.ApplicationId);
        var delivery = Assert.Single(await context.DeliveriesAsync(destination.Id));
        Assert.Equal(delivery.Id.ToString(), notification.Id);
        var eventTime = await context.ScalarAsync<DateTime>("SELECT created_at FROM events WHERE type = 'message.created' AND object_id = $1", stored.Id.ToString());
        Assert.Equal(new DateTimeOffset(eventTime, TimeSpan.Zero).ToUnixTimeSeconds(), notification.Time);

        // The object is the API's message object, byte for byte, with the body rendered from the raw bytes.
        var raw = content.Raw.ToArray();
        var expectedBody = MessageBody.GetHtml(raw, MimeParser.Parse(raw));
        Assert.Contains("Numbers &lt;attached&gt; &amp; summarized.", expectedBody, StringComparison.Ordinal);
        Assert.Equal(MailboxJson.Serialize(stored.ToObject() with { Body = expectedBody }), notification.ObjectJson);
        Assert.Equal("Quarterly report", notification.Object.GetProperty("subject").GetString());
        Assert.True(notification.Object.GetProperty("unread").GetBoolean());
        Assert.Equal(["inbox"], notification.Object.GetProperty("folders").EnumerateArray().Select(f => f.GetString()));

        Assert.Equal("application/json; charset=utf-8", request.Header("Content-Type"));
        Assert.Null(request.Header("Content-Encoding"));
        Assert.Equal(Encoding.UTF8.GetString(request.Body), Encoding.UTF8.GetString(request.Body).Trim());
    }

    [Fact]
    public async Task Signature_verifies_with_the_destination_secret_and_fails_with_another()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("signed", [EventTypes.FolderCreated]);
        var other = await context.CreateDestinationAsync("other", [EventTypes.FolderCreated]);
        await context.StartDispatcherAsync();
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Signed", default);

        var request = Assert.Single(await context.Receiver.WaitForPostsAsync("signed", 1));
        Assert.Matches("^[0-9a-f]{64}$", request.Signature);
        Assert.True(request.IsSignedWith(destination.Secret));
        Assert.False(request.IsSignedWith(other.Secret));
        Assert.False(request.IsSignedWith(destination.Secret + "x"));
        // One changed byte of the body breaks it too.
        var tampered = request.Body.ToArray();
        tampered[^2] ^= 1;
        Assert.False(WebhookSignature.Verify(destination.Secret, tampered, request.Signature));
        // The other destination's copy is signed with its own secret.
        var otherRequest = Assert.Single(await context.Receiver.WaitForPostsAsync("other", 1));
        Assert.True(otherRequest.IsSignedWith(other.Secret));
        Assert.False(otherRequest.IsSignedWith(destination.Secret));
    }

    [Fact]
    public async Task Compressed_delivery_is_gzip_and_signed_over_the_compressed_bytes()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("gzip", [EventTypes.MessageCreated], compressed: true);
        await context.StartDispatcherAsync();
        var grant = await context.CreateGrantAsync();
        var inbox = await context.Mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        await context.Mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("Compressed"), new AppendOptions(), default);

        var request = Assert.Single(await context.Receiver.WaitForPostsAsync("gzip", 1));
        Assert.Equal("gzip", request.Header("Content-Encoding"));
        Assert.Equal(0x1f, request.Body[0]);
        Assert.Equal(0x8b, request.Body[1]);
        Assert.True(request.IsSignedWith(destination.Secret));
        var json = ReceivedNotification.Gunzip(request.Body);
        Assert.False(WebhookSignature.Verify(destination.Secret, json, request.Signature));
        var notification = ReceivedNotification.Parse(request);
        Assert.Equal("message.created", notification.Type);
        Assert.Equal("Compressed", notification.Object.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task A_notification_over_the_size_limit_is_sent_as_truncated_without_the_body()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        await context.CreateDestinationAsync("big", [EventTypes.MessageCreated, EventTypes.MessageUpdated]);
        await context.StartDispatcherAsync(new Dictionary<string, string?> { ["Webhooks:MaxPayloadBytes"] = "4096" });
        var grant = await context.CreateGrantAsync();
        var inbox = await context.Mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var small = (await context.Mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("Small"), new AppendOptions(), default)).Message;
        var big = (await context.Mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("Big", padToBytes: 20_000), new AppendOptions(), default)).Message;
        await context.Mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(big.Id), FlagChange.Add(MessageFlags.Seen));

        var notifications = (await context.Receiver.WaitForPostsAsync("big", 3)).Select(ReceivedNotification.Parse).ToList();
        var bySubjectAndType = notifications.ToDictionary(n => (n.Object.GetProperty("subject").GetString(), n.Type));
        Assert.Equal(3, bySubjectAndType.Count);

        var smallOne = bySubjectAndType[("Small", "message.created")];
        Assert.True(smallOne.Object.TryGetProperty("body", out _));

        var created = bySubjectAndType[("Big", "message.created.truncated")];
        Assert.False(created.Object.TryGetProperty("body", out _));
        Assert.Equal(MailboxJson.Serialize(big.ToObject()), created.ObjectJson);

        var updated = bySubjectAndType[("Big", "message.updated.truncated")];
        Assert.False(updated.Object.TryGetProperty("body", out _));
        Assert.False(updated.Object.GetProperty("unread").GetBoolean());
        Assert.All(notifications, n => Assert.True(Encoding.UTF8.GetByteCount(n.ObjectJson) < 4096));
    }

    [Fact]
    public async Task Folder_and_grant_events_carry_their_API_objects_and_sources()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        await context.CreateDestinationAsync("objects", [EventTypes.GrantCreated, EventTypes.FolderCreated, EventTypes.FolderUpdated, EventTypes.FolderDeleted, EventTypes.GrantDeleted]);
        await context.StartDispatcherAsync();
        var grant = await context.CreateGrantAsync();
        var folder = await context.Mailbox.Folders.CreateAsync(grant.Id, "Clients", default);
        await context.Mailbox.Folders.RenameAsync(grant.Id, folder.Id, "Customers", default);
        await context.Mailbox.Folders.DeleteAsync(grant.Id, folder.Id, default);
        await context.Mailbox.Grants.DeleteAsync(grant.Id, default);

        var notifications = (await context.Receiver.WaitForPostsAsync("objects", 5)).Select(ReceivedNotification.Parse).ToList();
        Assert.Equal(["grant.created", "folder.created", "folder.updated", "folder.deleted", "grant.deleted"], notifications.Select(n => n.Type).Order(new EventOrder()).ToArray());

        var grantCreated = notifications.Single(n => n.Type == "grant.created");
        Assert.Equal("/nylas/system", grantCreated.Source);
        Assert.Equal(MailboxJson.Serialize(grant.ToObject()), grantCreated.ObjectJson);

        var stored = await context.Mailbox.EventsAsync(grant.Id);
        foreach (var notification in notifications)
        {
            Assert.Equal(notification.Type.StartsWith("grant.", StringComparison.Ordinal) ? "/nylas/system" : "/nylas/emails/realtime", notification.Source);
            var payload = stored.Single(e => e.Type == notification.Type).Payload;
            Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(payload).RootElement, notification.Object), $"{notification.Type}: {notification.ObjectJson} vs {payload}");
        }
        var renamed = notifications.Single(n => n.Type == "folder.updated").Object;
        Assert.Equal("Customers", renamed.GetProperty("name").GetString());
        Assert.Equal(folder.PublicId, renamed.GetProperty("id").GetString());
        Assert.Equal("folder", renamed.GetProperty("object").GetString());
    }

    [Fact]
    public async Task Other_event_types_carry_the_payload_their_writer_stored()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        await context.CreateDestinationAsync("bounced", [EventTypes.MessageBounced]);
        await context.StartDispatcherAsync();
        var grant = await context.CreateGrantAsync();
        // As the outbound queue writes it: not a message object.
        const string payload = "{\"recipient\": \"nobody@example.com\", \"status\": \"bounced\", \"smtp_reply\": \"550 5.1.1 no such user\"}";
        await context.ScalarAsync<int>("INSERT INTO events (grant_id, type, object_id, payload) VALUES ($1, 'message.bounced', 'o-1', $2::jsonb) RETURNING 1", grant.Id, payload);

        var notification = ReceivedNotification.Parse(Assert.Single(await context.Receiver.WaitForPostsAsync("bounced", 1)));
        Assert.Equal("message.bounced", notification.Type);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(payload).RootElement, notification.Object));
    }

    /// <summary>The order the test made them in (notifications may arrive in any order).</summary>
    private sealed class EventOrder : IComparer<string>
    {
        private static readonly string[] Order = ["grant.created", "folder.created", "folder.updated", "folder.deleted", "grant.deleted"];
        public int Compare(string? x, string? y) => Array.IndexOf(Order, x).CompareTo(Array.IndexOf(Order, y));
    }
}
