using AgentMail.Mailbox.Changes;
using AgentMail.Webhooks.Core;
using Microsoft.Extensions.Options;

namespace AgentMail.Webhooks.Dispatch;

/// <summary>
/// The outbox loop: woken by Redis (<see cref="ChangeFeed.SubscribeToEventsAsync"/>) when any
/// process commits events, and every <see cref="WebhooksOptions.PollInterval"/> regardless, so a
/// lost notification or a Redis outage delays events by at most one sweep. Hands new
/// deliveries to the <see cref="DeliveryWorker"/>.
/// </summary>
public sealed partial class FanOutWorker(
    OutboxFanOut fanOut, ChangeFeed changes, DispatchSignals signals, IOptionsMonitor<WebhooksOptions> options, ILogger<FanOutWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var subscription = await changes.SubscribeToEventsAsync(signals.Events.Set).ConfigureAwait(false);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int events;
                do
                {
                    (events, var deliveries) = await fanOut.RunBatchAsync(stoppingToken).ConfigureAwait(false);
                    if (deliveries > 0)
                    {
                        WebhooksMetrics.DeliveriesCreated.Add(deliveries);
                        signals.Deliveries.Set();
                    }
                } while (events == options.CurrentValue.FanOutBatchSize && !stoppingToken.IsCancellationRequested);
                failures = 0;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Postgres down or migrating: nothing is lost (the events stay undispatched); try again later.
                LogFanOutFailed(logger, e);
                await Task.Delay(Backoff.After(++failures), stoppingToken).ConfigureAwait(false);
                continue;
            }
            // Wake-ups on the events channel also carry replays: let the delivery loop look too.
            signals.Deliveries.Set();
            await signals.Events.WaitAsync(options.CurrentValue.PollInterval, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fanning out outbox events failed; retrying")]
    private static partial void LogFanOutFailed(ILogger logger, Exception e);
}
