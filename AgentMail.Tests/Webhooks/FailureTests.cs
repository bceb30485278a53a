using AgentMail.LocalServers;
using AgentMail.Mailbox.Events;
using AgentMail.Tests.Webhooks.Support;
using AgentMail.Webhooks.Core.Deliveries;

namespace AgentMail.Tests.Webhooks;

/// <summary>Nothing is lost when a worker dies, Redis goes away, or several workers share the work — and nothing is sent twice in the normal case.</summary>
public sealed class FailureTests
{
    [Fact]
    public async Task A_worker_process_killed_mid_delivery_leaves_the_event_to_another_worker()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        using var logs = new Hosting.TempDirectory("agentmail-webhooks-");
        var destination = await context.CreateDestinationAsync("killed", [EventTypes.FolderCreated]);
        context.Receiver.Script("killed", ReceiverBehavior.Hang);
        // The doomed worker holds its claim for 6 s, so the survivor takes over soon after the kill.
        var settings = new Dictionary<string, string?>(WebhookTestContext.FastSettings)
        {
            ["Webhooks:AttemptTimeout"] = "00:00:05",
            ["Webhooks:ClaimLease"] = "00:00:06",
        };
        await using var doomed = WebhookWorkerProcess.Start(context.ConnectionString, context.Redis, settings, logs.Path);
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Orphaned", default);

        var first = Assert.Single(await context.Receiver.WaitForPostsAsync("killed", 1));
        await doomed.KillAsync();
        await context.StartDispatcherAsync();

        var delivery = await RetryTests.WaitForStatusAsync(context, destination.Id, DeliveryStatus.Delivered);
        var posts = context.Receiver.Posts("killed").Select(ReceivedNotification.Parse).ToList();
        Assert.Equal(2, posts.Count);
        Assert.Equal(ReceivedNotification.Parse(first).Id, posts[1].Id);
        Assert.Equal([1, 2], posts.Select(p => p.Attempt));
        Assert.Equal(["abandoned", "succeeded"], delivery.AttemptLog.Select(a => a.Outcome));
        Assert.Contains($":{doomed.Pid}:", delivery.AttemptLog[0].Worker, StringComparison.Ordinal);
        Assert.DoesNotContain($":{doomed.Pid}:", delivery.AttemptLog[1].Worker, StringComparison.Ordinal);
        Assert.StartsWith("The worker making this attempt stopped", delivery.AttemptLog[0].Error);
    }

    [Fact]
    public async Task Events_written_while_Redis_is_down_and_after_it_restarts_all_arrive()
    {
        using var folder = new Hosting.TempDirectory("agentmail-webhooks-redis-");
        var redis = await RedisServer.StartAsync(new RedisServerOptions { DataDirectory = Path.Combine(folder.Path, "redis") });
        var port = redis.Port;
        try
        {
            await using var context = await WebhookTestContext.CreateAsync(redis.ConnectionString);
            await context.CreateDestinationAsync("outage", [EventTypes.FolderCreated]);
            await context.StartDispatcherAsync();
            var grant = await context.CreateGrantAsync();
            await context.Mailbox.Folders.CreateAsync(grant.Id, "Before", default);
            await context.Receiver.WaitForPostsAsync("outage", 1);

            await redis.DisposeAsync();
            for (var i = 0; i < 10; i++)
                await context.Mailbox.Folders.CreateAsync(grant.Id, $"During {i}", default);
            await context.Receiver.WaitForPostsAsync("outage", 11);

            redis = await RedisServer.StartAsync(new RedisServerOptions { DataDirectory = Path.Combine(folder.Path, "redis"), Port = port });
            await WebhookTestContext.EventuallyAsync(() => Task.FromResult(context.Mailbox.Redis.IsConnected), c => c, "the mailbox to reconnect to Redis");
            for (var i = 0; i < 10; i++)
                await context.Mailbox.Folders.CreateAsync(grant.Id, $"After {i}", default);

            var names = (await context.Receiver.WaitForPostsAsync("outage", 21))
                .Select(p => ReceivedNotification.Parse(p).Object.GetProperty("name").GetString()!);
            string[] expected = ["Before", .. Enumerable.Range(0, 10).Select(i => $"During {i}"), .. Enumerable.Range(0, 10).Select(i => $"After {i}")];
            Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
            Assert.Equal(0L, await context.ScalarAsync<long>("SELECT count(*) FROM events WHERE dispatched_at IS NULL"));
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_workers_share_the_work_and_deliver_each_event_once()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("shared", [EventTypes.FolderCreated]);
        context.Receiver.Always("shared", new ReceiverBehavior.Slow(TimeSpan.FromMilliseconds(20)));
        var narrow = new Dictionary<string, string?> { ["Webhooks:MaxConcurrencyPerDestination"] = "2", ["Webhooks:FanOutBatchSize"] = "10" };
        await context.StartDispatcherAsync(narrow);
        await context.StartDispatcherAsync(narrow);
        var grant = await context.CreateGrantAsync();
        const int count = 150;
        for (var i = 0; i < count; i++)
            await context.Mailbox.Folders.CreateAsync(grant.Id, $"Shared {i}", default);

        await context.Receiver.WaitForPostsAsync("shared", count);
        var deliveries = await WebhookTestContext.EventuallyAsync(
            () => context.DeliveriesAsync(destination.Id), d => d.Count == count && d.All(x => x.Status == DeliveryStatus.Delivered), "every delivery to be recorded");
        await Task.Delay(1000); // anything sent twice would have arrived by now
        var posts = context.Receiver.Posts("shared").Select(ReceivedNotification.Parse).ToList();
        Assert.Equal(count, posts.Count);
        Assert.Equal(count, posts.Select(p => p.Id).Distinct().Count());
        Assert.All(posts, p => Assert.Equal(1, p.Attempt));
        Assert.All(deliveries, d => Assert.Equal(1, d.Attempts));
        // Both workers took part.
        Assert.Equal(2, deliveries.Select(d => d.AttemptLog.Single().Worker).Distinct().Count());
    }
}
