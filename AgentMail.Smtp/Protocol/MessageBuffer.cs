using System.Buffers;

namespace AgentMail.Smtp.Protocol;

/// <summary>
/// The message being received, in one pooled contiguous array (ingest parses a contiguous
/// message), never grown past <see cref="Limit"/>: once more arrives it only counts, so a client
/// streaming 1 GB costs the server no more memory than the limit (RFC 1870 §6 size checking
/// while receiving). Returned to the pool on dispose.
/// </summary>
public sealed class MessageBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _array;
    private int _length;

    public MessageBuffer(int limit, long sizeHint = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Limit = limit;
        // A declared SIZE (RFC 1870) sizes the buffer once; otherwise start small and double.
        _array = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(sizeHint + 1024, 16 * 1024, Math.Max(16 * 1024, (long)limit)));
    }

    public int Limit { get; }

    /// <summary>Octets received, including any beyond the limit that were not kept.</summary>
    public long TotalLength { get; private set; }

    public bool Overflowed => TotalLength > Limit;

    /// <summary>The message received; only meaningful when not <see cref="Overflowed"/>.</summary>
    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, _length);

    public void Write(ReadOnlySpan<byte> data)
    {
        TotalLength += data.Length;
        if (TotalLength > Limit)
            return;
        EnsureCapacity(data.Length);
        data.CopyTo(_array.AsSpan(_length));
        _length += data.Length;
    }

    public void Write(ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
            Write(segment.Span);
    }

    public void Clear()
    {
        _length = 0;
        TotalLength = 0;
    }

    void IBufferWriter<byte>.Advance(int count)
    {
        TotalLength += count;
        _length += count;
    }

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint)
    {
        EnsureCapacity(Math.Max(sizeHint, 256));
        return _array.AsMemory(_length);
    }

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint)
    {
        EnsureCapacity(Math.Max(sizeHint, 256));
        return _array.AsSpan(_length);
    }

    private void EnsureCapacity(int more)
    {
        if (_length + more <= _array.Length)
            return;
        var size = (int)Math.Min(Math.Max((long)_array.Length * 2, (long)_length + more), Math.Max((long)Limit, (long)_length + more));
        var larger = ArrayPool<byte>.Shared.Rent(size);
        _array.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = larger;
    }

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, []);
        if (array.Length > 0)
            ArrayPool<byte>.Shared.Return(array);
    }
}
