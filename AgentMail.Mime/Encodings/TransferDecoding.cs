using System.Buffers;

namespace AgentMail.Mime.Encodings;

/// <summary>One-call helpers over <see cref="ContentDecoder"/>.</summary>
public static class TransferDecoding
{
    /// <summary>
    /// Decodes a whole encoded body into <paramref name="output"/>; returns bytes written. With
    /// <paramref name="canonicalLineEndings"/> line breaks become CRLF (IMAP BINARY of text/*).
    /// </summary>
    public static long Decode(ReadOnlySpan<byte> encoded, TransferEncoding encoding, IBufferWriter<byte> output, bool canonicalLineEndings = false)
    {
        var decoder = new ContentDecoder(encoding, canonicalLineEndings);
        long total = decoder.Decode(encoded, output);
        return total + decoder.Finish(output);
    }

    /// <summary>Decodes a whole encoded body to a new array.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> encoded, TransferEncoding encoding, bool canonicalLineEndings = false)
    {
        if (!canonicalLineEndings && (encoding.IsIdentity() || encoding == TransferEncoding.Unknown)) return encoded.ToArray();
        var buffer = new ArrayBufferWriter<byte>(Math.Max(16, encoded.Length));
        Decode(encoded, encoding, buffer, canonicalLineEndings);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// IMAP BINARY[section] content of a leaf (RFC 9051 §7.5.2): transfer-decoded, with CRLF line
    /// breaks when the part is text/*. Its length is <see cref="MimePart.BinarySize"/>.
    /// </summary>
    public static long DecodeBinarySection(ReadOnlySpan<byte> body, MimePart part, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(part);
        return Decode(body, part.TransferEncoding, output, part.ContentType.IsText);
    }

    /// <summary>The decoded size, computed without output (with CRLF canonicalization if asked).</summary>
    public static long GetDecodedLength(ReadOnlySpan<byte> encoded, TransferEncoding encoding, bool canonicalLineEndings = false)
    {
        var counter = new DecodedLengthCounter();
        counter.Reset(encoding, canonicalLineEndings);
        counter.Add(encoded);
        var (decoded, canonical) = counter.Finish(dropHeldCr: false);
        return canonicalLineEndings ? canonical : decoded;
    }

    /// <summary>A read-only stream that decodes <paramref name="encoded"/> as it is read.</summary>
    public static Stream CreateDecodingStream(Stream encoded, TransferEncoding encoding, bool leaveOpen = false, bool canonicalLineEndings = false) =>
        new DecodingStream(encoded, encoding, leaveOpen, canonicalLineEndings);
}
