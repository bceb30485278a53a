namespace AgentMail.Tests.Api.Support;

/// <summary>Everything of a grant a request could change — messages (place, flags, subject, metadata), folders, events, outbound mail — as one comparable string.</summary>
public static class GrantSnapshot
{
    public static async Task<string> TakeAsync(ApiServer server, Guid grantId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(server.Mailbox.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT coalesce(string_agg(row, ';' ORDER BY row), '') FROM (
                SELECT concat_ws('|', 'm', id, folder_id, uid, modseq, flags, subject, metadata::text) AS row FROM messages WHERE grant_id = $1
                UNION ALL SELECT concat_ws('|', 'f', id, name, highest_modseq, message_count) FROM folders WHERE grant_id = $1
                UNION ALL SELECT concat_ws('|', 'e', id, type) FROM events WHERE grant_id = $1
                UNION ALL SELECT concat_ws('|', 'o', id) FROM outbound_messages WHERE grant_id = $1) AS everything
            """, connection);
        command.Parameters.AddWithValue(grantId);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
