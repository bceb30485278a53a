using System.IO.Pipelines;
using AgentMail.Mime.Encodings;

namespace AgentMail.Api.Attachments;

/// <summary>
/// A write-only stream that Content-Transfer-Decodes what is written into it (AgentMail.Mime's
/// streaming decoder) straight into the response's pipe: the blob's bytes go from Postgres to
/// the client chunk by chunk, never whole in memory.
/// </summary>
internal sealed class DecodingWriteStream(PipeWriter output, TransferEncoding encoding) : Stream
{
    private readonly ContentDecoder _decoder = new(encoding);

    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Written += _decoder.Decode(buffer.Span, output);
        var result = await output.FlushAsync(cancellationToken);
        if (result.IsCanceled || result.IsCompleted)
            throw new OperationCanceledException("The client stopped reading the download.");
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Writes what the decoder still holds (a final partial quantum) and flushes.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        Written += _decoder.Finish(output);
        await output.FlushAsync(cancellationToken);
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Write asynchronously.");
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
