namespace AgentMail.Mime.Imap;

/// <summary>
/// Writes IMAP atoms of data (RFC 9051 §4.3): NIL, numbers, and strings (<see cref="ImapString"/>).
/// </summary>
internal readonly ref struct ImapWriter(IBufferWriter<byte> output)
{
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

    public void String(ReadOnlySpan<byte> value) => ImapString.Write(_output, value);
}
