using AgentMail.Mailbox.Events;
using AgentMail.Tests.Webhooks.Support;
using AgentMail.Webhooks.Core.Deliveries;

namespace AgentMail.Tests.Webhooks;

/// <summary>Retries with backoff on 5xx, 408, 429, timeouts and network errors; no retries for other 4xx and redirects.</summary>
public sealed class RetryTests
{
    [Fact]
    public async Task A_receiver_answering_503_three_times_then_200_gets_it_delivered_once_with_attempt_4()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("flaky", [EventTypes.FolderCreated]);
        context.Receiver.Script("flaky", new ReceiverBehavior.Status(503), new ReceiverBehavior.Status(503), new ReceiverBehavior.Status(503));
        await context.StartDispatcherAsync();
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Retried", default);

        var delivery = await WaitForStatusAsync(context, destination.Id, DeliveryStatus.Delivered);
        var posts = context.Receiver.Posts("flaky").Select(ReceivedNotification.Parse).ToList();
        Assert.Equal([1, 2, 3, 4], posts.Select(p => p.Attempt));
        Assert.Single(posts.Select(p => p.Id).Distinct());
        Assert.Equal(delivery.Id.ToString(), posts[0].Id);
        Assert.All(posts, p => Assert.Equal(posts[0].ObjectJson, p.ObjectJson));

        Assert.Equal(4, delivery.Attempts);
        Assert.Equal([503, 503, 503, 200], delivery.AttemptLog.Select(a => a.StatusCode));
        Assert.Equal(["failed", "failed", "failed", "succeeded"], delivery.AttemptLog.Select(a => a.Outcome));
        Assert.Equal([1, 2, 3, 4], delivery.AttemptLog.Select(a => a.Attempt));
        Assert.All(delivery.AttemptLog, a => Assert.NotNull(a.DurationMs));
        Assert.Equal("HTTP 503 Service Unavailable", delivery.AttemptLog[0].Error);
        Assert.Equal(200, delivery.LastStatusCode);

        // Delivered is final: nothing more arrives.
        await Task.Delay(1000);
        Assert.Equal(4, context.Receiver.Posts("flaky").Count);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    public async Task Retryable_statuses_are_retried(int status)
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("retryable", [EventTypes.FolderCreated]);
        context.Receiver.Script("retryable", new ReceiverBehavior.Status(status));
        await context.StartDispatcherAsync();
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Again", default);

        var delivery = await WaitForStatusAsync(context, destination.Id, DeliveryStatus.Delivered);
        Assert.Equal([status, 200], delivery.AttemptLog.Select(a => a.StatusCode));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(410)]
    public async Task Other_client_errors_fail_the_delivery_without_retrying(int status)
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("refuses", [EventTypes.FolderCreated]);
        context.Receiver.Always("refuses", new ReceiverBehavior.Status(status, "no such hook"));
        await context.StartDispatcherAsync();
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Refused", default);

        var delivery = await WaitForStatusAsync(context, destination.Id, DeliveryStatus.Failed);
        var attempt = Assert.Single(delivery.AttemptLog);
        Assert.Equal(status, attempt.StatusCode);
        Assert.Equal("failed", attempt.Outcome);
        Assert.Equal("no such hook", attempt.ResponseBody);
        Assert.NotNull(delivery.CompletedAt);
        await Task.Delay(1000);
        Assert.Single(context.Receiver.Posts("refuses"));
    }

    [Fact]
    public async Task A_delivery_is_given_up_after_its_retry_period()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("down", [EventTypes.FolderCreated]);
        context.Receiver.Always("down", new ReceiverBehavior.Status(502));
        await context.StartDispatcherAsync(new Dictionary<string, string?> { ["Webhooks:RetryPeriod"] = "00:00:01.500" });
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Lost", default);

        var delivery = await WaitForStatusAsync(context, destination.Id, DeliveryStatus.Failed);
        Assert.True(delivery.Attempts >= 2, $"{delivery.Attempts} attempts");
        Assert.All(delivery.AttemptLog, a => Assert.Equal(502, a.StatusCode));
        Assert.Equal(delivery.Attempts, context.Receiver.Posts("down").Count);
    }

    internal static async Task<WebhookDelivery> WaitForStatusAsync(WebhookTestContext context, Guid destinationId, string status, TimeSpan? timeout = null) =>
        (await WebhookTestContext.EventuallyAsync(
            async () => (await context.DeliveriesAsync(destinationId)).SingleOrDefault(),
            d => d?.Status == status,
            $"the delivery to be {status}",
            timeout))!;
}
