using AgentMail.Mailbox.Redis;

namespace AgentMail.Mailbox.Changes;

/// <summary>
/// Announces committed changes: first to this process's own listeners, then on Redis for every
/// other process. Never throws: the change is already durable, and listeners catch up by polling.
/// </summary>
public sealed class ChangePublisher(IRedisClient redis, ChangeFeed feed)
{
    public async Task PublishAsync(IReadOnlyCollection<MailboxChange> changes, bool eventsWritten, bool outboundQueued)
    {
        foreach (var change in changes)
            feed.DispatchLocal(change);
        feed.WakeLocal(eventsWritten, outboundQueued);

        var origin = feed.Origin.ToString("N");
        var publishes = new List<Task>(changes.Count + 2);
        foreach (var change in changes)
            publishes.Add(redis.PublishAsync(Channels.Grant(change.GrantId), ChangeMessageFormat.Format(feed.Origin, change)));
        if (eventsWritten)
            publishes.Add(redis.PublishAsync(Channels.Events, origin));
        if (outboundQueued)
            publishes.Add(redis.PublishAsync(Channels.Outbound, origin));
        await Task.WhenAll(publishes).ConfigureAwait(false);
    }
}
