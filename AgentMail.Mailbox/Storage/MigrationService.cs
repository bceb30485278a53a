using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgentMail.Mailbox.Storage;

/// <summary>
/// Migrates the schema at start-up, retrying with backoff while Postgres is unreachable, then
/// opens <see cref="MailboxDatabase"/> for business. Runs in the background so the host (and its
/// health endpoints, which report the outage) starts regardless.
/// </summary>
internal sealed partial class MigrationService(SchemaMigrator migrator, MailboxDatabase database, ILogger<MigrationService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await migrator.MigrateAsync(stoppingToken).ConfigureAwait(false);
                database.MarkReady();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogRetry(logger, delay.TotalSeconds, e.Message);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mailbox store unreachable, retrying migrations in {Seconds} s: {Reason}")]
    private static partial void LogRetry(ILogger logger, double seconds, string reason);
}
