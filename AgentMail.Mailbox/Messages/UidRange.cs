namespace AgentMail.Mailbox.Messages;

/// <summary>An inclusive range of UIDs. IMAP's <c>*</c> is resolved by the caller (e.g. to <see cref="uint.MaxValue"/>).</summary>
public readonly record struct UidRange(long Start, long End)
{
    public static UidRange Single(long uid) => new(uid, uid);

    /// <summary>Orders, swaps reversed bounds (RFC 9051 §9: 4:2 is 2:4) and merges overlapping or adjacent ranges.</summary>
    public static IReadOnlyList<UidRange> Normalize(IEnumerable<UidRange> ranges)
    {
        var sorted = ranges.Select(r => r.Start <= r.End ? r : new UidRange(r.End, r.Start)).OrderBy(r => r.Start).ToList();
        var merged = new List<UidRange>(sorted.Count);
        foreach (var range in sorted)
        {
            if (merged.Count > 0 && range.Start <= merged[^1].End + 1)
                merged[^1] = merged[^1] with { End = Math.Max(merged[^1].End, range.End) };
            else
                merged.Add(range);
        }
        return merged;
    }
}
