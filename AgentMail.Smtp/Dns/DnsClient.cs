using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace AgentMail.Smtp.Dns;

/// <summary>No resolver answered usably: a temporary failure.</summary>
public sealed class DnsUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A stub resolver (RFC 1035 §7): one question to a recursive resolver over UDP, retried over
/// TCP when the answer is truncated (RFC 7766), each server tried in turn for the configured
/// attempts. A response counts only when it comes from the server asked, with our random id
/// and our question echoed — the basic defences against spoofed answers.
/// </summary>
public sealed partial class DnsClient
{
    private readonly IReadOnlyList<IPEndPoint> _servers;
    private readonly TimeSpan _timeout;
    private readonly int _attempts;
    private readonly ILogger<DnsClient> _logger;

    public DnsClient(IOptions<DnsOptions> options, ILogger<DnsClient> logger)
    {
        (_servers, _timeout, _attempts) = options.Value.Resolve();
        _logger = logger;
    }

    public IReadOnlyList<IPEndPoint> Servers => _servers;

    public async Task<DnsResponse> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var ascii = DnsMessage.ToAscii(name);
        Exception? last = null;
        for (var attempt = 0; attempt < _attempts; attempt++)
        {
            foreach (var server in _servers)
            {
                var id = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
                var query = DnsMessage.BuildQuery(id, ascii, type);
                try
                {
                    var response = await QueryUdpAsync(server, query, id, ascii, type, cancellationToken).ConfigureAwait(false);
                    if (response.Truncated)
                        response = await QueryTcpAsync(server, query, id, ascii, type, cancellationToken).ConfigureAwait(false);
                    if (response.ResponseCode is DnsResponseCode.NoError or DnsResponseCode.NameError)
                        return response;
                    last = new DnsUnavailableException($"{server} answered {response.ResponseCode} for {ascii} {type}");
                }
                catch (Exception e) when (e is SocketException or IOException or DnsFormatException or TimeoutException)
                {
                    last = e;
                }
                LogServerFailed(_logger, server, ascii, type, last?.Message);
            }
        }
        throw new DnsUnavailableException($"no DNS server answered {ascii} {type}: {last?.Message}", last);
    }

    private async Task<DnsResponse> QueryUdpAsync(IPEndPoint server, byte[] query, ushort id, string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false); // only the server's datagrams reach us
        await socket.SendAsync(query, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[DnsMessage.UdpPayloadSize * 4];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                DnsResponse response;
                try
                {
                    response = DnsMessage.Parse(buffer.AsSpan(0, received));
                }
                catch (DnsFormatException)
                {
                    continue; // garbage: keep waiting for the real answer
                }
                if (Matches(response, id, name, type))
                    return response;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{server} did not answer within {_timeout.TotalSeconds:0.#} s");
        }
    }

    private async Task<DnsResponse> QueryTcpAsync(IPEndPoint server, byte[] query, ushort id, string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var tcp = new TcpClient(server.AddressFamily);
            await tcp.ConnectAsync(server, timeout.Token).ConfigureAwait(false);
            var stream = tcp.GetStream();
            // RFC 1035 §4.2.2: a two-octet length, then the message.
            var framed = new byte[query.Length + 2];
            BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
            query.CopyTo(framed, 2);
            await stream.WriteAsync(framed, timeout.Token).ConfigureAwait(false);
            var length = new byte[2];
            await stream.ReadExactlyAsync(length, timeout.Token).ConfigureAwait(false);
            var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
            await stream.ReadExactlyAsync(message, timeout.Token).ConfigureAwait(false);
            var response = DnsMessage.Parse(message);
            return Matches(response, id, name, type) ? response : throw new DnsFormatException("TCP answer does not match the question");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{server} did not answer over TCP within {_timeout.TotalSeconds:0.#} s");
        }
        catch (EndOfStreamException e)
        {
            throw new IOException($"{server} closed the TCP connection mid-answer", e);
        }
    }

    private static bool Matches(DnsResponse response, ushort id, string name, DnsRecordType type) =>
        response.Id == id && response.QuestionType == type && string.Equals(response.QuestionName, name, StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Debug, Message = "DNS server {Server} failed for {Name} {Type}: {Reason}")]
    private static partial void LogServerFailed(ILogger logger, IPEndPoint server, string name, DnsRecordType type, string? reason);
}
