namespace AgentMail.Mailbox.Messages;

public enum FlagChangeMode
{
    Add,
    Remove,
    Replace,
}

/// <summary>A STORE-like change: add, remove or replace system flags and keywords together.</summary>
public sealed record FlagChange(FlagChangeMode Mode, MessageFlags Flags, IReadOnlyList<string> Keywords)
{
    public static FlagChange Add(MessageFlags flags, params IReadOnlyList<string> keywords) => new(FlagChangeMode.Add, flags, keywords);

    public static FlagChange Remove(MessageFlags flags, params IReadOnlyList<string> keywords) => new(FlagChangeMode.Remove, flags, keywords);

    public static FlagChange Replace(MessageFlags flags, params IReadOnlyList<string> keywords) => new(FlagChangeMode.Replace, flags, keywords);

    /// <summary>
    /// The state after applying this change. Keywords compare case-insensitively (as flag names
    /// do in RFC 9051 §2.3.2), keep their first spelling and stay sorted, so equal sets are equal arrays.
    /// </summary>
    public (MessageFlags Flags, string[] Keywords) ApplyTo(MessageFlags flags, IReadOnlyList<string> keywords)
    {
        var set = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        switch (Mode)
        {
            case FlagChangeMode.Add:
                set.UnionWith(keywords);
                set.UnionWith(Keywords);
                return (flags | Flags, [.. set]);
            case FlagChangeMode.Remove:
                set.UnionWith(keywords);
                set.ExceptWith(Keywords);
                return (flags & ~Flags, [.. set]);
            default:
                set.UnionWith(Keywords);
                return (Flags, [.. set]);
        }
    }
}
