using AgentMail.Mailbox.Events;
using AgentMail.Tests.Webhooks.Support;
using AgentMail.Webhooks.Core.Deliveries;
using AgentMail.Webhooks.Core.Destinations;

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
