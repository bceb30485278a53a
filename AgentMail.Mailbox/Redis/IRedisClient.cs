namespace AgentMail.Mailbox.Redis;

/// <summary>
/// Everything AgentMail asks of Redis, behind one small interface so the client library can be
/// swapped (StackExchange.Redis 1.2.6 today; 2.x where the feed carries it) by changing one class.
/// Redis holds nothing durable: notifications, leases and counters only. Every method tolerates an
/// unreachable server (publishes are dropped, counters report <see cref="RedisUnavailableException"/>)
/// because Postgres, not Redis, is the source of truth.
/// </summary>
public interface IRedisClient
{
    bool IsConnected { get; }

    /// <summary>Publishes a notification; returns false when Redis is unreachable (the message is lost, by design).</summary>
    Task<bool> PublishAsync(string channel, string message);

    /// <summary>Subscribes to a channel until the returned handle is disposed; survives reconnects.</summary>
    Task<IAsyncDisposable> SubscribeAsync(string channel, Action<string> handler);

    /// <summary>
    /// Takes one of <paramref name="limit"/> slots in a shared lease set (e.g. the IMAP
    /// connections of one grant across all replicas). Each slot expires after <paramref name="ttl"/>
    /// unless renewed, so a dead replica frees its slots.
    /// </summary>
    Task<LeaseResult> TryAcquireLeaseAsync(string key, string holder, int limit, TimeSpan ttl);

    Task RenewLeaseAsync(string key, string holder, TimeSpan ttl);

    Task ReleaseLeaseAsync(string key, string holder);

    /// <summary>Increments a counter that expires <paramref name="window"/> after its first increment; returns the new value.</summary>
    Task<long> IncrementAsync(string key, TimeSpan window);

    /// <summary>The counter's value, 0 when absent.</summary>
    Task<long> GetCounterAsync(string key);

    Task DeleteAsync(string key);

    /// <summary>Round-trip time of a PING.</summary>
    Task<TimeSpan> PingAsync();
}

public enum LeaseResult
{
    Acquired,
    LimitReached,
    Unavailable,
}

public sealed class RedisUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
