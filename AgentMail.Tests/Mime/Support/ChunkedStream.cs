namespace AgentMail.Tests.Mime.Support;

/// <summary>A read-only stream that returns at most a few bytes per read, to stress chunk edges.</summary>
internal sealed class ChunkedStream(byte[] data, int seed, int maxChunk) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, data.Length - _position), _random.Next(1, maxChunk + 1));
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>The data as a ReadOnlySequence of randomly sized segments.</summary>
    public static System.Buffers.ReadOnlySequence<byte> Segmented(byte[] data, int seed, int maxSegment)
    {
        var random = new Random(seed);
        Segment? first = null, last = null;
        var position = 0;
        while (position < data.Length || first is null)
        {
            var n = Math.Min(data.Length - position, random.Next(1, maxSegment + 1));
            var segment = new Segment(data.AsMemory(position, n), last?.RunningIndex + last?.Memory.Length ?? 0);
            if (last is null) first = segment;
            else last.Next = segment;
            last = segment;
            position += n;
            if (data.Length == 0) break;
        }
        return new System.Buffers.ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : System.Buffers.ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public new Segment? Next { get => (Segment?)base.Next; set => base.Next = value; }
    }
}
