namespace AgentMail.Mailbox.Messages;

/// <summary>Which messages an operation applies to: API ids anywhere in the grant, or UIDs of one folder.</summary>
public abstract record MessageSelection
{
    private MessageSelection()
    {
    }

    public static MessageSelection Ids(params IReadOnlyList<Guid> ids) => new ByIds(ids);

    public static MessageSelection Uids(long folderId, params IReadOnlyList<UidRange> ranges) => new ByUids(folderId, UidRange.Normalize(ranges));

    public sealed record ByIds(IReadOnlyList<Guid> MessageIds) : MessageSelection;

    public sealed record ByUids(long FolderId, IReadOnlyList<UidRange> Ranges) : MessageSelection;
}
