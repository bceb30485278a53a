using AgentMail.Mime.Parsing;

namespace AgentMail.Mime;

/// <summary>
/// Parses raw message bytes into a <see cref="MessageStructure"/>. Never throws on message
/// content (only on null arguments, invalid options, or I/O errors of the stream); every
/// input yields a valid structure. The streaming overload holds only a read buffer and the
/// current header block, never the body or a decoded copy.
/// </summary>
public static class MimeParser
{
    private const int MinimumBufferSize = 64 * 1024;

    public static MessageStructure Parse(ReadOnlySpan<byte> message, MimeParserOptions? options = null)
    {
        using var parser = new StructureParser(options ?? MimeParserOptions.Default);
        parser.Feed(message, final: true);
        return parser.Build();
    }

    public static MessageStructure Parse(byte[] message, MimeParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Parse(message.AsSpan(), options);
    }

    public static MessageStructure Parse(ReadOnlySequence<byte> message, MimeParserOptions? options = null)
    {
        if (message.IsSingleSegment) return Parse(message.FirstSpan, options);
        using var parser = new StructureParser(options ?? MimeParserOptions.Default);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(MinimumBufferSize, parser.Lookahead * 4));
        try
        {
            var filled = 0;
            var remaining = message;
            while (true)
            {
                var take = (int)Math.Min(buffer.Length - filled, remaining.Length);
                remaining.Slice(0, take).CopyTo(buffer.AsSpan(filled));
                remaining = remaining.Slice(take);
                filled += take;
                var final = remaining.IsEmpty;
                var consumed = parser.Feed(buffer.AsSpan(0, filled), final);
                if (final) break;
                filled = Compact(buffer, consumed, filled);
            }
            return parser.Build();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static async Task<MessageStructure> ParseAsync(Stream message, MimeParserOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var parser = new StructureParser(options ?? MimeParserOptions.Default);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(MinimumBufferSize, parser.Lookahead * 4));
        try
        {
            var filled = 0;
            while (true)
            {
                var read = await message.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                filled += read;
                var final = read == 0;
                var consumed = parser.Feed(buffer.AsSpan(0, filled), final);
                if (final) break;
                filled = Compact(buffer, consumed, filled);
            }
            return parser.Build();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static Task<MessageStructure> ParseAsync(Stream message, CancellationToken cancellationToken) =>
        ParseAsync(message, null, cancellationToken);

    private static int Compact(byte[] buffer, int consumed, int filled)
    {
        var left = filled - consumed;
        if (left > 0 && consumed > 0) Buffer.BlockCopy(buffer, consumed, buffer, 0, left);
        // The parser keeps at most about one look-ahead window; a full buffer means a bug.
        if (left == buffer.Length) throw new InvalidOperationException("The MIME parser made no progress.");
        return left;
    }
}
