using AgentMail.Mailbox.Storage;
using Npgsql;

namespace AgentMail.Webhooks.Core.Destinations;

/// <summary>The webhook_destinations table: create, read, update, delete, rotate the secret.</summary>
public sealed class WebhookDestinationStore(MailboxDatabase database, TimeProvider clock)
{
    private const string Columns = """
        id, description, webhook_url, secret, trigger_types, status, status_updated_at,
        notification_email_addresses, compressed_delivery, created_at, updated_at
        """;

    public async Task<WebhookDestination> CreateAsync(NewWebhookDestination destination, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"""
            INSERT INTO webhook_destinations (id, description, webhook_url, secret, trigger_types, notification_email_addresses, compressed_delivery)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            RETURNING {Columns}
            """, connection);
        command.Parameters.AddWithValue(Guid.CreateVersion7(clock.GetUtcNow()));
        command.Parameters.AddWithValue(destination.Description);
        command.Parameters.AddWithValue(destination.WebhookUrl);
        command.Parameters.AddWithValue(WebhookSecret.Generate());
        command.Parameters.AddWithValue(destination.TriggerTypes.ToArray());
        command.Parameters.AddWithValue((destination.NotificationEmailAddresses ?? []).ToArray());
        command.Parameters.AddWithValue(destination.CompressedDelivery);
        try
        {
            return (await ReadAsync(command, cancellationToken).ConfigureAwait(false))!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DuplicateWebhookUrlException(destination.WebhookUrl);
        }
    }

    public async Task<WebhookDestination?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM webhook_destinations WHERE id = $1", connection);
        command.Parameters.AddWithValue(id);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every destination, oldest first (an application has a handful).</summary>
    public async Task<IReadOnlyList<WebhookDestination>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM webhook_destinations ORDER BY created_at, id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var destinations = new List<WebhookDestination>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            destinations.Add(Read(reader));
        return destinations;
    }

    /// <summary>
    /// Applies the fields that are set; a status change stamps <c>status_updated_at</c>. Leaving
    /// failed or pause for active is the user's decision (the caller verifies the URL first).
    /// Returns null when the destination does not exist.
    /// </summary>
    public async Task<WebhookDestination?> UpdateAsync(Guid id, WebhookDestinationUpdate update, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"""
            UPDATE webhook_destinations SET
                webhook_url = COALESCE($2, webhook_url),
                trigger_types = COALESCE($3, trigger_types),
                description = COALESCE($4, description),
                notification_email_addresses = COALESCE($5, notification_email_addresses),
                compressed_delivery = COALESCE($6, compressed_delivery),
                status_updated_at = CASE WHEN $7::text IS NOT NULL AND $7 <> status THEN clock_timestamp() ELSE status_updated_at END,
                status = COALESCE($7, status),
                updated_at = clock_timestamp()
            WHERE id = $1
            RETURNING {Columns}
            """, connection);
        command.Parameters.AddWithValue(id);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = update.WebhookUrl, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = update.TriggerTypes?.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = update.Description, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = update.NotificationEmailAddresses?.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool?> { TypedValue = update.CompressedDelivery, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Boolean });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = update.Status, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        try
        {
            return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DuplicateWebhookUrlException(update.WebhookUrl ?? "");
        }
    }

    /// <summary>A new secret, used from the very next attempt on. Null when the destination does not exist.</summary>
    public async Task<WebhookDestination?> RotateSecretAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"""
            UPDATE webhook_destinations SET secret = $2, updated_at = clock_timestamp() WHERE id = $1 RETURNING {Columns}
            """, connection);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(WebhookSecret.Generate());
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the destination with its deliveries and their attempts; false when it did not exist.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM webhook_destinations WHERE id = $1", connection);
        command.Parameters.AddWithValue(id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async Task<WebhookDestination?> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static WebhookDestination Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(0),
        Description = r.GetString(1),
        WebhookUrl = r.GetString(2),
        Secret = r.GetString(3),
        TriggerTypes = r.GetFieldValue<string[]>(4),
        Status = r.GetString(5),
        StatusUpdatedAt = r.GetFieldValue<DateTimeOffset>(6),
        NotificationEmailAddresses = r.GetFieldValue<string[]>(7),
        CompressedDelivery = r.GetBoolean(8),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(9),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(10),
    };
}
