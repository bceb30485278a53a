using System.Buffers;

namespace AgentMail.Mime.Headers;

/// <summary>A growable byte buffer over a stack span that spills into the array pool.</summary>
internal ref struct ByteBuilder(Span<byte> initial)
{
    private Span<byte> _buffer = initial;
    private byte[]? _rented;

    public int Length { get; private set; }

    public readonly ReadOnlySpan<byte> Written => _buffer[..Length];

    public void Append(byte b)
    {
        if (Length == _buffer.Length) Grow(1);
        _buffer[Length++] = b;
    }

    public void Append(scoped ReadOnlySpan<byte> bytes)
    {
        if (Length + bytes.Length > _buffer.Length) Grow(bytes.Length);
        bytes.CopyTo(_buffer[Length..]);
        Length += bytes.Length;
    }

    public void Clear() => Length = 0;

    public void Truncate(int length) => Length = Math.Min(Length, length);

    private void Grow(int extra)
    {
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + extra + 16));
        _buffer[..Length].CopyTo(next);
        if (_rented is not null) ArrayPool<byte>.Shared.Return(_rented);
        _rented = next;
        _buffer = next;
    }

    public void Dispose()
    {
        if (_rented is not null) ArrayPool<byte>.Shared.Return(_rented);
        _rented = null;
    }
}
