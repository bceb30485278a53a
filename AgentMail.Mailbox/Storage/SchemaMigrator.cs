using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgentMail.Mailbox.Storage;

/// <summary>
/// Applies the versioned SQL migrations embedded in this assembly (<c>Storage/Migrations/*.sql</c>,
/// in name order), each in its own transaction, exactly once even when several replicas start
/// together: a session-level advisory lock serializes them and the second one finds nothing to do.
/// </summary>
public sealed partial class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    /// <summary>Arbitrary, fixed key of the advisory lock guarding migrations.</summary>
    private const long AdvisoryLockKey = 0x4167_656E_744D_6C; // "AgentMl"
    private const string ResourcePrefix = "migrations/";

    public static IReadOnlyList<string> Migrations { get; } = typeof(SchemaMigrator).Assembly
        .GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..^".sql".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Applies every pending migration; returns the names it applied.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken).ConfigureAwait(false);

            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var command = new NpgsqlCommand("SELECT name FROM schema_migrations", connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    applied.Add(reader.GetString(0));
            }

            var done = new List<string>();
            foreach (var name in Migrations.Where(m => !applied.Contains(m)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (var command = new NpgsqlCommand(ReadMigration(name), connection, transaction))
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (name) VALUES ($1)", connection, transaction))
                {
                    record.Parameters.AddWithValue(name);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                LogApplied(logger, name);
                done.Add(name);
            }
            return done;
        }
        finally
        {
            // Unlock on the same session; a broken connection releases the lock with the session.
            if (connection.FullState == System.Data.ConnectionState.Open)
                await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static string ReadMigration(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + name + ".sql")
            ?? throw new InvalidOperationException($"Migration {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Name}")]
    private static partial void LogApplied(ILogger logger, string name);
}
