using System.Buffers;

namespace AgentMail.Mime.Encodings;

/// <summary>One-call helpers over <see cref="ContentDecoder"/>.</summary>
public static class TransferDecoding
{
    /// <summary>Decodes a whole encoded body into <paramref name="output"/>; returns bytes written.</summary>
    public static long Decode(ReadOnlySpan<byte> encoded, TransferEncoding encoding, IBufferWriter<byte> output)
    {
        var decoder = new ContentDecoder(encoding);
        long total = decoder.Decode(encoded, output);
        return total + decoder.Finish(output);
    }

    /// <summary>Decodes a whole encoded body to a new array.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> encoded, TransferEncoding encoding)
    {
        if (encoding.IsIdentity() || encoding == TransferEncoding.Unknown) return encoded.ToArray();
        var buffer = new ArrayBufferWriter<byte>(Math.Max(16, encoded.Length));
        Decode(encoded, encoding, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The decoded size (what IMAP BINARY.SIZE reports), computed without output.</summary>
    public static long GetDecodedLength(ReadOnlySpan<byte> encoded, TransferEncoding encoding)
    {
        var counter = new DecodedLengthCounter();
        counter.Reset(encoding);
        counter.Add(encoded);
        return counter.Finish(dropHeldCr: false);
    }

    /// <summary>A read-only stream that decodes <paramref name="encoded"/> as it is read.</summary>
    public static Stream CreateDecodingStream(Stream encoded, TransferEncoding encoding, bool leaveOpen = false) =>
        new DecodingStream(encoded, encoding, leaveOpen);
}
