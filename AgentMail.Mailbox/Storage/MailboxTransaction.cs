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
    private int _eventsWritten;
    private bool _outboundQueued;
    private bool _committed;

    public NpgsqlConnection Connection => connection;

    public NpgsqlCommand Command(string sql) => new(sql, connection, transaction);

    public void AddEvent(Guid grantId, string type, string objectId, string payload) => _events.Add((grantId, type, objectId, payload));

    /// <summary>Queues a notification for after commit; per folder only the highest MODSEQ is kept.</summary>
    public void Notify(MailboxChange change)
    {
        var key = (change.GrantId, change.Kind, change.FolderId);
        if (!_changes.TryGetValue(key, out var existing) || existing.ModSeq < change.ModSeq)
            _changes[key] = change;
    }

    public void NotifyOutbound() => _outboundQueued = true;

    public NpgsqlBatch Batch() => new(connection, transaction);

    /// <summary>
    /// Appends the insert of the events queued so far to <paramref name="batch"/>, so that a hot
    /// path writes its rows and its events in one round trip.
    /// </summary>
    public void AddEventsTo(NpgsqlBatch batch)
    {
        if (_events.Count == _eventsWritten)
            return;
        batch.BatchCommands.Add(EventsInsert(_events.Skip(_eventsWritten).ToList()));
        _eventsWritten = _events.Count;
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_events.Count > _eventsWritten)
        {
            await using var batch = Batch();
            AddEventsTo(batch);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _committed = true;
        // After commit, and not cancellable: the change is durable whatever the caller does now.
        await publisher.PublishAsync(_changes.Values, _events.Count > 0, _outboundQueued).ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand EventsInsert(List<(Guid GrantId, string Type, string ObjectId, string Payload)> events)
    {
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO events (grant_id, type, object_id, payload)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[])
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.GrantId).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Type).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.ObjectId).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Payload).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        return insert;
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
