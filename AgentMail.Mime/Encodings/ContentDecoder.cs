namespace AgentMail.Mime.Encodings;

/// <summary>
/// Streaming Content-Transfer-Encoding decoder: feed the encoded body in chunks of any size,
/// then call <see cref="Finish(IBufferWriter{byte})"/>. Base64 and quoted-printable are decoded
/// tolerantly (see the README); 7bit, 8bit, binary and unknown encodings pass through. With
/// <c>canonicalLineEndings</c> the output's line breaks become CRLF, as IMAP BINARY requires for
/// text/* sections (RFC 9051 §7.5.2).
/// </summary>
public sealed class ContentDecoder(TransferEncoding encoding, bool canonicalLineEndings = false)
{
    private Base64Decoder _base64;
    private QuotedPrintableDecoder _quotedPrintable;
    private LineEndingCanonicalizer _canonicalizer;

    public TransferEncoding Encoding { get; } = encoding;

    public bool CanonicalLineEndings { get; } = canonicalLineEndings;

    /// <summary>Decodes a chunk into <paramref name="output"/>; returns the number of bytes written.</summary>
    public int Decode(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var written = 0;
        while (!chunk.IsEmpty)
        {
            var piece = chunk[..Math.Min(chunk.Length, 16 * 1024)];
            var span = output.GetSpan(MaxOutput(piece.Length));
            var n = Decode(piece, span);
            output.Advance(n);
            written += n;
            chunk = chunk[piece.Length..];
        }
        return written;
    }

    /// <summary>Decodes a chunk into a span of at least <see cref="MaxOutput"/> bytes.</summary>
    public int Decode(ReadOnlySpan<byte> chunk, Span<byte> output)
    {
        if (!CanonicalLineEndings) return DecodeRaw(chunk, output);
        var scratch = ArrayPool<byte>.Shared.Rent(RawMaxOutput(chunk.Length));
        try
        {
            var n = DecodeRaw(chunk, scratch);
            return _canonicalizer.Transform(scratch.AsSpan(0, n), output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Ends the data and writes what the decoder still holds.</summary>
    public int Finish(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var n = Finish(output.GetSpan(16));
        output.Advance(n);
        return n;
    }

    /// <summary>Ends the data into a span of at least 16 bytes.</summary>
    public int Finish(Span<byte> output)
    {
        Span<byte> held = stackalloc byte[8];
        var n = Encoding switch
        {
            TransferEncoding.Base64 => _base64.Flush(held),
            TransferEncoding.QuotedPrintable => _quotedPrintable.Flush(held),
            _ => 0,
        };
        if (!CanonicalLineEndings)
        {
            held[..n].CopyTo(output);
            return n;
        }
        var written = _canonicalizer.Transform(held[..n], output);
        return written + _canonicalizer.Finish(output[written..]);
    }

    /// <summary>The output space one <see cref="Decode(ReadOnlySpan{byte}, Span{byte})"/> call may need.</summary>
    public int MaxOutput(int inputLength) =>
        CanonicalLineEndings ? LineEndingCanonicalizer.MaxOutput(RawMaxOutput(inputLength)) : RawMaxOutput(inputLength);

    private int RawMaxOutput(int inputLength) => Encoding switch
    {
        TransferEncoding.Base64 => Base64Decoder.MaxDecodedLength(inputLength),
        TransferEncoding.QuotedPrintable => QuotedPrintableDecoder.MaxDecodedLength(inputLength),
        _ => inputLength,
    };

    private int DecodeRaw(ReadOnlySpan<byte> chunk, Span<byte> output)
    {
        switch (Encoding)
        {
            case TransferEncoding.Base64: return _base64.Decode(chunk, output);
            case TransferEncoding.QuotedPrintable: return _quotedPrintable.Decode(chunk, output);
            default: chunk.CopyTo(output); return chunk.Length;
        }
    }
}
