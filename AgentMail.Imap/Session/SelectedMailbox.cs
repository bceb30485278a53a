using AgentMail.Mailbox.Folders;

namespace AgentMail.Imap.Session;

/// <summary>
/// The mailbox a session has selected: which folder, read-only or not, the client's view of it
/// (<see cref="MessageView"/>) and how far the client has been brought up to date
/// (<see cref="KnownModSeq"/>: every change up to it has been reported). Change notifications
/// only mark it <see cref="IsDirty"/>; the session catches up from Postgres when it may speak.
/// </summary>
public sealed class SelectedMailbox(Folder folder, bool readOnly)
{
    private int _dirty;
    private Dictionary<uint, long>? _reported;

    public long FolderId { get; } = folder.Id;
    public Guid GrantId { get; } = folder.GrantId;
    public string PublicId { get; } = folder.PublicId;
    public string Name { get; set; } = folder.Name;
    public long UidValidity { get; } = folder.UidValidity;
    public bool ReadOnly { get; } = readOnly;
    public MessageView View { get; private set; } = new([]);

    /// <summary>0 until the snapshot is loaded, so that any change committed meanwhile marks the mailbox.</summary>
    public long KnownModSeq { get; set; }

    /// <summary>Keywords announced in the FLAGS response; a new one is announced before it is first shown.</summary>
    public HashSet<string> Keywords { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The snapshot SELECT read: the client's view starts here.</summary>
    public void Initialize(MessageView view, long highestModSeq, IEnumerable<string> keywords)
    {
        View = view;
        KnownModSeq = highestModSeq;
        Keywords.UnionWith(keywords);
    }

    public bool IsDirty => Volatile.Read(ref _dirty) != 0;

    public void MarkDirty() => Volatile.Write(ref _dirty, 1);

    /// <summary>Clears the mark before a catch-up read, so a notification arriving during the read marks it again.</summary>
    public void ClearDirty() => Volatile.Write(ref _dirty, 0);

    /// <summary>
    /// Remembers that this session already showed the client a message's flags at
    /// <paramref name="modSeq"/> (its own STORE), so the next catch-up does not repeat them.
    /// </summary>
    public void Reported(uint uid, long modSeq)
    {
        _reported ??= [];
        _reported[uid] = modSeq;
    }

    public bool WasReported(uint uid, long modSeq) => _reported is not null && _reported.TryGetValue(uid, out var seen) && seen == modSeq;

    public void ForgetReported() => _reported = null;
}
