namespace AgentMail.Smtp.Outbound;

/// <summary>Exponential backoff: the first delay after the first failure, doubled per attempt, capped.</summary>
public static class RetrySchedule
{
    public static TimeSpan DelayAfter(int failedAttempts, TimeSpan initial, TimeSpan maximum)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var delay = initial.Ticks * Math.Pow(2, exponent);
        return delay >= maximum.Ticks ? maximum : TimeSpan.FromTicks((long)delay);
    }
}
