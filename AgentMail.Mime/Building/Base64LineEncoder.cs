using System.Buffers.Text;

namespace AgentMail.Mime.Building;

/// <summary>Base64 in lines of 76 characters, each ending with CRLF (RFC 2045 §6.8).</summary>
internal static class Base64LineEncoder
{
    /// <summary>Bytes per line: 57 bytes make 76 characters.</summary>
    public const int BytesPerLine = 57;

    public static void Encode(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        while (!data.IsEmpty)
        {
            var chunk = data[..Math.Min(BytesPerLine, data.Length)];
            var span = output.GetSpan(80);
            Base64.EncodeToUtf8(chunk, span, out _, out var written);
            span[written] = (byte)'\r';
            span[written + 1] = (byte)'\n';
            output.Advance(written + 2);
            data = data[chunk.Length..];
        }
    }

    /// <summary>Encodes a stream, reading whole lines' worth at a time.</summary>
    public static void Encode(Stream data, IBufferWriter<byte> output)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BytesPerLine * 256);
        try
        {
            var filled = 0;
            while (true)
            {
                var read = data.Read(buffer, filled, BytesPerLine * 256 - filled);
                filled += read;
                if (read == 0 || filled == BytesPerLine * 256)
                {
                    var whole = read == 0 ? filled : filled / BytesPerLine * BytesPerLine;
                    Encode(buffer.AsSpan(0, whole), output);
                    Buffer.BlockCopy(buffer, whole, buffer, 0, filled - whole);
                    filled -= whole;
                    if (read == 0) return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static async Task EncodeAsync(Stream data, IBufferWriter<byte> output, Func<CancellationToken, ValueTask> flush, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BytesPerLine * 256);
        try
        {
            var filled = 0;
            while (true)
            {
                var read = await data.ReadAsync(buffer.AsMemory(filled, BytesPerLine * 256 - filled), cancellationToken).ConfigureAwait(false);
                filled += read;
                if (read == 0 || filled == BytesPerLine * 256)
                {
                    var whole = read == 0 ? filled : filled / BytesPerLine * BytesPerLine;
                    Encode(buffer.AsSpan(0, whole), output);
                    Buffer.BlockCopy(buffer, whole, buffer, 0, filled - whole);
                    filled -= whole;
                    await flush(cancellationToken).ConfigureAwait(false);
                    if (read == 0) return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
