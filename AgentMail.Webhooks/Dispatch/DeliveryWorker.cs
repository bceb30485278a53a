using System.Collections.Concurrent;
using AgentMail.Webhooks.Core;
using Microsoft.Extensions.Options;

namespace AgentMail.Webhooks.Dispatch;

/// <summary>
/// The delivery loop: claims due deliveries up to this process's free capacity
/// (<see cref="WebhooksOptions.MaxConcurrentDeliveries"/> in all,
/// <see cref="WebhooksOptions.MaxConcurrencyPerDestination"/> per destination, so one slow
/// receiver holds at most its own slots) and runs each attempt concurrently. It looks again
/// when new deliveries are made, when an attempt finishes (a slot is free), when a retry this
/// worker scheduled falls due, and every <see cref="WebhooksOptions.PollInterval"/>.
/// </summary>
public sealed partial class DeliveryWorker(
    DeliveryClaims claims, DeliveryRunner runner, DispatchSignals signals, IOptionsMonitor<WebhooksOptions> options,
    TimeProvider clock, ILogger<DeliveryWorker> logger)
    : BackgroundService
{
    private readonly Dictionary<Guid, int> _busy = [];
    private readonly ConcurrentDictionary<Guid, Task> _running = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _timers = new();
    private ITimer? _refill;
    private ITimer? _retry;
    private long _retryDue = long.MaxValue;
    private int _refillPending;
    private int _inFlight;

    /// <summary>
    /// How long a freed slot waits before the worker claims again, so that attempts finishing
    /// together under load are refilled by one claim rather than one claim each.
    /// </summary>
    public static readonly TimeSpan RefillDelay = TimeSpan.FromMilliseconds(2);

    /// <summary>How long attempts in flight may finish after the host starts stopping before they are cut off (and retried elsewhere).</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ClaimAndStartAsync(stoppingToken).ConfigureAwait(false);
                    failures = 0;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogClaimFailed(logger, e);
                    await Task.Delay(Backoff.After(++failures), stoppingToken).ConfigureAwait(false);
                    continue;
                }
                await signals.Deliveries.WaitAsync(options.CurrentValue.PollInterval, stoppingToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // Attempts in flight get a grace period to finish; then they are cut off and recorded
            // as failed, due again at once, so another worker retries them without waiting for the lease.
            _abort.CancelAfter(ShutdownGrace);
            await Task.WhenAll(_running.Values).ConfigureAwait(false);
        }
    }

    private async Task ClaimAndStartAsync(CancellationToken stoppingToken)
    {
        var settings = options.CurrentValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var capacity = settings.MaxConcurrentDeliveries - Volatile.Read(ref _inFlight);
            if (capacity <= 0)
                return; // a finishing attempt wakes us
            Dictionary<Guid, int> busy;
            lock (_busy)
                busy = new Dictionary<Guid, int>(_busy);
            var claimed = await claims.ClaimAsync(capacity, busy, stoppingToken).ConfigureAwait(false);
            foreach (var delivery in claimed)
                Start(delivery);
            if (claimed.Count < capacity)
                return;
        }
    }

    private void Start(ClaimedDelivery delivery)
    {
        Interlocked.Increment(ref _inFlight);
        lock (_busy)
            _busy[delivery.DestinationId] = _busy.GetValueOrDefault(delivery.DestinationId) + 1;
        // Registered before it starts, so shutdown waits for it however fast it finishes.
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running[delivery.Id] = finished.Task;
        _ = Task.Run(async () =>
        {
            try
            {
                await RunAsync(delivery).ConfigureAwait(false);
            }
            finally
            {
                _running.TryRemove(delivery.Id, out _);
                finished.SetResult();
            }
        });
    }

    private async Task RunAsync(ClaimedDelivery delivery)
    {
        try
        {
            var retryIn = await runner.RunAsync(delivery, _abort.Token).ConfigureAwait(false);
            if (retryIn is { } delay)
                WakeAfter(delay);
        }
        catch (Exception e)
        {
            // Recording failed (the store is down): the lease expires and a worker tries again.
            LogAttemptLost(logger, delivery.Id, e);
        }
        finally
        {
            lock (_busy)
            {
                if (_busy[delivery.DestinationId] == 1)
                    _busy.Remove(delivery.DestinationId);
                else
                    _busy[delivery.DestinationId]--;
            }
            Interlocked.Decrement(ref _inFlight);
            SlotFreed();
        }
    }

    private void SlotFreed()
    {
        if (Interlocked.Exchange(ref _refillPending, 1) == 1)
            return;
        lock (_timers)
        {
            _refill ??= clock.CreateTimer(_ =>
            {
                Volatile.Write(ref _refillPending, 0);
                signals.Deliveries.Set();
            }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _refill.Change(RefillDelay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Looks again when the earliest retry this worker scheduled falls due, instead of waiting for the sweep.</summary>
    private void WakeAfter(TimeSpan delay)
    {
        if (delay >= options.CurrentValue.PollInterval)
            return; // the sweep finds it
        var due = clock.GetTimestamp() + (long)(delay.TotalSeconds * clock.TimestampFrequency);
        lock (_timers)
        {
            if (due >= _retryDue)
                return; // an earlier wake-up is set: its claim, or the sweep, finds this one
            _retryDue = due;
            // Kept in a field: an unreferenced timer may be collected before it fires.
            _retry ??= clock.CreateTimer(_ =>
            {
                lock (_timers)
                    _retryDue = long.MaxValue;
                signals.Deliveries.Set();
            }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _retry.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    public override void Dispose()
    {
        _refill?.Dispose();
        _retry?.Dispose();
        _abort.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming due webhook deliveries failed; retrying")]
    private static partial void LogClaimFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId}: the attempt could not be recorded; it is retried when its claim expires")]
    private static partial void LogAttemptLost(ILogger logger, Guid deliveryId, Exception e);
}
