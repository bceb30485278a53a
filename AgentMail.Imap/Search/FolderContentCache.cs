using AgentMail.Imap.Storage;
using AgentMail.Mailbox.Folders;
using Microsoft.Extensions.Options;

namespace AgentMail.Imap.Search;

/// <summary>
/// What SEARCH filters on that never changes for a message: its dates, size, subject and
/// addresses. Each address list is one string, "name &lt;address&gt;" per participant joined by NUL,
/// so FROM/TO/CC/BCC is one substring test: a value found in a participant's name or address is
/// found in its "name &lt;address&gt;", and NUL keeps a match inside one (a value holding NUL matches nothing).
/// </summary>
public sealed record ContentRow(uint Uid, DateTimeOffset InternalDate, DateTimeOffset? SentDate, int Size, string Subject,
    string From, string To, string Cc, string Bcc)
{
    public static string Participants(string json) =>
        string.Join('\0', SearchRow.Participants(json).Select(p => $"{p.Name} <{p.Email}>"));
}

/// <summary>
/// The <see cref="ContentRow"/>s of recently searched folders, shared by every session of this
/// process, so that SEARCH FROM/SUBJECT/SINCE/… is answered in memory instead of by visiting each
/// message's row again (Dovecot answers it from its index cache the same way).
/// </summary>
/// <remarks>
/// Nothing here can go stale: a message's content never changes under its (folder, UID) — UIDs are
/// never reused (UIDVALIDITY never changes) and an edited draft gets a new UID — so a folder's
/// entries only grow, and bringing them up to date reads only the UIDs above the last one read.
/// Expunged messages stay until the folder is evicted; callers only ask about UIDs their session's
/// view holds. Mutable state (flags, keywords, MODSEQ) is never cached: searches on it go to SQL.
/// At most <see cref="ImapOptions.SearchCacheMessages"/> entries are kept, least recently used
/// folders evicted first; a folder larger than that is not cached at all.
/// </remarks>
public sealed class FolderContentCache(ImapStore store, IOptions<ImapOptions> options)
{
    private readonly Dictionary<long, FolderEntries> _folders = [];
    private long _total;
    private long _clock;

    /// <summary>Entries held, across folders (for telemetry and tests).</summary>
    public long CachedMessages
    {
        get
        {
            lock (_folders)
                return _total;
        }
    }

    /// <summary>A folder's rows, complete for every UID up to <paramref name="Through"/>, ascending by UID.</summary>
    public sealed record Snapshot(uint Through, ContentRow[] Rows, int Count)
    {
        public ReadOnlySpan<ContentRow> Span => Rows.AsSpan(0, Count);
    }

    private sealed class FolderEntries
    {
        public readonly SemaphoreSlim Fill = new(1, 1);
        public Snapshot Current = new(0, [], 0);
        public long LastUsed;

        /// <summary>How many of this folder's rows <c>_total</c> counts (changed under the cache's lock only).</summary>
        public int Counted;
    }

    /// <summary>
    /// The folder's rows through <paramref name="maxUid"/> (read from the store as needed); null when
    /// the cache is off or the folder is larger than it may hold.
    /// </summary>
    public async Task<Snapshot?> GetAsync(Guid grantId, long folderId, uint maxUid, int expectedCount, CancellationToken cancellationToken)
    {
        var budget = options.Value.SearchCacheMessages;
        if (budget <= 0 || expectedCount > budget)
            return null;
        FolderEntries entries;
        lock (_folders)
        {
            if (!_folders.TryGetValue(folderId, out entries!))
                _folders[folderId] = entries = new FolderEntries();
            entries.LastUsed = ++_clock;
        }
        var current = Volatile.Read(ref entries.Current);
        if (current.Through >= maxUid)
            return current;

        await entries.Fill.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = entries.Current;
            if (current.Through >= maxUid)
                return current;
            // Rows of expunged and moved-away messages stay until the folder is read again from scratch,
            // which happens once they are most of it (a busy INBOX that mail keeps leaving).
            if (current.Count > 2 * expectedCount + 64)
                current = new Snapshot(0, [], 0);
            var added = await ReadAsync(grantId, folderId, current.Through, maxUid, cancellationToken).ConfigureAwait(false);
            var count = current.Count + added.Count;
            if (count > budget)
            {
                Forget(folderId, entries);
                return null;
            }
            var rows = current.Rows;
            if (count > rows.Length)
                Array.Resize(ref rows, Math.Max(count, Math.Max(16, rows.Length * 2)));
            // Readers of the previous snapshot read only its first Count rows: writing beyond them is safe.
            added.CopyTo(rows, current.Count);
            var next = new Snapshot(maxUid, rows, count);
            Volatile.Write(ref entries.Current, next);
            Account(folderId, entries, budget);
            return next;
        }
        finally
        {
            entries.Fill.Release();
        }
    }

    /// <summary>Counts the folder's rows as they now are and evicts least recently used folders (never <paramref name="keep"/>) while over budget.</summary>
    private void Account(long keep, FolderEntries entries, int budget)
    {
        lock (_folders)
        {
            // Entries evicted while they were being filled are no longer counted, nor reachable.
            if (!_folders.TryGetValue(keep, out var registered) || !ReferenceEquals(registered, entries))
                return;
            var count = entries.Current.Count;
            _total += count - entries.Counted;
            entries.Counted = count;
            while (_total > budget)
            {
                var victim = _folders.Where(f => f.Key != keep).OrderBy(f => f.Value.LastUsed).Select(f => (long?)f.Key).FirstOrDefault();
                if (victim is not { } id)
                    break;
                _total -= _folders[id].Counted;
                _folders.Remove(id);
            }
        }
    }

    /// <summary>Drops a folder that outgrew the budget: it is answered by the store from now on, until it is smaller again.</summary>
    private void Forget(long folderId, FolderEntries entries)
    {
        lock (_folders)
        {
            if (!_folders.TryGetValue(folderId, out var registered) || !ReferenceEquals(registered, entries))
                return;
            _total -= entries.Counted;
            _folders.Remove(folderId);
        }
    }

    private Task<List<ContentRow>> ReadAsync(Guid grantId, long folderId, uint after, uint through, CancellationToken cancellationToken) =>
        store.QueryAsync($"""
            SELECT m.uid, m.internal_date, m.sent_date, m.size, m.subject, m.from_list::text, m.to_list::text, m.cc_list::text, m.bcc_list::text
            FROM messages m
            WHERE m.folder_id = $2 AND m.uid > $3 AND m.uid <= $4 AND {Folder.BelongsToGrantSql("$2", "$1")}
            ORDER BY m.uid
            """, [grantId, folderId, (long)after, (long)through], r => new ContentRow(
            (uint)r.GetInt64(0),
            r.GetFieldValue<DateTimeOffset>(1),
            r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2),
            r.GetInt32(3),
            r.GetString(4),
            ContentRow.Participants(r.GetString(5)),
            ContentRow.Participants(r.GetString(6)),
            ContentRow.Participants(r.GetString(7)),
            ContentRow.Participants(r.GetString(8))), cancellationToken);
}
