namespace AgentMail.Webhooks.Dispatch;

/// <summary>How long a worker loop waits after consecutive failures of its own store calls (not receiver retries).</summary>
internal static class Backoff
{
    public static TimeSpan After(int failures) => TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(failures, 10))));
}
