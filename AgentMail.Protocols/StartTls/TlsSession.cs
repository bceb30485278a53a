using System.IO.Pipelines;
using System.Net.Security;
using Microsoft.AspNetCore.Connections;

namespace AgentMail.Protocols.StartTls;

/// <summary>
/// A connection after a successful STARTTLS: the protocol handler reads and writes
/// <see cref="Transport"/> (also set as the connection's <c>Transport</c>) exactly as it did
/// before, and every byte now travels inside TLS. Dispose it when the connection ends: it sends
/// the TLS close_notify and gives the connection back its original transport for Kestrel to close.
/// </summary>
public sealed class TlsSession : IAsyncDisposable
{
    private readonly ConnectionContext _connection;
    private readonly IDuplexPipe _plainTransport;
    private int _disposed;

    internal TlsSession(ConnectionContext connection, IDuplexPipe plainTransport, SslStream stream, long discardedPlaintextBytes)
    {
        _connection = connection;
        _plainTransport = plainTransport;
        Stream = stream;
        DiscardedPlaintextBytes = discardedPlaintextBytes;
        Transport = new Pipe(
            PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
    }

    /// <summary>The decrypted duplex pipe to continue the protocol on.</summary>
    public IDuplexPipe Transport { get; }

    /// <summary>The TLS stream, for what was negotiated (<see cref="SslStream.SslProtocol"/>, <see cref="SslStream.NegotiatedCipherSuite"/>).</summary>
    public SslStream Stream { get; }

    /// <summary>
    /// Plain-text bytes the client had sent after the STARTTLS command, before the handshake.
    /// They were thrown away unread (RFC 3207 §4.2, RFC 2595 §3.1: nothing from before TLS may be
    /// acted on after it); a non-zero count is worth logging as a client bug or an injection attempt.
    /// </summary>
    public long DiscardedPlaintextBytes { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await Transport.Input.CompleteAsync().ConfigureAwait(false);
        await Transport.Output.CompleteAsync().ConfigureAwait(false);
        try
        {
            await Stream.ShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client may already be gone; there is nobody left to tell.
        }
        await Stream.DisposeAsync().ConfigureAwait(false);
        _connection.Transport = _plainTransport;
    }

    private sealed record Pipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
