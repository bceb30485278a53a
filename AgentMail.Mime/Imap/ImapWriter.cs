namespace AgentMail.Mime.Imap;

/// <summary>
/// Writes IMAP atoms of data (RFC 9051 §4.3): NIL, numbers, and strings as quoted strings when
/// they are short printable ASCII, else as literals {n}CRLF. NUL (forbidden even in literals,
/// CHAR8) is dropped.
/// </summary>
internal readonly ref struct ImapWriter(IBufferWriter<byte> output)
{
    /// <summary>Longer values go out as literals, which no client limits by line length.</summary>
    public const int MaxQuotedLength = 1024;

    private readonly IBufferWriter<byte> _output = output;

    public void Raw(ReadOnlySpan<byte> bytes) => _output.Write(bytes);

    public void Byte(byte b)
    {
        _output.GetSpan(1)[0] = b;
        _output.Advance(1);
    }

    public void Space() => Byte((byte)' ');

    public void Nil() => Raw("NIL"u8);

    public void Number(long value)
    {
        var span = _output.GetSpan(20);
        value.TryFormat(span, out var n, provider: System.Globalization.CultureInfo.InvariantCulture);
        _output.Advance(n);
    }

    public void NString(string? value)
    {
        if (value is null) Nil();
        else String(value);
    }

    public void String(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var bytes = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        var length = Encoding.UTF8.GetBytes(value, bytes);
        String(bytes[..length]);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }

    public void String(ReadOnlySpan<byte> value)
    {
        if (value.Length <= MaxQuotedLength && IsQuotable(value))
        {
            Byte((byte)'"');
            var start = 0;
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] is not ((byte)'"' or (byte)'\\')) continue;
                Raw(value[start..i]);
                Byte((byte)'\\');
                start = i;
            }
            Raw(value[start..]);
            Byte((byte)'"');
            return;
        }

        var nuls = value.Count((byte)0);
        Byte((byte)'{');
        Number(value.Length - nuls);
        Raw("}\r\n"u8);
        if (nuls == 0)
        {
            Raw(value);
            return;
        }
        foreach (var piece in value.Split((byte)0))
            Raw(value[piece]);
    }

    private static bool IsQuotable(ReadOnlySpan<byte> value) =>
        value.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0;
}
