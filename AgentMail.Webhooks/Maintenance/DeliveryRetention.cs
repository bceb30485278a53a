using AgentMail.Webhooks.Dispatch;
using AgentMail.Webhooks.Core;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentMail.Webhooks.Maintenance;

/// <summary>
/// Deletes deliveries (with their attempts) finished more than
/// <see cref="WebhooksOptions.DeliveryRetention"/> ago, in small batches, once an hour, so the
/// delivery log does not grow without bound. Pending deliveries are never touched.
/// </summary>
public sealed partial class DeliveryRetention(DispatcherDatabase database, IOptionsMonitor<WebhooksOptions> options, ILogger<DeliveryRetention> logger)
    : BackgroundService
{
    private const int BatchSize = 5000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromHours(1), stoppingToken).ConfigureAwait(false);
            try
            {
                int deleted;
                do
                {
                    deleted = await DeleteBatchAsync(stoppingToken).ConfigureAwait(false);
                } while (deleted == BatchSize);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRetentionFailed(logger, e);
            }
        }
    }

    public async Task<int> DeleteBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            DELETE FROM webhook_deliveries WHERE id IN (
                SELECT id FROM webhook_deliveries
                WHERE created_at < clock_timestamp() - $1 AND status <> 'pending' AND completed_at < clock_timestamp() - $1
                LIMIT $2 FOR UPDATE SKIP LOCKED)
            """, connection);
        command.Parameters.AddWithValue(options.CurrentValue.DeliveryRetention);
        command.Parameters.AddWithValue(BatchSize);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting old webhook deliveries failed")]
    private static partial void LogRetentionFailed(ILogger logger, Exception e);
}
