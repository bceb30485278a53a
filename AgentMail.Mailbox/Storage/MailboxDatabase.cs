using Npgsql;

namespace AgentMail.Mailbox.Storage;

/// <summary>
/// The mailbox store's connection source. Connections are handed out only once the schema is
/// migrated, so a replica that starts while Postgres is still down serves health endpoints and
/// waits, instead of failing requests against a missing schema.
/// </summary>
public sealed class MailboxDatabase(NpgsqlDataSource dataSource)
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NpgsqlDataSource DataSource => dataSource;

    public bool IsReady => _ready.Task.IsCompleted;

    internal void MarkReady() => _ready.TrySetResult();

    /// <summary>How long a request waits for start-up migrations before it is told the store is unavailable.</summary>
    public static TimeSpan ReadinessWait { get; set; } = TimeSpan.FromSeconds(5);

    public async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_ready.Task.IsCompleted)
        {
            try
            {
                await _ready.Task.WaitAsync(ReadinessWait, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw new StoreUnavailableException("The mailbox store is not ready: Postgres is unreachable or its schema is still being migrated.", e);
            }
        }
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException($"The mailbox store (Postgres) is unreachable: {e.Message}", e);
        }
    }

    internal async ValueTask<MailboxTransaction> BeginAsync(Changes.ChangePublisher publisher, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new MailboxTransaction(connection, transaction, publisher);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
