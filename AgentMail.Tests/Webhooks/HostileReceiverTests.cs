using AgentMail.Mailbox.Events;
using AgentMail.Tests.Webhooks.Support;
using AgentMail.Webhooks.Core.Deliveries;

namespace AgentMail.Tests.Webhooks;

/// <summary>A receiver that hangs, answers with a huge body or redirects is a recorded failed attempt; no worker is ever stuck.</summary>
public sealed class HostileReceiverTests
{
    [Fact]
    public async Task A_hanging_receiver_is_a_timed_out_attempt_and_is_retried()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("hangs", [EventTypes.FolderCreated]);
        context.Receiver.Script("hangs", ReceiverBehavior.Hang);
        await context.StartDispatcherAsync(new Dictionary<string, string?> { ["Webhooks:AttemptTimeout"] = "00:00:01" });
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Slow", default);

        var delivery = await RetryTests.WaitForStatusAsync(context, destination.Id, DeliveryStatus.Delivered);
        Assert.Equal(["failed", "succeeded"], delivery.AttemptLog.Select(a => a.Outcome));
        var timedOut = delivery.AttemptLog[0];
        Assert.Null(timedOut.StatusCode);
        Assert.Equal("No complete response within 1 s.", timedOut.Error);
        Assert.InRange(timedOut.DurationMs!.Value, 900, 30_000);
    }

    [Fact]
    public async Task A_huge_response_body_is_read_only_up_to_the_limit_and_fails_the_attempt()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("huge", [EventTypes.FolderCreated]);
        context.Receiver.Script("huge", new ReceiverBehavior.HugeBody(512L * 1024 * 1024));
        await context.StartDispatcherAsync(new Dictionary<string, string?> { ["Webhooks:MaxResponseBytes"] = "8192" });
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Huge", default);

        var delivery = await RetryTests.WaitForStatusAsync(context, destination.Id, DeliveryStatus.Delivered);
        var huge = delivery.AttemptLog[0];
        Assert.Equal("failed", huge.Outcome);
        Assert.Equal(200, huge.StatusCode);
        Assert.Equal("The response body is longer than 8192 bytes.", huge.Error);
        Assert.Equal(1024, huge.ResponseBody!.Length); // a bounded prefix is kept
        Assert.Equal("succeeded", delivery.AttemptLog[1].Outcome);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_fails_the_delivery()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("moved", [EventTypes.FolderCreated]);
        context.Receiver.Always("moved", new ReceiverBehavior.Redirect(context.Receiver.Url("elsewhere"), 307));
        await context.StartDispatcherAsync();
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Moved", default);

        var delivery = await RetryTests.WaitForStatusAsync(context, destination.Id, DeliveryStatus.Failed);
        var attempt = Assert.Single(delivery.AttemptLog);
        Assert.Equal(307, attempt.StatusCode);
        Assert.Equal($"HTTP 307 redirect to {context.Receiver.Url("elsewhere")} not followed: a webhook URL must accept the POST itself.", attempt.Error);
        Assert.DoesNotContain(context.Receiver.Requests, r => r.Path == "/elsewhere");
    }

    [Fact]
    public async Task A_closed_port_is_a_network_error_and_is_retried()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var port = AgentMail.LocalServers.FreePort.Next();
        var destination = await context.Destinations.CreateAsync(
            new AgentMail.Webhooks.Core.Destinations.NewWebhookDestination($"http://127.0.0.1:{port}/nobody", [EventTypes.FolderCreated]), default);
        await context.StartDispatcherAsync();
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Nobody", default);

        var delivery = await WebhookTestContext.EventuallyAsync(
            async () => (await context.DeliveriesAsync(destination.Id)).SingleOrDefault(),
            d => d is { Attempts: >= 2 } && d.AttemptLog.Count(a => a.Outcome == "failed") >= 2,
            "two failed attempts");
        Assert.Equal(DeliveryStatus.Pending, delivery!.Status);
        Assert.StartsWith("Could not connect: ConnectionRefused", delivery.AttemptLog[0].Error);
    }

    [Fact]
    public async Task A_slow_receiver_does_not_delay_other_destinations()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var slow = await context.CreateDestinationAsync("slow", [EventTypes.FolderCreated]);
        await context.CreateDestinationAsync("fast", [EventTypes.FolderCreated]);
        context.Receiver.Always("slow", ReceiverBehavior.Hang);
        // Attempts to the slow receiver take a minute; two slots per destination, four in all.
        await context.StartDispatcherAsync(new Dictionary<string, string?>
        {
            ["Webhooks:AttemptTimeout"] = "00:01:00",
            ["Webhooks:ClaimLease"] = "00:02:00",
            ["Webhooks:MaxConcurrencyPerDestination"] = "2",
            ["Webhooks:MaxConcurrentDeliveries"] = "4",
        });
        var grant = await context.CreateGrantAsync();
        for (var i = 0; i < 10; i++)
            await context.Mailbox.Folders.CreateAsync(grant.Id, $"Folder {i}", default);

        // All ten reach the fast receiver while the slow one still holds its first two (which time out only after a minute).
        await context.Receiver.WaitForPostsAsync("fast", 10, TimeSpan.FromSeconds(45));
        Assert.Equal(2, context.Receiver.Posts("slow").Count);
        var inFlight = await context.DeliveriesAsync(slow.Id);
        Assert.Equal(2, inFlight.Count(d => d.AttemptLog.Any(a => a.Outcome == "in_progress")));
    }

    [Fact]
    public async Task A_host_rebound_to_a_private_address_is_refused_at_delivery_time()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        // Saved as if it had resolved publicly when created; at delivery "localhost" is loopback.
        var destination = await context.Destinations.CreateAsync(
            new AgentMail.Webhooks.Core.Destinations.NewWebhookDestination($"http://localhost:{context.Receiver.Port}/rebound", [EventTypes.FolderCreated]), default);
        await context.StartDispatcherAsync(new Dictionary<string, string?> { ["Webhooks:AllowPrivateDestinations"] = "false" });
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Rebound", default);

        var delivery = await WebhookTestContext.EventuallyAsync(
            async () => (await context.DeliveriesAsync(destination.Id)).SingleOrDefault(),
            d => d is not null && d.AttemptLog.Any(a => a.Outcome == "failed"),
            "a refused attempt");
        var refused = delivery!.AttemptLog.First(a => a.Outcome == "failed");
        Assert.Null(refused.StatusCode);
        Assert.Matches(@"^The host localhost resolves to (127\.0\.0\.1|::1), a loopback address; webhooks are only delivered to public addresses\.$", refused.Error);
        Assert.Empty(context.Receiver.Requests);
    }
}
