using AgentMail.Mailbox.Storage;
using AgentMail.Webhooks.Core;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentMail.Webhooks.Dispatch;

/// <summary>
/// Turns outbox events into deliveries, one transaction per batch: claims undispatched events
/// in id order (<c>FOR UPDATE SKIP LOCKED</c>, so workers take disjoint batches), inserts one
/// delivery per destination whose trigger types match (active or failing, subscribed before the
/// event) and marks the events dispatched. Either all of that commits or none of it does, so
/// an event is never lost and never fanned out twice.
/// </summary>
public sealed class OutboxFanOut(DispatcherDatabase database, IOptionsMonitor<WebhooksOptions> options)
{
    private const string Sql = """
        WITH claimed AS (
            SELECT id, type, created_at FROM events
            WHERE dispatched_at IS NULL
            ORDER BY id
            LIMIT $1
            FOR UPDATE SKIP LOCKED
        ), fanned AS (
            INSERT INTO webhook_deliveries (id, destination_id, event_id, event_type, next_attempt_at, retry_until)
            SELECT gen_random_uuid(), d.id, c.id, c.type, clock_timestamp(), clock_timestamp() + $2
            FROM claimed c
            JOIN webhook_destinations d
              ON c.type = ANY (d.trigger_types) AND d.status IN ('active', 'failing') AND d.created_at <= c.created_at
            ORDER BY c.id
            ON CONFLICT (destination_id, event_id) DO NOTHING
            RETURNING 1
        ), marked AS (
            UPDATE events e SET dispatched_at = clock_timestamp()
            FROM claimed c WHERE e.id = c.id
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM marked), (SELECT count(*) FROM fanned)
        """;

    /// <summary>Fans out one batch; returns how many events it took and how many deliveries it made.</summary>
    public async Task<(int Events, int Deliveries)> RunBatchAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.AddWithValue(settings.FanOutBatchSize);
        command.Parameters.AddWithValue(settings.RetryPeriod);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1));
    }
}
