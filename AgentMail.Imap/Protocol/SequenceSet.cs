namespace AgentMail.Imap.Protocol;

/// <summary>
/// A sequence-set as written by the client (RFC 9051 §9): ranges of message sequence numbers or
/// UIDs, where <see cref="Star"/> stands for "*" (the largest number in use), or "$" — the saved
/// search result of SEARCHRES (RFC 5182). It is resolved against the session's view of the
/// mailbox by <see cref="Session.MessageView"/>.
/// </summary>
public sealed record SequenceSet(IReadOnlyList<SequenceRange> Ranges, bool IsSavedResult = false)
{
    public const long Star = -1;

    public static SequenceSet SavedResult { get; } = new([], IsSavedResult: true);

    public override string ToString() => IsSavedResult ? "$" : string.Join(',', Ranges);
}

/// <summary>One element of a sequence-set: <c>n</c>, <c>n:m</c> or with "*" (<see cref="SequenceSet.Star"/>).</summary>
public readonly record struct SequenceRange(long Start, long End)
{
    public override string ToString()
    {
        static string Text(long n) => n == SequenceSet.Star ? "*" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Start == End ? Text(Start) : $"{Text(Start)}:{Text(End)}";
    }
}
