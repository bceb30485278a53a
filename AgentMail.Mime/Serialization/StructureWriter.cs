namespace AgentMail.Mime.Serialization;

/// <summary>Little writer of LEB128 varints and length-prefixed UTF-8 strings.</summary>
internal sealed class StructureWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void VarInt(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        _buffer.Advance(n);
    }

    public void VarInt(long value) => VarInt(checked((ulong)value));

    /// <summary>Null is written as 0, a string as its UTF-8 length + 1 and the bytes.</summary>
    public void String(string? value)
    {
        if (value is null)
        {
            VarInt(0UL);
            return;
        }
        var length = Encoding.UTF8.GetByteCount(value);
        VarInt((ulong)length + 1);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }
}
