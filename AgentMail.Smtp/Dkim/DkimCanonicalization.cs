using System.Buffers;
using System.Security.Cryptography;

namespace AgentMail.Smtp.Dkim;

/// <summary>The "relaxed" canonicalizations of RFC 6376 §3.4.2 (header) and §3.4.4 (body).</summary>
public static class DkimCanonicalization
{
    /// <summary>
    /// Relaxed header: name lower-cased; folds unfolded; WSP runs to one SP; WSP at the end of the
    /// value and around the colon removed; "name:value" followed by CRLF.
    /// </summary>
    public static void RelaxedHeader(ReadOnlySpan<byte> field, IBufferWriterHash output)
    {
        var colon = field.IndexOf((byte)':');
        var name = (colon < 0 ? field : field[..colon]).TrimEnd(" \t"u8);
        Span<byte> lower = stackalloc byte[Math.Min(name.Length, 256)];
        for (var i = 0; i < lower.Length; i++)
            lower[i] = name[i] is >= (byte)'A' and <= (byte)'Z' ? (byte)(name[i] | 0x20) : name[i];
        output.Append(lower);
        output.Append(":"u8);
        if (colon < 0)
        {
            output.Append("\r\n"u8);
            return;
        }
        var value = field[(colon + 1)..];
        var pendingSpace = false;
        var started = false;
        foreach (var b in value)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                pendingSpace = started; // CRLF only appears in folds here: unfold, then compress
                continue;
            }
            if (pendingSpace)
                output.Append(" "u8);
            pendingSpace = false;
            started = true;
            output.Append([b]);
        }
        output.Append("\r\n"u8);
    }

    /// <summary>
    /// Relaxed body: WSP at line ends removed, WSP runs to one SP, empty lines at the end
    /// removed, a final CRLF when the body is not empty (an empty body hashes as nothing).
    /// </summary>
    public static void RelaxedBody(ReadOnlySpan<byte> body, IBufferWriterHash output)
    {
        var emptyLines = 0;
        while (!body.IsEmpty)
        {
            var lf = body.IndexOf((byte)'\n');
            var line = lf < 0 ? body : body[..lf];
            body = lf < 0 ? [] : body[(lf + 1)..];
            if (!line.IsEmpty && line[^1] == '\r')
                line = line[..^1];
            line = line.TrimEnd(" \t"u8);
            if (line.IsEmpty)
            {
                emptyLines++;
                continue;
            }
            for (; emptyLines > 0; emptyLines--)
                output.Append("\r\n"u8);
            var inSpace = false;
            var runStart = 0;
            for (var i = 0; i < line.Length; i++)
            {
                var wsp = line[i] is (byte)' ' or (byte)'\t';
                if (wsp && !inSpace)
                {
                    output.Append(line[runStart..i]);
                    output.Append(" "u8);
                }
                if (!wsp && inSpace)
                    runStart = i;
                inSpace = wsp;
            }
            output.Append(line[runStart..]);
            output.Append("\r\n"u8);
        }
    }
}

/// <summary>Where canonical bytes go: a running hash, or a buffer (tests, the signature input).</summary>
public interface IBufferWriterHash
{
    void Append(ReadOnlySpan<byte> bytes);
}

/// <summary>Canonical bytes into SHA-256 without materializing them.</summary>
public sealed class Sha256Sink : IBufferWriterHash, IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public void Append(ReadOnlySpan<byte> bytes) => _hash.AppendData(bytes);

    public byte[] Hash() => _hash.GetHashAndReset();

    public void Dispose() => _hash.Dispose();
}

/// <summary>Canonical bytes kept (the header part of the signature input is small).</summary>
public sealed class ByteSink : IBufferWriterHash
{
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(1024);

    public void Append(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;
}
