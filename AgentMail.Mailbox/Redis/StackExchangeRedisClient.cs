using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentMail.Mailbox.Redis;

/// <summary><see cref="IRedisClient"/> over StackExchange.Redis 1.2.6.</summary>
public sealed partial class StackExchangeRedisClient : IRedisClient, IDisposable
{
    // Slots are scored by expiry in Redis server time, so replicas with skewed clocks agree.
    private const string AcquireScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local expiry = now + tonumber(ARGV[3])
        if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
          redis.call('ZADD', KEYS[1], expiry, ARGV[1])
          return 1
        end
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
          return 0
        end
        redis.call('ZADD', KEYS[1], expiry, ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    private const string RenewScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """;

    private const string IncrementScript = """
        local v = redis.call('INCR', KEYS[1])
        if v == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return v
        """;

    private readonly ConnectionMultiplexer _connection;
    private readonly ILogger _logger;

    private StackExchangeRedisClient(ConnectionMultiplexer connection, ILogger logger)
    {
        _connection = connection;
        _logger = logger;
    }

    /// <summary>
    /// Connects without failing when Redis is down: the multiplexer keeps reconnecting in the
    /// background and restores subscriptions when it succeeds.
    /// </summary>
    public static StackExchangeRedisClient Connect(string configuration, ILogger logger)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 5000;
        options.SyncTimeout = 5000;
        options.KeepAlive = 15;
        var connection = ConnectionMultiplexer.Connect(options);
        return new StackExchangeRedisClient(connection, logger);
    }

    public bool IsConnected => _connection.IsConnected;

    public async Task<bool> PublishAsync(string channel, string message)
    {
        if (!_connection.IsConnected)
            return false;
        try
        {
            await _connection.GetSubscriber().PublishAsync(channel, message).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogPublishFailed(_logger, channel, e);
            return false;
        }
    }

    public async Task<IAsyncDisposable> SubscribeAsync(string channel, Action<string> handler)
    {
        Action<RedisChannel, RedisValue> callback = (_, value) => handler(value.ToString());
        var subscriber = _connection.GetSubscriber();
        try
        {
            await subscriber.SubscribeAsync(channel, callback).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The multiplexer re-establishes subscriptions it knows about once Redis is back;
            // until then listeners rely on their catch-up polls.
            LogSubscribeFailed(_logger, channel, e);
        }
        return new Subscription(subscriber, channel, callback);
    }

    public async Task<LeaseResult> TryAcquireLeaseAsync(string key, string holder, int limit, TimeSpan ttl)
    {
        try
        {
            var result = await _connection.GetDatabase().ScriptEvaluateAsync(AcquireScript, [key],
                [holder, limit, (long)ttl.TotalMilliseconds]).ConfigureAwait(false);
            return (long)result == 1 ? LeaseResult.Acquired : LeaseResult.LimitReached;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogLeaseFailed(_logger, key, e);
            return LeaseResult.Unavailable;
        }
    }

    public async Task RenewLeaseAsync(string key, string holder, TimeSpan ttl)
    {
        try
        {
            await _connection.GetDatabase().ScriptEvaluateAsync(RenewScript, [key], [holder, (long)ttl.TotalMilliseconds]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogLeaseFailed(_logger, key, e);
        }
    }

    public async Task ReleaseLeaseAsync(string key, string holder)
    {
        try
        {
            await _connection.GetDatabase().SortedSetRemoveAsync(key, holder).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogLeaseFailed(_logger, key, e); // the slot expires on its own
        }
    }

    public async Task<long> IncrementAsync(string key, TimeSpan window)
    {
        try
        {
            var result = await _connection.GetDatabase().ScriptEvaluateAsync(IncrementScript, [key], [(long)window.TotalMilliseconds]).ConfigureAwait(false);
            return (long)result;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new RedisUnavailableException($"Redis is unreachable: {e.Message}", e);
        }
    }

    public async Task<long> GetCounterAsync(string key)
    {
        try
        {
            var value = await _connection.GetDatabase().StringGetAsync(key).ConfigureAwait(false);
            return value.IsNull ? 0 : (long)value;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new RedisUnavailableException($"Redis is unreachable: {e.Message}", e);
        }
    }

    public async Task DeleteAsync(string key)
    {
        try
        {
            await _connection.GetDatabase().KeyDeleteAsync(key).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new RedisUnavailableException($"Redis is unreachable: {e.Message}", e);
        }
    }

    public async Task<TimeSpan> PingAsync()
    {
        try
        {
            return await _connection.GetDatabase().PingAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new RedisUnavailableException($"Redis is unreachable: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        // Waiting for in-flight commands would block shutdown for the sync timeout; notifications are best effort.
        _connection.Close(allowCommandsToComplete: false);
        _connection.Dispose();
    }

    private sealed class Subscription(ISubscriber subscriber, string channel, Action<RedisChannel, RedisValue> callback) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await subscriber.UnsubscribeAsync(channel, callback).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Disconnected: the server dropped the subscription with the connection.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis publish to {Channel} failed; listeners will catch up by polling")]
    private static partial void LogPublishFailed(ILogger logger, string channel, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis subscribe to {Channel} failed; it is restored on reconnect")]
    private static partial void LogSubscribeFailed(ILogger logger, string channel, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis lease operation on {Key} failed")]
    private static partial void LogLeaseFailed(ILogger logger, string key, Exception e);
}
