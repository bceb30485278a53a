namespace AgentMail.Mime;

/// <summary>
/// Bounds that keep a hostile message from exhausting memory or the stack. Past a bound the
/// parser degrades (the structure stays valid and <see cref="MessageStructure.LimitsExceeded"/>
/// is set): a multipart or message/* too deep becomes an opaque application/octet-stream leaf,
/// delimiters past <see cref="MaxParts"/> are read as content, header fields past
/// <see cref="MaxHeaderCount"/> or beyond <see cref="MaxHeaderBlockLength"/> bytes of a header
/// block are not interpreted (their bytes still belong to the header).
/// </summary>
public sealed record MimeParserOptions
{
    public static MimeParserOptions Default { get; } = new();

    /// <summary>The deepest nesting any option may ask for (walkers recurse per level).</summary>
    public const int MaxSupportedDepth = 1000;

    /// <summary>Nesting depth of multiparts and encapsulated messages (root = 0).</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Entities in the whole message, root included.</summary>
    public int MaxParts { get; init; } = 10_000;

    /// <summary>Header fields interpreted per header block.</summary>
    public int MaxHeaderCount { get; init; } = 1_000;

    /// <summary>Bytes of each header block kept for interpretation.</summary>
    public int MaxHeaderBlockLength { get; init; } = 1024 * 1024;

    /// <summary>
    /// Longest boundary accepted (RFC 2046 allows 70); a longer one makes the multipart invalid,
    /// so it is read as text/plain (RFC 2045 §5.2). It also bounds the parser's line look-ahead.
    /// </summary>
    public int MaxBoundaryLength { get; init; } = 998;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDepth, MaxSupportedDepth);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHeaderCount, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHeaderBlockLength, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBoundaryLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBoundaryLength, 8 * 1024);
    }
}
