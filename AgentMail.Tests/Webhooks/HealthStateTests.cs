using System.Text;
using AgentMail.Mailbox.Events;
using AgentMail.Mime;
using AgentMail.Mime.Summary;
using AgentMail.Tests.Webhooks.Support;
using AgentMail.Webhooks.Core.Deliveries;
using AgentMail.Webhooks.Core.Destinations;
using AgentMail.Webhooks.Health;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AgentMail.Tests.Webhooks;

/// <summary>Nylas's circuit breaker: active → failing (95 % failures in the window) → failed (failing for too long), never reactivated by itself.</summary>
public sealed class HealthStateTests
{
    private static readonly Dictionary<string, string?> Breaker = new()
    {
        ["Webhooks:FailingWindow"] = "00:01:00",
        ["Webhooks:FailingMinimumAttempts"] = "3",
        ["Webhooks:RetryBaseDelay"] = "00:00:00.050",
        ["Webhooks:RetryMaxDelay"] = "00:00:00.200",
    };

    [Fact]
    public async Task A_destination_that_keeps_failing_becomes_failing_then_failed_and_stays_failed()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("broken", [EventTypes.FolderCreated]);
        context.Receiver.Always("broken", new ReceiverBehavior.Status(500));
        await context.StartDispatcherAsync(new Dictionary<string, string?>(Breaker) { ["Webhooks:FailedAfter"] = "00:00:02" });
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Doomed", default);

        var failing = await WaitForDestinationAsync(context, destination.Id, DestinationStatus.Failing);
        var failed = await WaitForDestinationAsync(context, destination.Id, DestinationStatus.Failed);
        Assert.True(failed.StatusUpdatedAt >= failing.StatusUpdatedAt.AddSeconds(2));
        var givenUp = Assert.Single(await context.DeliveriesAsync(destination.Id));
        Assert.Equal(DeliveryStatus.Failed, givenUp.Status);
        Assert.StartsWith("Given up: the destination failed", givenUp.LastError);

        // The receiver recovers; the destination stays failed and gets nothing new.
        context.Receiver.Always("broken", ReceiverBehavior.Ok);
        var posts = context.Receiver.Posts("broken").Count;
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Ignored", default);
        await Task.Delay(1500); // several sweeps and health checks
        Assert.Equal(DestinationStatus.Failed, (await context.Destinations.GetAsync(destination.Id, default))!.Status);
        Assert.Equal(posts, context.Receiver.Posts("broken").Count);
        Assert.Single(await context.DeliveriesAsync(destination.Id));

        // Only the user brings it back, and from then on events are delivered again.
        await context.Destinations.UpdateAsync(destination.Id, new WebhookDestinationUpdate(Status: DestinationStatus.Active), default);
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Welcome back", default);
        var back = await context.Receiver.WaitForPostsAsync("broken", posts + 1);
        Assert.Equal("Welcome back", ReceivedNotification.Parse(back[^1]).Object.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Becoming_failing_and_then_failed_queues_a_notice_to_the_notification_addresses_each_time()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var ops = await context.CreateGrantAsync();
        var destination = await context.CreateDestinationAsync("noticed", [EventTypes.FolderCreated], notify: [ops.Email, "oncall@remote.test"]);
        var quiet = await context.CreateDestinationAsync("quiet", [EventTypes.FolderCreated]);
        context.Receiver.Always("noticed", new ReceiverBehavior.Status(500));
        context.Receiver.Always("quiet", new ReceiverBehavior.Status(500));
        await context.StartDispatcherAsync(new Dictionary<string, string?>(Breaker)
        {
            ["Webhooks:FailedAfter"] = "00:00:02",
            ["Webhooks:NotificationFrom"] = "webhooks@agentmail.test",
        });
        await context.Mailbox.Folders.CreateAsync((await context.CreateGrantAsync()).Id, "Doomed", default);
        await WaitForDestinationAsync(context, quiet.Id, DestinationStatus.Failed);
        await WaitForDestinationAsync(context, destination.Id, DestinationStatus.Failed);

        // Two notices (failing, failed), both for the destination with addresses, none for the one without.
        var notices = await WebhookTestContext.EventuallyAsync(() => NoticesAsync(context), n => n.Count == 2, "two notices in the outbound queue");
        string[] recipients = [.. new[] { ops.Email, "oncall@remote.test" }.Order(StringComparer.Ordinal)];
        Assert.All(notices, n => Assert.Equal("webhooks@agentmail.test", n.EnvelopeFrom));
        Assert.All(notices, n => Assert.Equal(recipients, n.Recipients));
        Assert.All(notices, n => Assert.Equal("auto-generated", n.AutoSubmitted));
        var (failing, failed) = (notices[0], notices[1]);
        var url = context.Receiver.Url("noticed");
        Assert.Equal(($"Webhook failing: {url}", $"Webhook failed: {url}"), (failing.Summary.Subject, failed.Summary.Subject));
        Assert.Equal(["webhooks@agentmail.test"], failing.Summary.From.Select(a => a.Address));
        Assert.Equal([ops.Email, "oncall@remote.test"], failed.Summary.To.Select(a => a.Address));
        Assert.Contains("is now failing (it was active).\n\n95% or more of the delivery attempts of the last 1 minute failed.", failing.Text);
        Assert.Contains("is now failed (it was failing).\n\nIt has been failing for 2 seconds,", failed.Text);
        Assert.Contains($"PUT /v3/webhooks/{destination.Id} with {{\"status\": \"active\"}}", failed.Text);
    }

    [Fact]
    public async Task A_flapping_destination_is_told_it_is_failing_once_per_interval_and_always_that_it_failed()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("flapping", [EventTypes.FolderCreated], notify: ["ops@remote.test"]);
        var other = await context.CreateDestinationAsync("other", [EventTypes.FolderCreated], notify: ["ops@remote.test"]);
        var dispatcher = await context.StartDispatcherAsync(new Dictionary<string, string?> { ["Webhooks:NotificationInterval"] = "00:00:01" });
        var health = dispatcher.Services.GetRequiredService<DestinationHealth>();
        StatusChange Change(WebhookDestination d, string from, string to) => new(d.Id, d.WebhookUrl, from, to, d.NotificationEmailAddresses);

        Assert.True(await health.ClaimNoticeAsync(Change(destination, "active", "failing"), default));
        Assert.False(await health.ClaimNoticeAsync(Change(destination, "active", "failing"), default)); // flapped back within the interval
        Assert.True(await health.ClaimNoticeAsync(Change(other, "active", "failing"), default)); // per destination
        Assert.True(await health.ClaimNoticeAsync(Change(destination, "failing", "failed"), default));
        await Task.Delay(1100);
        Assert.True(await health.ClaimNoticeAsync(Change(destination, "active", "failing"), default));
    }

    private sealed record Notice(string EnvelopeFrom, string[] Recipients, MessageSummary Summary, string Text, string? AutoSubmitted);

    /// <summary>The queued messages without a sender grant (the deployment's own notices), oldest first.</summary>
    private static async Task<List<Notice>> NoticesAsync(WebhookTestContext context)
    {
        var notices = new List<Notice>();
        await using var connection = new NpgsqlConnection(context.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT o.envelope_from, ARRAY(SELECT r.recipient FROM outbound_recipients r WHERE r.outbound_id = o.id), b.data
            FROM outbound_messages o JOIN blobs b ON b.sha256 = o.blob_sha256
            WHERE o.grant_id IS NULL ORDER BY o.created_at
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var raw = reader.GetFieldValue<byte[]>(2);
            var structure = MimeParser.Parse(raw);
            var autoSubmitted = Encoding.UTF8.GetString(raw).Split("\r\n")
                .FirstOrDefault(l => l.StartsWith("Auto-Submitted: ", StringComparison.Ordinal))?["Auto-Submitted: ".Length..];
            notices.Add(new Notice(reader.GetString(0), [.. reader.GetFieldValue<string[]>(1).Order(StringComparer.Ordinal)],
                MessageSummary.Create(raw, structure), MessageBody.GetText(raw, structure).ReplaceLineEndings("\n"), autoSubmitted));
        }
        return notices;
    }

    [Fact]
    public async Task A_failing_destination_is_active_again_once_deliveries_succeed()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("wobbly", [EventTypes.FolderCreated]);
        context.Receiver.Always("wobbly", new ReceiverBehavior.Status(503));
        await context.StartDispatcherAsync(new Dictionary<string, string?>(Breaker) { ["Webhooks:FailingThreshold"] = "0.5" });
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Wobbly", default);

        await WaitForDestinationAsync(context, destination.Id, DestinationStatus.Failing);
        context.Receiver.Always("wobbly", ReceiverBehavior.Ok);
        for (var i = 0; i < 30; i++)
            await context.Mailbox.Folders.CreateAsync(grant.Id, $"Fine {i}", default);

        await WaitForDestinationAsync(context, destination.Id, DestinationStatus.Active);
        var deliveries = await WebhookTestContext.EventuallyAsync(
            () => context.DeliveriesAsync(destination.Id), d => d.Count == 31 && d.All(x => x.Status == DeliveryStatus.Delivered), "every delivery to arrive");
        Assert.Equal(31, deliveries.Count);
    }

    [Fact]
    public async Task A_paused_destination_gets_nothing_until_it_is_active_again()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("paused", [EventTypes.FolderCreated]);
        await context.Destinations.UpdateAsync(destination.Id, new WebhookDestinationUpdate(Status: DestinationStatus.Pause), default);
        await context.StartDispatcherAsync();
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "While paused", default);
        await WebhookTestContext.EventuallyAsync(
            () => context.ScalarAsync<long>("SELECT count(*) FROM events WHERE dispatched_at IS NULL"), n => n == 0, "the event to be dispatched");

        await context.Destinations.UpdateAsync(destination.Id, new WebhookDestinationUpdate(Status: DestinationStatus.Active), default);
        await context.Mailbox.Folders.CreateAsync(grant.Id, "After pause", default);
        var post = Assert.Single(await context.Receiver.WaitForPostsAsync("paused", 1));
        Assert.Equal("After pause", ReceivedNotification.Parse(post).Object.GetProperty("name").GetString());
        Assert.Single(await context.DeliveriesAsync(destination.Id));
    }

    private static async Task<WebhookDestination> WaitForDestinationAsync(WebhookTestContext context, Guid id, string status) =>
        (await WebhookTestContext.EventuallyAsync(() => context.Destinations.GetAsync(id, default), d => d?.Status == status, $"the destination to be {status}"))!;
}
