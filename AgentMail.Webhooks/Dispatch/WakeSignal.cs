namespace AgentMail.Webhooks.Dispatch;

/// <summary>
/// An auto-reset "look again" signal: any number of <see cref="Set"/> calls while a loop is busy
/// wake it once. Cheap enough to call on every notification and every finished delivery.
/// </summary>
public sealed class WakeSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);
    private int _set;

    public void Set()
    {
        if (Interlocked.Exchange(ref _set, 1) == 0)
            _semaphore.Release();
    }

    /// <summary>Waits for a <see cref="Set"/> or the timeout (the periodic sweep), whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        // Reset before the caller looks: a Set from now on is seen by this look or wakes the next wait.
        Volatile.Write(ref _set, 0);
    }
}

/// <summary>The dispatcher's two loops' wake-ups: new outbox events, and deliveries that may be due.</summary>
public sealed class DispatchSignals
{
    public WakeSignal Events { get; } = new();
    public WakeSignal Deliveries { get; } = new();
}
