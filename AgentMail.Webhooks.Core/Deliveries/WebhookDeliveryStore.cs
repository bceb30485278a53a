using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Redis;
using AgentMail.Mailbox.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentMail.Webhooks.Core.Deliveries;

/// <summary>Reads the delivery log of a destination and replays deliveries (the API's side of webhook_deliveries).</summary>
public sealed class WebhookDeliveryStore(MailboxDatabase database, IRedisClient redis, IOptionsMonitor<WebhooksOptions> options)
{
    private const string Columns = """
        d.id, d.destination_id, d.event_id, d.event_type, d.status, d.attempts, d.created_at,
        d.next_attempt_at, d.completed_at, d.last_status_code, d.last_error,
        CASE WHEN d.leased_until > clock_timestamp() THEN d.leased_by END, d.leased_at
        """;

    /// <summary>Deliveries of a destination, newest event first, <paramref name="limit"/> at a time, starting after <paramref name="after"/>.</summary>
    public async Task<DeliveryPage> ListAsync(Guid destinationId, int limit, DeliveryPosition? after, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns} FROM webhook_deliveries d
            WHERE d.destination_id = $1 AND d.event_id < $2
            ORDER BY d.event_id DESC
            LIMIT $3
            """, connection);
        command.Parameters.AddWithValue(destinationId);
        command.Parameters.AddWithValue(after?.EventId ?? long.MaxValue);
        command.Parameters.AddWithValue(limit + 1);
        var deliveries = await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
        DeliveryPosition? next = null;
        if (deliveries.Count > limit)
        {
            deliveries.RemoveAt(limit);
            next = new DeliveryPosition(deliveries[^1].Delivery.EventId);
        }
        return new DeliveryPage(await WithAttemptsAsync(connection, deliveries, cancellationToken).ConfigureAwait(false), next);
    }

    public async Task<WebhookDelivery?> GetAsync(Guid destinationId, Guid deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM webhook_deliveries d WHERE d.id = $1 AND d.destination_id = $2", connection);
        command.Parameters.AddWithValue(deliveryId);
        command.Parameters.AddWithValue(destinationId);
        var found = await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : (await WithAttemptsAsync(connection, found, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// Sends a delivery again, now, with the same envelope id (the receiver may dedup it) and a
    /// fresh retry period; an attempt in flight is left to finish. Null when there is no such delivery.
    /// </summary>
    public async Task<WebhookDelivery?> ReplayAsync(Guid destinationId, Guid deliveryId, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = new NpgsqlCommand("""
            UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = clock_timestamp(),
                retry_until = clock_timestamp() + $3, completed_at = NULL
            WHERE id = $1 AND destination_id = $2 AND NOT (status = 'pending' AND leased_until > clock_timestamp())
            """, connection))
        {
            command.Parameters.AddWithValue(deliveryId);
            command.Parameters.AddWithValue(destinationId);
            command.Parameters.AddWithValue(options.CurrentValue.RetryPeriod);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
                await redis.PublishAsync(Channels.Events, "replay").ConfigureAwait(false); // wake a worker; the sweep covers a lost one
        }
        return await GetAsync(destinationId, deliveryId, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<(WebhookDelivery Delivery, DeliveryAttempt? InFlight)>> ReadDeliveriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var deliveries = new List<(WebhookDelivery, DeliveryAttempt?)>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var status = r.GetString(4);
            var inFlight = r.IsDBNull(11) ? null
                : new DeliveryAttempt(r.GetInt32(5), "in_progress", null, null, null, r.GetString(11), r.GetFieldValue<DateTimeOffset>(12), null, null);
            deliveries.Add((new WebhookDelivery
            {
                Id = r.GetGuid(0),
                DestinationId = r.GetGuid(1),
                EventId = r.GetInt64(2),
                EventType = r.GetString(3),
                Status = status,
                Attempts = r.GetInt32(5),
                CreatedAt = r.GetFieldValue<DateTimeOffset>(6),
                NextAttemptAt = status == DeliveryStatus.Pending ? r.GetFieldValue<DateTimeOffset>(7) : null,
                CompletedAt = r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8),
                LastStatusCode = r.IsDBNull(9) ? null : r.GetInt32(9),
                LastError = r.IsDBNull(10) ? null : r.GetString(10),
            }, inFlight));
        }
        return deliveries;
    }

    /// <summary>The attempt log of each delivery, oldest first, ending with the attempt in flight if there is one.</summary>
    private static async Task<List<WebhookDelivery>> WithAttemptsAsync(NpgsqlConnection connection, List<(WebhookDelivery Delivery, DeliveryAttempt? InFlight)> deliveries, CancellationToken cancellationToken)
    {
        if (deliveries.Count == 0)
            return [];
        await using var command = new NpgsqlCommand("""
            SELECT delivery_id, attempt, outcome, status_code, error, response_body, worker, started_at, finished_at, duration_ms
            FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY attempt, id
            """, connection);
        command.Parameters.AddWithValue(deliveries.Select(d => d.Delivery.Id).ToArray());
        var attempts = new Dictionary<Guid, List<DeliveryAttempt>>();
        await using (var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = r.GetGuid(0);
                if (!attempts.TryGetValue(id, out var list))
                    attempts[id] = list = [];
                list.Add(new DeliveryAttempt(
                    r.GetInt32(1), r.GetString(2),
                    r.IsDBNull(3) ? null : r.GetInt32(3),
                    r.IsDBNull(4) ? null : r.GetString(4),
                    r.IsDBNull(5) ? null : r.GetString(5),
                    r.GetString(6),
                    r.GetFieldValue<DateTimeOffset>(7),
                    r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8),
                    r.IsDBNull(9) ? null : r.GetInt32(9)));
            }
        }
        return deliveries.Select(d =>
        {
            var log = attempts.GetValueOrDefault(d.Delivery.Id) ?? [];
            if (d.InFlight is { } inFlight)
                log.Add(inFlight);
            return d.Delivery with { AttemptLog = log };
        }).ToList();
    }
}
