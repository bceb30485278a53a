using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Storage;
using AgentMail.Webhooks.Core;
using AgentMail.Webhooks.Core.Deliveries;
using AgentMail.Webhooks.Core.Http;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace AgentMail.Webhooks.Dispatch;

/// <summary>
/// Claims due deliveries and records how their attempts went. A claim is a lease: in one
/// statement the worker locks due rows (<c>SKIP LOCKED</c>, so two workers never take the same
/// one), starts an attempt row, and moves <c>next_attempt_at</c> a lease ahead, which hides the
/// delivery from every other worker until this one finishes — or dies, in which case the next
/// claimer marks the stale attempt abandoned and tries again. Outcomes are written only by the
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
                SELECT w.id, w.destination_id, w.attempts, w.claimed_attempt, w.next_attempt_at, w.event_id
                FROM webhook_deliveries w
                WHERE w.destination_id = o.id AND w.status = 'pending' AND w.next_attempt_at <= clock_timestamp()
                ORDER BY w.next_attempt_at
                LIMIT $3
                FOR UPDATE SKIP LOCKED
            ) w
        ), picked AS (
            SELECT * FROM candidates WHERE rank <= slots ORDER BY next_attempt_at, event_id LIMIT $4
        ), abandoned AS (
            UPDATE webhook_attempts a
            SET outcome = 'abandoned', finished_at = clock_timestamp(),
                error = 'The worker making this attempt stopped before it finished; another worker took the delivery over when its claim expired.'
            FROM picked p WHERE a.id = p.claimed_attempt AND a.outcome = 'in_progress'
        ), started AS (
            INSERT INTO webhook_attempts (delivery_id, destination_id, attempt, worker)
            SELECT p.id, p.destination_id, p.attempts + 1, $6 FROM picked p
            RETURNING id, delivery_id, attempt
        )
        UPDATE webhook_deliveries w
        SET attempts = s.attempt, claimed_attempt = s.id, next_attempt_at = clock_timestamp() + $5
        FROM started s, webhook_destinations d, events e
        WHERE w.id = s.delivery_id AND d.id = w.destination_id AND e.id = w.event_id
        RETURNING w.id, w.destination_id, s.id, s.attempt, d.webhook_url, d.secret, d.compressed_delivery,
                  e.id, e.grant_id, e.type, e.object_id, e.payload::text, e.created_at
        """;

    private const string SucceededSql = """
        UPDATE webhook_deliveries SET status = 'delivered', completed_at = clock_timestamp(), claimed_attempt = NULL,
            last_status_code = $3, last_error = NULL
        WHERE id = $1 AND claimed_attempt = $2
        """;

    private const string FailedSql = """
        UPDATE webhook_deliveries SET
            status = CASE WHEN $3 AND clock_timestamp() + $4 <= retry_until THEN 'pending' ELSE 'failed' END,
            completed_at = CASE WHEN $3 AND clock_timestamp() + $4 <= retry_until THEN NULL ELSE clock_timestamp() END,
            next_attempt_at = clock_timestamp() + $4,
            claimed_attempt = NULL, last_status_code = $5, last_error = $6
        WHERE id = $1 AND claimed_attempt = $2
        RETURNING status
        """;

    private const string AttemptSql = """
        UPDATE webhook_attempts SET outcome = $2, status_code = $3, error = $4, response_body = $5,
            finished_at = clock_timestamp(), duration_ms = $6
        WHERE id = $1
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
                r.GetGuid(0), r.GetGuid(1), r.GetInt64(2), r.GetInt32(3), r.GetString(4), r.GetString(5), r.GetBoolean(6),
                new StoredEvent(r.GetInt64(7), r.GetGuid(8), r.GetString(9), r.GetString(10), r.GetString(11), r.GetFieldValue<DateTimeOffset>(12))));
        }
        return claimed;
    }

    /// <summary>
    /// Records the attempt and moves the delivery on: delivered, retried after
    /// <paramref name="retryDelay"/>, or failed (not retryable, or past its retry period).
    /// Returns the delivery's new status, or null when this worker no longer held the claim.
    /// </summary>
    public async Task<string?> RecordAsync(ClaimedDelivery delivery, SendResult result, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        NpgsqlBatchCommand outcome;
        if (result.Succeeded)
        {
            outcome = new NpgsqlBatchCommand(SucceededSql);
            outcome.Parameters.AddWithValue(delivery.Id);
            outcome.Parameters.AddWithValue(delivery.AttemptId);
            outcome.Parameters.Add(Nullable(result.StatusCode));
        }
        else
        {
            outcome = new NpgsqlBatchCommand(FailedSql);
            outcome.Parameters.AddWithValue(delivery.Id);
            outcome.Parameters.AddWithValue(delivery.AttemptId);
            outcome.Parameters.AddWithValue(result.Retryable);
            outcome.Parameters.AddWithValue(retryDelay);
            outcome.Parameters.Add(Nullable(result.StatusCode));
            outcome.Parameters.Add(Nullable(result.Error));
        }
        batch.BatchCommands.Add(outcome);

        var attempt = new NpgsqlBatchCommand(AttemptSql);
        attempt.Parameters.AddWithValue(delivery.AttemptId);
        attempt.Parameters.AddWithValue(result.Succeeded ? "succeeded" : "failed");
        attempt.Parameters.Add(Nullable(result.StatusCode));
        attempt.Parameters.Add(Nullable(result.Error));
        attempt.Parameters.Add(Nullable(result.ResponseBody));
        attempt.Parameters.AddWithValue((int)Math.Min(int.MaxValue, result.Duration.TotalMilliseconds));
        batch.BatchCommands.Add(attempt);

        if (result.Succeeded)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return outcome.RecordsAffected > 0 ? DeliveryStatus.Delivered : null;
        }
        string? status = null;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                status = reader.GetString(0);
        }
        return status;
    }

    private static NpgsqlParameter Nullable(int? value) => new NpgsqlParameter<int?> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Integer };

    private static NpgsqlParameter Nullable(string? value) => new NpgsqlParameter<string?> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };
}
