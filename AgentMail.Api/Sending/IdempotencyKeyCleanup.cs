using AgentMail.Mailbox.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMail.Api.Sending;

/// <summary>Deletes expired Idempotency-Keys every ten minutes (every replica may; the work is idempotent).</summary>
public sealed partial class IdempotencyKeyCleanup(IdempotencyKeys keys, ILogger<IdempotencyKeyCleanup> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await keys.RemoveExpiredAsync(stoppingToken);
            }
            catch (StoreUnavailableException e)
            {
                LogUnavailable(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Idempotency-Key cleanup skipped: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
