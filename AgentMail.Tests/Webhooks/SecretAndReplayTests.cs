using AgentMail.Mailbox.Events;
using AgentMail.Tests.Webhooks.Support;
using AgentMail.Webhooks.Core.Deliveries;

namespace AgentMail.Tests.Webhooks;

/// <summary>A rotated secret signs the very next attempt; a replay sends the same notification again.</summary>
public sealed class SecretAndReplayTests
{
    [Fact]
    public async Task A_rotated_secret_signs_the_next_delivery_and_the_next_retry()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("rotating", [EventTypes.FolderCreated]);
        await context.StartDispatcherAsync();
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Old secret", default);
        var first = Assert.Single(await context.Receiver.WaitForPostsAsync("rotating", 1));
        Assert.True(first.IsSignedWith(destination.Secret));

        // A retry in progress switches secrets too: fail until the rotation, then accept.
        context.Receiver.Always("rotating", new ReceiverBehavior.Status(503));
        await context.Mailbox.Folders.CreateAsync(grant.Id, "New secret", default);
        await context.Receiver.WaitForPostsAsync("rotating", 2);
        var rotated = (await context.Destinations.RotateSecretAsync(destination.Id, default))!;
        Assert.NotEqual(destination.Secret, rotated.Secret);
        context.Receiver.Always("rotating", ReceiverBehavior.Ok);

        var delivery = await WebhookTestContext.EventuallyAsync(
            () => context.DeliveriesAsync(destination.Id), d => d.Count == 2 && d.All(x => x.Status == DeliveryStatus.Delivered), "both deliveries");
        var last = context.Receiver.Posts("rotating")[^1];
        Assert.Equal("New secret", ReceivedNotification.Parse(last).Object.GetProperty("name").GetString());
        Assert.True(last.IsSignedWith(rotated.Secret));
        Assert.False(last.IsSignedWith(destination.Secret));
        Assert.True(context.Receiver.Posts("rotating")[1].IsSignedWith(destination.Secret)); // sent before the rotation
        Assert.Equal(2, delivery.Count);
    }

    [Fact]
    public async Task A_replayed_delivery_is_sent_again_with_the_same_id_and_the_next_attempt_number()
    {
        await using var context = await WebhookTestContext.CreateAsync();
        var destination = await context.CreateDestinationAsync("replayed", [EventTypes.FolderCreated]);
        await context.StartDispatcherAsync();
        var grant = await context.CreateGrantAsync();
        await context.Mailbox.Folders.CreateAsync(grant.Id, "Twice", default);
        var delivery = await RetryTests.WaitForStatusAsync(context, destination.Id, DeliveryStatus.Delivered);

        var replayed = await context.DeliveryLog.ReplayAsync(destination.Id, delivery.Id, default);
        Assert.NotNull(replayed);
        var posts = (await context.Receiver.WaitForPostsAsync("replayed", 2)).Select(ReceivedNotification.Parse).ToList();
        Assert.Equal(posts[0].Id, posts[1].Id);
        Assert.Equal(posts[0].ObjectJson, posts[1].ObjectJson);
        Assert.Equal([1, 2], posts.Select(p => p.Attempt));
        var after = await WebhookTestContext.EventuallyAsync(
            async () => (await context.DeliveriesAsync(destination.Id)).Single(), d => d.Status == DeliveryStatus.Delivered && d.Attempts == 2, "the replay to be recorded");
        Assert.Equal(["succeeded", "succeeded"], after.AttemptLog.Select(a => a.Outcome));
        Assert.Null(await context.DeliveryLog.ReplayAsync(destination.Id, Guid.NewGuid(), default));
        Assert.Null(await context.DeliveryLog.ReplayAsync(Guid.NewGuid(), delivery.Id, default));
    }
}
