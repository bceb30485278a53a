using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgentMail.Mailbox.Storage;

/// <summary>
/// Periodic housekeeping, run by whichever replica of any service holds the advisory lock: drops
/// blobs that were uploaded but never referenced (an append refused after its upload, or a
/// duplicate) once they are older than a grace period that no in-flight append can outlive.
/// </summary>
internal sealed partial class MailboxMaintenance(MailboxDatabase database, TimeProvider clock, ILogger<MailboxMaintenance> logger) : BackgroundService
{
    private const long AdvisoryLockKey = 0x4167_656E_744D_6D; // "AgentMm"
    internal static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    internal static readonly TimeSpan GracePeriod = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var removed = await RemoveUnreferencedBlobsAsync(GracePeriod, stoppingToken).ConfigureAwait(false);
                if (removed > 0)
                    LogRemoved(logger, removed);
            }
            catch (Exception e) when (e is NpgsqlException or StoreUnavailableException or TimeoutException)
            {
                LogFailed(logger, e.Message);
            }
        }
    }

    /// <summary>Removes unreferenced blobs older than <paramref name="grace"/>; returns how many.</summary>
    internal async Task<int> RemoveUnreferencedBlobsAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_xact_lock({AdvisoryLockKey})", connection, transaction))
        {
            if (await tryLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
                return 0; // another replica is at it
        }
        // SKIP LOCKED: a blob an append is referencing right now is left for the next round.
        await using var delete = new NpgsqlCommand("""
            DELETE FROM blobs WHERE sha256 IN (
                SELECT sha256 FROM blobs WHERE ref_count = 0 AND created_at < $1 LIMIT 1000 FOR UPDATE SKIP LOCKED)
            AND ref_count = 0
            """, connection, transaction);
        delete.Parameters.AddWithValue(clock.GetUtcNow() - grace);
        var removed = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return removed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} unreferenced blobs")]
    private static partial void LogRemoved(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mailbox maintenance skipped: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
