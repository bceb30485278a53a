using AgentMail.Mailbox.Events;
using AgentMail.Webhooks.Core;
using AgentMail.Webhooks.Core.Deliveries;
using AgentMail.Webhooks.Core.Http;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace AgentMail.Webhooks.Dispatch;

/// <summary>
/// Claims due deliveries. A claim is a lease: in one statement the worker locks due rows
/// (<c>SKIP LOCKED</c>, so two workers never take the same one), counts the attempt and sets
/// <c>leased_until</c> a lease ahead, which hides the delivery from every other worker until this
/// one records the outcome — or dies, in which case the next claimer logs the stale attempt as
/// abandoned and tries again. Outcomes are written only by the
/// holder of the current claim.
/// </summary>
public sealed class DeliveryClaims(DispatcherDatabase database, WorkerIdentity worker, IOptionsMonitor<WebhooksOptions> options)
{
    private const string ClaimSql = """
        WITH open AS (
            SELECT d.id, $3 - COALESCE(b.n, 0) AS slots
            FROM webhook_destinations d
            LEFT JOIN unnest($1::uuid[], $2::int[]) AS b(id, n) ON b.id = d.id
            WHERE d.status IN ('active', 'failing') AND $3 - COALESCE(b.n, 0) > 0
        ), candidates AS (
            SELECT w.*, o.slots,
                   row_number() OVER (PARTITION BY w.destination_id ORDER BY w.next_attempt_at, w.event_id) AS rank
            FROM open o CROSS JOIN LATERAL (
                SELECT w.id, w.destination_id, w.attempts, w.leased_by, w.leased_at, w.next_attempt_at, w.event_id
                FROM webhook_deliveries w
                WHERE w.destination_id = o.id AND w.status = 'pending' AND w.next_attempt_at <= clock_timestamp()
                  AND (w.leased_until IS NULL OR w.leased_until <= clock_timestamp())
                ORDER BY w.next_attempt_at
                LIMIT $3
                FOR UPDATE SKIP LOCKED
            ) w
        ), picked AS (
            SELECT * FROM candidates WHERE rank <= slots ORDER BY next_attempt_at, event_id LIMIT $4
        ), abandoned AS (
            INSERT INTO webhook_attempts (delivery_id, destination_id, attempt, outcome, error, worker, started_at, finished_at)
            SELECT p.id, p.destination_id, p.attempts, 'abandoned',
                   'The worker making this attempt stopped before it finished; another worker took the delivery over when its claim expired.',
                   p.leased_by, p.leased_at, clock_timestamp()
            FROM picked p WHERE p.leased_by IS NOT NULL
        )
        UPDATE webhook_deliveries w
        SET attempts = w.attempts + 1, leased_until = clock_timestamp() + $5, leased_by = $6, leased_at = clock_timestamp()
        FROM picked p, webhook_destinations d, events e
        WHERE w.id = p.id AND d.id = w.destination_id AND e.id = w.event_id
        RETURNING w.id, w.destination_id, w.attempts, w.leased_at, d.webhook_url, d.secret, d.compressed_delivery,
                  e.id, e.grant_id, e.type, e.object_id, e.payload::text, e.created_at
        """;


    /// <summary>
    /// Claims up to <paramref name="limit"/> due deliveries, at most
    /// <see cref="WebhooksOptions.MaxConcurrencyPerDestination"/> in flight per destination counting
    /// <paramref name="busy"/> (this worker's deliveries already in flight).
    /// </summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(int limit, IReadOnlyDictionary<Guid, int> busy, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(ClaimSql, connection);
        command.Parameters.AddWithValue(busy.Keys.ToArray());
        command.Parameters.AddWithValue(busy.Values.ToArray());
        command.Parameters.AddWithValue(settings.MaxConcurrencyPerDestination);
        command.Parameters.AddWithValue(limit);
        command.Parameters.AddWithValue(settings.ClaimLease);
        command.Parameters.AddWithValue(worker.Name);
        var claimed = new List<ClaimedDelivery>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(new ClaimedDelivery(
                r.GetGuid(0), r.GetGuid(1), r.GetInt32(2), r.GetFieldValue<DateTimeOffset>(3), r.GetString(4), r.GetString(5), r.GetBoolean(6),
                new StoredEvent(r.GetInt64(7), r.GetGuid(8), r.GetString(9), r.GetString(10), r.GetString(11), r.GetFieldValue<DateTimeOffset>(12))));
        }
        return claimed;
    }
}
