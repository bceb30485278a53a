using AgentMail.Mailbox.Storage;
using AgentMail.Webhooks.Dispatch;
using AgentMail.Webhooks.Core;
using AgentMail.Webhooks.Core.Destinations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentMail.Webhooks.Health;

/// <summary>A destination whose status the health check changed.</summary>
public sealed record StatusChange(Guid DestinationId, string WebhookUrl, string From, string To, IReadOnlyList<string> NotificationEmailAddresses);

/// <summary>
/// Nylas's circuit breaker, over the attempt log: a destination is <c>failing</c> when at least
/// <see cref="WebhooksOptions.FailingThreshold"/> of its attempts in the last
/// <see cref="WebhooksOptions.FailingWindow"/> failed; <c>active</c> again when the share drops
/// below it (it is re-evaluated every check, so staying failing means failing all along);
/// <c>failed</c> once it has been failing for <see cref="WebhooksOptions.FailedAfter"/> and the
/// latest window still fails at that rate — then its pending deliveries are given up, and nothing
/// but the user (PUT status active) makes it active again. Each transition is one
/// conditional UPDATE, so any number of workers may run this at once.
/// </summary>
public sealed class DestinationHealth(DispatcherDatabase database, IOptionsMonitor<WebhooksOptions> options)
{
    private const string Sql = """
        WITH windowed AS (
            SELECT destination_id,
                   count(*) AS total,
                   count(*) FILTER (WHERE outcome <> 'succeeded') AS failed
            FROM webhook_attempts
            WHERE finished_at >= clock_timestamp() - $1
            GROUP BY destination_id
        ), to_failing AS (
            UPDATE webhook_destinations d
            SET status = 'failing', status_updated_at = clock_timestamp(), updated_at = clock_timestamp()
            FROM windowed s
            WHERE d.id = s.destination_id AND d.status = 'active' AND s.total >= $2 AND s.failed >= $3 * s.total
            RETURNING d.id, d.webhook_url, 'active' AS was, d.status, d.notification_email_addresses
        ), to_active AS (
            UPDATE webhook_destinations d
            SET status = 'active', status_updated_at = clock_timestamp(), updated_at = clock_timestamp()
            FROM windowed s
            WHERE d.id = s.destination_id AND d.status = 'failing' AND s.failed < $3 * s.total
            RETURNING d.id, d.webhook_url, 'failing' AS was, d.status, d.notification_email_addresses
        ), to_failed AS (
            UPDATE webhook_destinations d
            SET status = 'failed', status_updated_at = clock_timestamp(), updated_at = clock_timestamp()
            FROM windowed s
            WHERE d.id = s.destination_id AND d.status = 'failing' AND d.status_updated_at <= clock_timestamp() - $4
              AND s.failed >= $3 * s.total
            RETURNING d.id, d.webhook_url, 'failing' AS was, d.status, d.notification_email_addresses
        ), given_up AS (
            UPDATE webhook_deliveries w
            SET status = 'failed', completed_at = clock_timestamp(), leased_until = NULL, leased_by = NULL, leased_at = NULL,
                last_error = $5
            FROM to_failed f
            WHERE w.destination_id = f.id AND w.status = 'pending'
        )
        SELECT * FROM to_failing UNION ALL SELECT * FROM to_active UNION ALL SELECT * FROM to_failed
        """;


    /// <summary>
    /// Whether the "failing" notice of this change is to go out: true at most once per
    /// <see cref="WebhooksOptions.NotificationInterval"/> per destination (one conditional UPDATE,
    /// so across replicas too); a "failed" notice always goes.
    /// </summary>
    public async Task<bool> ClaimNoticeAsync(StatusChange change, CancellationToken cancellationToken)
    {
        if (change.To != DestinationStatus.Failing)
            return true;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            UPDATE webhook_destinations SET failing_notified_at = clock_timestamp()
            WHERE id = $1 AND (failing_notified_at IS NULL OR failing_notified_at <= clock_timestamp() - $2)
            """, connection);
        command.Parameters.AddWithValue(change.DestinationId);
        command.Parameters.AddWithValue(options.CurrentValue.NotificationInterval);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<StatusChange>> EvaluateAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.AddWithValue(settings.FailingWindow);
        command.Parameters.AddWithValue(settings.FailingMinimumAttempts);
        command.Parameters.AddWithValue(settings.FailingThreshold);
        command.Parameters.AddWithValue(settings.FailedAfter);
        command.Parameters.AddWithValue(FormattableString.Invariant(
            $"Given up: the destination failed (at least {settings.FailingThreshold:P0} of attempts failing for {settings.FailedAfter})."));
        var changes = new List<StatusChange>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            changes.Add(new StatusChange(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<string[]>(4)));
        return changes;
    }
}
