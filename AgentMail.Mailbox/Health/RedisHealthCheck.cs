using AgentMail.Mailbox.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentMail.Mailbox.Health;

/// <summary>
/// Redis carries notifications only, so its loss degrades (pushes wait for the next poll) rather
/// than breaks the service: reported as Degraded, which /health still shows.
/// </summary>
internal sealed class RedisHealthCheck(IRedisClient redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis unreachable.");
        try
        {
            var rtt = await redis.PingAsync().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis PING {rtt.TotalMilliseconds:0.0} ms.");
        }
        catch (Exception e) when (e is RedisUnavailableException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Redis unreachable: {e.Message}");
        }
    }
}
