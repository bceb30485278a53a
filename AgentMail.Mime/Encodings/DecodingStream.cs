using System.Buffers;

namespace AgentMail.Mime.Encodings;

/// <summary>Read-only stream decoding a Content-Transfer-Encoding on the fly (pooled buffers).</summary>
internal sealed class DecodingStream(Stream inner, TransferEncoding encoding, bool leaveOpen, bool canonicalLineEndings) : Stream
{
    private const int ChunkSize = 16 * 1024;
    private readonly ContentDecoder _decoder = new(encoding, canonicalLineEndings);
    private byte[]? _input = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private byte[]? _output = ArrayPool<byte>.Shared.Rent(LineEndingCanonicalizer.MaxOutput(QuotedPrintableDecoder.MaxDecodedLength(ChunkSize)) + 16);
    private int _outStart;
    private int _outEnd;
    private bool _finished;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_input is null, this);
        while (_outStart == _outEnd && !_finished)
        {
            var n = inner.Read(_input, 0, ChunkSize);
            Produce(n);
        }
        return Drain(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_input is null, this);
        while (_outStart == _outEnd && !_finished)
        {
            var n = await inner.ReadAsync(_input.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false);
            Produce(n);
        }
        return Drain(buffer.Span);
    }

    private void Produce(int read)
    {
        _outStart = 0;
        if (read == 0)
        {
            _outEnd = _decoder.Finish(_output);
            _finished = true;
        }
        else
        {
            _outEnd = _decoder.Decode(_input.AsSpan(0, read), _output);
        }
    }

    private int Drain(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _outEnd - _outStart);
        _output.AsSpan(_outStart, n).CopyTo(buffer);
        _outStart += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_input is not null) ArrayPool<byte>.Shared.Return(_input);
            if (_output is not null) ArrayPool<byte>.Shared.Return(_output);
            _input = null;
            _output = null;
            if (!leaveOpen) inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
