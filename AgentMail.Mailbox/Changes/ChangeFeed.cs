using System.Collections.Concurrent;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Redis;
using AgentMail.Mailbox.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgentMail.Mailbox.Changes;

/// <summary>
/// How a process hears about changes to a grant's mailbox, whichever process or surface made
/// them: one Redis subscription per grant with listeners in this process (reference-counted), fed
/// also directly by this process's own commits. Notifications only say "something changed"; the
/// catch-up reads here say what, from Postgres, so a listener that polls them on a timer loses
/// nothing when a notification is lost.
/// </summary>
public sealed partial class ChangeFeed(IRedisClient redis, MailboxDatabase database, ILogger<ChangeFeed> logger)
{
    /// <summary>Identifies this feed (one per service instance) on the channels, to skip the echo of its own publishes.</summary>
    internal Guid Origin { get; } = Guid.NewGuid();

    private readonly ConcurrentDictionary<Guid, GrantListeners> _grants = new();
    private readonly SemaphoreSlim _subscriptionLock = new(1, 1);
    private WakeSignal? _events;
    private WakeSignal? _outbound;

    /// <summary>
    /// Calls <paramref name="listener"/> for every change to the grant until the handle is
    /// disposed. Listeners run on the notifying thread and must not block.
    /// </summary>
    public async Task<IAsyncDisposable> SubscribeAsync(Guid grantId, Action<MailboxChange> listener, CancellationToken cancellationToken = default)
    {
        await _subscriptionLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_grants.TryGetValue(grantId, out var entry))
            {
                entry = new GrantListeners();
                _grants[grantId] = entry;
                entry.Redis = await redis.SubscribeAsync(Channels.Grant(grantId), message => OnRedisMessage(grantId, message)).ConfigureAwait(false);
            }
            entry.Add(listener);
            return new Handle(() => UnsubscribeAsync(grantId, listener));
        }
        finally
        {
            _subscriptionLock.Release();
        }
    }

    private async ValueTask UnsubscribeAsync(Guid grantId, Action<MailboxChange> listener)
    {
        await _subscriptionLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_grants.TryGetValue(grantId, out var entry) || !entry.Remove(listener) || !entry.IsEmpty)
                return;
            _grants.TryRemove(grantId, out _);
            if (entry.Redis is { } subscription)
                await subscription.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _subscriptionLock.Release();
        }
    }

    /// <summary>Wakes <paramref name="listener"/> when events are written to the outbox (webhook workers).</summary>
    public Task<IAsyncDisposable> SubscribeToEventsAsync(Action listener) =>
        LazyInitializer.EnsureInitialized(ref _events, () => new WakeSignal(Channels.Events, Origin)).SubscribeAsync(redis, listener);

    /// <summary>Wakes <paramref name="listener"/> when messages are queued for outbound delivery.</summary>
    public Task<IAsyncDisposable> SubscribeToOutboundAsync(Action listener) =>
        LazyInitializer.EnsureInitialized(ref _outbound, () => new WakeSignal(Channels.Outbound, Origin)).SubscribeAsync(redis, listener);

    /// <summary>Delivers changes committed by this process to its own listeners, without a Redis round trip.</summary>
    internal void DispatchLocal(MailboxChange change)
    {
        if (_grants.TryGetValue(change.GrantId, out var entry))
            entry.Notify(change, logger);
    }

    internal void WakeLocal(bool events, bool outbound)
    {
        if (events)
            _events?.Notify();
        if (outbound)
            _outbound?.Notify();
    }

    private void OnRedisMessage(Guid grantId, string message)
    {
        if (!ChangeMessageFormat.TryParse(grantId, message, out var origin, out var change))
        {
            LogMalformed(logger, message);
            return;
        }
        if (origin == Origin)
            return; // already dispatched locally at commit
        if (_grants.TryGetValue(grantId, out var entry))
            entry.Notify(change, logger);
    }

    /// <summary>
    /// Catch-up read: every message of the folder whose MODSEQ is above <paramref name="sinceModSeq"/>
    /// (new or changed since), every UID expunged since, and the folder's current HIGHESTMODSEQ.
    /// </summary>
    public async Task<FolderChanges> ReadFolderChangesAsync(long folderId, long sinceModSeq, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // One statement, so one snapshot: HIGHESTMODSEQ covers exactly the changes and expunges
        // returned — and one round trip, for what every session of a mailbox runs after each change.
        await using var command = new NpgsqlCommand("""
            SELECT 0, highest_modseq, NULL::uuid, NULL::bigint, NULL::smallint, NULL::text[] FROM folders WHERE id = $1
            UNION ALL
            SELECT 1, uid, id, modseq, flags, keywords FROM messages WHERE folder_id = $1 AND modseq > $2
            UNION ALL
            SELECT 2, uid, NULL, NULL, NULL, NULL FROM expunged_uids WHERE folder_id = $1 AND modseq > $2
            ORDER BY 1, 2
            """, connection);
        command.Parameters.AddWithValue(folderId);
        command.Parameters.AddWithValue(sinceModSeq);

        long? highest = null;
        var changed = new List<MessageState>();
        var expunged = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (reader.GetInt32(0))
            {
                case 0:
                    highest = reader.GetInt64(1);
                    break;
                case 1:
                    changed.Add(new MessageState(reader.GetGuid(2), reader.GetInt64(1), reader.GetInt64(3),
                        (MessageFlags)reader.GetInt16(4), reader.GetFieldValue<string[]>(5)));
                    break;
                default:
                    expunged.Add(reader.GetInt64(1));
                    break;
            }
        }
        return highest is { } value
            ? new FolderChanges(folderId, value, changed, expunged)
            : throw new MailboxException(MailboxError.FolderNotFound, "The folder no longer exists.");
    }

    private sealed class GrantListeners
    {
        private Action<MailboxChange>[] _listeners = [];

        public IAsyncDisposable? Redis { get; set; }
        public bool IsEmpty => _listeners.Length == 0;

        public void Add(Action<MailboxChange> listener) => _listeners = [.. _listeners, listener];

        public bool Remove(Action<MailboxChange> listener)
        {
            var index = Array.IndexOf(_listeners, listener);
            if (index < 0)
                return false;
            _listeners = [.. _listeners[..index], .. _listeners[(index + 1)..]];
            return true;
        }

        public void Notify(MailboxChange change, ILogger logger)
        {
            foreach (var listener in _listeners)
            {
                try
                {
                    listener(change);
                }
                catch (Exception e)
                {
                    LogListenerFailed(logger, e);
                }
            }
        }
    }

    /// <summary>A channel whose messages only mean "look again".</summary>
    private sealed class WakeSignal(string channel, Guid origin)
    {
        private Action[] _listeners = [];
        private IAsyncDisposable? _redis;
        private readonly SemaphoreSlim _lock = new(1, 1);

        public async Task<IAsyncDisposable> SubscribeAsync(IRedisClient redis, Action listener)
        {
            await _lock.WaitAsync().ConfigureAwait(false);
            try
            {
                _redis ??= await redis.SubscribeAsync(channel, message =>
                {
                    if (!message.StartsWith(origin.ToString("N"), StringComparison.Ordinal))
                        Notify();
                }).ConfigureAwait(false);
                _listeners = [.. _listeners, listener];
            }
            finally
            {
                _lock.Release();
            }
            return new Handle(() =>
            {
                _listeners = _listeners.Where(l => l != listener).ToArray();
                return ValueTask.CompletedTask;
            });
        }

        public void Notify()
        {
            foreach (var listener in _listeners)
                listener();
        }
    }

    private sealed class Handle(Func<ValueTask> dispose) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? dispose() : ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring a malformed change notification: {Message}")]
    private static partial void LogMalformed(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "A change listener threw")]
    private static partial void LogListenerFailed(ILogger logger, Exception e);
}

/// <summary>A message's mutable state: what IMAP untagged FETCH reports.</summary>
public sealed record MessageState(Guid Id, long Uid, long ModSeq, MessageFlags Flags, IReadOnlyList<string> Keywords);

/// <summary>What changed in a folder since a MODSEQ.</summary>
public sealed record FolderChanges(long FolderId, long HighestModSeq, IReadOnlyList<MessageState> Changed, IReadOnlyList<long> ExpungedUids);
