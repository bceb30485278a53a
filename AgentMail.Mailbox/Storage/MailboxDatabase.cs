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

    public async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_ready.Task.IsCompleted)
            await _ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
