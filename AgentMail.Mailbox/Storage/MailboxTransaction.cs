using AgentMail.Mailbox.Changes;
using Npgsql;
using NpgsqlTypes;

namespace AgentMail.Mailbox.Storage;

/// <summary>
/// One domain operation's unit of work: its rows, its outbox events and, after commit, its
/// notifications. Events are inserted in the same transaction as the change (the outbox
/// pattern), so a change and its event are committed or rolled back together.
/// </summary>
internal sealed class MailboxTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, ChangePublisher publisher)
    : IAsyncDisposable
{
    private readonly List<(Guid GrantId, string Type, string ObjectId, string Payload)> _events = [];
    private readonly Dictionary<(Guid, ChangeKind, long), MailboxChange> _changes = [];
    private bool _outboundQueued;
    private bool _committed;

    public NpgsqlConnection Connection => connection;

    public NpgsqlCommand Command(string sql) => new(sql, connection, transaction);

    public void AddEvent(Guid grantId, string type, string objectId, string payload) => _events.Add((grantId, type, objectId, payload));

    public int EventCount => _events.Count;

    /// <summary>Queues a notification for after commit; per folder only the highest MODSEQ is kept.</summary>
    public void Notify(MailboxChange change)
    {
        var key = (change.GrantId, change.Kind, change.FolderId);
        if (!_changes.TryGetValue(key, out var existing) || existing.ModSeq < change.ModSeq)
            _changes[key] = change;
    }

    public void NotifyOutbound() => _outboundQueued = true;

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_events.Count > 0)
        {
            await using var insert = Command("""
                INSERT INTO events (grant_id, type, object_id, payload)
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[])
                """);
            insert.Parameters.Add(new NpgsqlParameter { Value = _events.Select(e => e.GrantId).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = _events.Select(e => e.Type).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = _events.Select(e => e.ObjectId).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = _events.Select(e => e.Payload).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _committed = true;
        // After commit, and not cancellable: the change is durable whatever the caller does now.
        await publisher.PublishAsync(_changes.Values, _events.Count > 0, _outboundQueued).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_committed)
        {
            try
            {
                await transaction.RollbackAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // A broken connection has already rolled the transaction back.
            }
        }
        await transaction.DisposeAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
