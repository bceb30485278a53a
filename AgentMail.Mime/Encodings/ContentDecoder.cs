using System.Buffers;

namespace AgentMail.Mime.Encodings;

/// <summary>
/// Streaming Content-Transfer-Encoding decoder: feed the encoded body in chunks of any size,
/// then call <see cref="Finish"/>. Base64 and quoted-printable are decoded tolerantly (see the
/// README); 7bit, 8bit, binary and unknown encodings pass through unchanged.
/// </summary>
public sealed class ContentDecoder(TransferEncoding encoding)
{
    private Base64Decoder _base64;
    private QuotedPrintableDecoder _quotedPrintable;

    public TransferEncoding Encoding { get; } = encoding;

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
        switch (Encoding)
        {
            case TransferEncoding.Base64: return _base64.Decode(chunk, output);
            case TransferEncoding.QuotedPrintable: return _quotedPrintable.Decode(chunk, output);
            default: chunk.CopyTo(output); return chunk.Length;
        }
    }

    /// <summary>Ends the data and writes what the decoder still holds.</summary>
    public int Finish(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var n = Finish(output.GetSpan(8));
        output.Advance(n);
        return n;
    }

    /// <summary>Ends the data into a span of at least 8 bytes.</summary>
    public int Finish(Span<byte> output) => Encoding switch
    {
        TransferEncoding.Base64 => _base64.Flush(output),
        TransferEncoding.QuotedPrintable => _quotedPrintable.Flush(output),
        _ => 0,
    };

    /// <summary>The output space one <see cref="Decode(ReadOnlySpan{byte}, Span{byte})"/> call may need.</summary>
    public int MaxOutput(int inputLength) => Encoding switch
    {
        TransferEncoding.Base64 => Base64Decoder.MaxDecodedLength(inputLength),
        TransferEncoding.QuotedPrintable => QuotedPrintableDecoder.MaxDecodedLength(inputLength),
        _ => inputLength,
    };
}
