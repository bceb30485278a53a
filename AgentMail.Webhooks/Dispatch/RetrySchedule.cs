using AgentMail.Webhooks.Core;

namespace AgentMail.Webhooks.Dispatch;

/// <summary>
/// When to try again after failed attempt <c>n</c>: <see cref="WebhooksOptions.RetryBaseDelay"/> ×
/// 2^(n−1), ±25 % jitter so receivers recovering from an outage are not hit by every retry at once,
/// capped at <see cref="WebhooksOptions.RetryMaxDelay"/>. A receiver's Retry-After is honoured
/// when longer, within the same cap.
/// </summary>
public static class RetrySchedule
{
    public static TimeSpan After(int attempt, TimeSpan? retryAfter, WebhooksOptions settings, Random? random = null)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
        var ticks = Math.Min(settings.RetryMaxDelay.Ticks, settings.RetryBaseDelay.Ticks * Math.Pow(2, exponent));
        var jittered = TimeSpan.FromTicks((long)(ticks * (0.75 + 0.5 * (random ?? Random.Shared).NextDouble())));
        if (retryAfter is { } asked && asked > jittered)
            jittered = asked;
        return jittered > settings.RetryMaxDelay ? settings.RetryMaxDelay : jittered;
    }
}
