using AgentMail.Mailbox.Storage;
using Npgsql;

namespace AgentMail.Webhooks.Dispatch;

/// <summary>
/// The dispatcher's own connections to the mailbox store, for its own writes (fan-out, claims,
/// outcomes), with <c>synchronous_commit = off</c>: they commit without waiting for the WAL
/// flush. That is safe here and only here, because every one of these writes, if a Postgres crash
/// loses it, is simply done again — a lost fan-out leaves its events undispatched (and its
/// deliveries unmade, same transaction), a lost claim or outcome leaves the delivery due again —
/// so a crash can cause a repeat (allowed: at-least-once), never a lost event. Mailbox changes
/// and the destinations API keep the core's durable connections.
/// </summary>
public sealed class DispatcherDatabase : IAsyncDisposable
{
    private readonly MailboxDatabase _mailbox;
    private readonly NpgsqlDataSource _dataSource;

    public DispatcherDatabase(MailboxDatabase mailbox, IConfiguration configuration, ILoggerFactory loggers)
    {
        _mailbox = mailbox;
        // From configuration, not the core's data source: that one no longer shows the password.
        var builder = new NpgsqlDataSourceBuilder(configuration.GetConnectionString(MailboxHostingExtensions.PostgresConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{MailboxHostingExtensions.PostgresConnectionName} is not configured."));
        var settings = builder.ConnectionStringBuilder;
        settings.Options = $"{settings.Options} -c synchronous_commit=off".Trim();
        settings.ApplicationName ??= "agentmail-webhooks";
        if (settings.MaxAutoPrepare == 0)
        {
            settings.MaxAutoPrepare = 32;
            settings.AutoPrepareMinUsages = 2;
        }
        _dataSource = builder.UseLoggerFactory(loggers).Build();
    }

    /// <summary>A connection, once the store is migrated (the core's readiness), else <see cref="StoreUnavailableException"/>.</summary>
    public async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_mailbox.IsReady)
            await (await _mailbox.OpenAsync(cancellationToken).ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException($"The mailbox store (Postgres) is unreachable: {e.Message}", e);
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
