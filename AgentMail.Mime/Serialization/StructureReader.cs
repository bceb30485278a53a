using AgentMail.Mime.Headers;

namespace AgentMail.Mime.Serialization;

/// <summary>Reader for <see cref="StructureWriter"/> output; every read is bounds-checked.</summary>
internal ref struct StructureReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position == _data.Length;

    public byte Byte()
    {
        if (_position >= _data.Length) throw Corrupt();
        return _data[_position++];
    }

    public ulong VarInt()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Byte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw Corrupt();
    }

    public long Long()
    {
        var value = VarInt();
        if (value > long.MaxValue) throw Corrupt();
        return (long)value;
    }

    public int Count(int max)
    {
        var value = VarInt();
        if (value > (ulong)max) throw Corrupt();
        return (int)value;
    }

    public string? String()
    {
        var prefix = VarInt();
        if (prefix == 0) return null;
        var length = prefix - 1;
        if (length > (ulong)(_data.Length - _position)) throw Corrupt();
        var bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        return TokenCache.Get(bytes);
    }

    public string RequiredString() => String() ?? throw Corrupt();

    public static FormatException Corrupt() => new("The stored message structure is corrupt or truncated.");
}
