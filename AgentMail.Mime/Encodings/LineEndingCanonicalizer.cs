namespace AgentMail.Mime.Encodings;

/// <summary>
/// Rewrites line breaks as CRLF: a bare LF or a lone CR becomes CRLF, CRLF stays. RFC 9051
/// §7.5.2 requires this of textual (text/*) sections sent by BINARY. Streaming: a CR at the end
/// of a chunk waits for the next chunk.
/// </summary>
internal struct LineEndingCanonicalizer
{
    private bool _pendingCr;

    public static int MaxOutput(int inputLength) => inputLength * 2 + 2;

    public int Transform(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var w = 0;
        foreach (var b in input)
        {
            if (_pendingCr)
            {
                _pendingCr = false;
                output[w++] = (byte)'\r';
                output[w++] = (byte)'\n';
                if (b == '\n') continue;
            }
            if (b == '\r') _pendingCr = true;
            else if (b == '\n')
            {
                output[w++] = (byte)'\r';
                output[w++] = (byte)'\n';
            }
            else output[w++] = b;
        }
        return w;
    }

    public int Finish(Span<byte> output)
    {
        if (!_pendingCr) return 0;
        _pendingCr = false;
        output[0] = (byte)'\r';
        output[1] = (byte)'\n';
        return 2;
    }

    /// <summary>The octets <see cref="Transform"/> would produce (a trailing CR counts when settled).</summary>
    public long Count(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return 0;
        // Every byte counts once, every LF and CR once more (they become pairs), minus the
        // pairs that already are CRLF.
        long count = input.Length + input.Count((byte)'\n') + input.Count((byte)'\r') - 2L * input.Count("\r\n"u8);
        if (_pendingCr)
        {
            // The CR left from the previous chunk is a CRLF; a leading LF joins it (its own two
            // bytes counted above go away).
            count += input[0] == '\n' ? 0 : 2;
        }
        _pendingCr = input[^1] == '\r';
        if (_pendingCr) count -= 2; // settled by the next chunk or by FinishCount
        return count;
    }

    public int FinishCount()
    {
        var pending = _pendingCr;
        _pendingCr = false;
        return pending ? 2 : 0;
    }
}
