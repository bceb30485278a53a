using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Storage;
using Npgsql;
using NpgsqlTypes;

namespace AgentMail.Api.Grants;

/// <param name="SortByUpdated">Sort by updated_at instead of created_at.</param>
public sealed record GrantFilter(string? Email, string? Provider, string? Status, DateTimeOffset? Since, DateTimeOffset? Before,
    bool SortByUpdated, bool Ascending, int Limit, int Offset);

/// <summary>The grant list with Nylas's filters (offset paging, as Nylas pages grants).</summary>
public sealed class GrantList(MailboxDatabase database)
{
    public async Task<IReadOnlyList<Grant>> ListAsync(GrantFilter filter, CancellationToken cancellationToken)
    {
        var order = (filter.SortByUpdated ? "g.updated_at" : "g.created_at") + (filter.Ascending ? " ASC, g.id ASC" : " DESC, g.id DESC");
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT g.id, g.email, g.name, g.provider, g.grant_status, g.app_password_hash IS NOT NULL, g.credential_version, g.quota_bytes,
                   (SELECT COALESCE(sum(size_bytes), 0)::bigint FROM folders WHERE folders.grant_id = g.id), g.created_at, g.updated_at
            FROM grants g
            WHERE ($1::text IS NULL OR g.email_key = $1)
              AND ($2::text IS NULL OR g.provider = $2)
              AND ($3::text IS NULL OR g.grant_status = $3)
              AND ($4::timestamptz IS NULL OR g.created_at >= $4)
              AND ($5::timestamptz IS NULL OR g.created_at <= $5)
            ORDER BY {order}
            LIMIT $6 OFFSET $7
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = filter.Email is null ? DBNull.Value : EmailAddressRules.Key(filter.Email) });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)filter.Provider ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)filter.Status ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)filter.Since ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)filter.Before ?? DBNull.Value });
        command.Parameters.AddWithValue(filter.Limit);
        command.Parameters.AddWithValue(filter.Offset);
        var grants = new List<Grant>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            grants.Add(new Grant(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetBoolean(5), reader.GetInt32(6), reader.GetInt64(7), reader.GetInt64(8),
                reader.GetFieldValue<DateTimeOffset>(9), reader.GetFieldValue<DateTimeOffset>(10)));
        }
        return grants;
    }
}
