using AgentMail.Mailbox.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AgentMail.Mailbox.Health;

/// <summary>Healthy when the mailbox store answers and its schema is migrated.</summary>
internal sealed class PostgresHealthCheck(MailboxDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var connection = await database.DataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            return database.IsReady
                ? HealthCheckResult.Healthy("Postgres reachable, schema migrated.")
                : HealthCheckResult.Unhealthy("Postgres reachable, schema migration pending.");
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy($"Postgres unreachable: {e.Message}");
        }
    }
}
