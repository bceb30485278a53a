using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentMail.Tests.Smtp.Support;

/// <summary>
/// An authoritative-looking DNS responder on loopback, UDP and TCP on one port, with a zone the
/// test fills: MX, A, AAAA, NXDOMAIN names, and names whose UDP answer is truncated (TC) so the
/// client must ask again over TCP. Written from RFC 1035 §4, independently of the client.
/// </summary>
public sealed class FakeDnsServer : IAsyncDisposable
{
    private readonly UdpClient _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(string Name, ushort Type, byte[] Data, string? Target)> _records = [];
    private readonly HashSet<string> _nxdomain = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _truncate = new(StringComparer.OrdinalIgnoreCase);
    private int _udpQueries;
    private int _tcpQueries;

    public FakeDnsServer()
    {
        while (true)
        {
            _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            Port = ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;
            try
            {
                _tcp = new TcpListener(IPAddress.Loopback, Port);
                _tcp.Start();
                break;
            }
            catch (SocketException)
            {
                _udp.Dispose(); // the TCP port is taken: pick another pair
            }
        }
        _ = ServeUdpAsync();
        _ = ServeTcpAsync();
    }

    public int Port { get; }
    public string EndPoint => $"127.0.0.1:{Port}";
    public int UdpQueries => Volatile.Read(ref _udpQueries);
    public int TcpQueries => Volatile.Read(ref _tcpQueries);

    /// <summary>Answer this many UDP queries with a response whose id is wrong (a spoofing attempt) before the real one.</summary>
    public int SpoofedAnswersFirst { get; set; }

    public FakeDnsServer Mx(string domain, ushort preference, string exchange)
    {
        var data = new List<byte> { (byte)(preference >> 8), (byte)preference };
        data.AddRange(EncodeName(exchange));
        lock (_records)
            _records.Add((domain, 15, [.. data], exchange));
        return this;
    }

    public FakeDnsServer A(string name, string address) => Address(name, 1, address);

    public FakeDnsServer Aaaa(string name, string address) => Address(name, 28, address);

    public FakeDnsServer NxDomain(string name)
    {
        lock (_records)
            _nxdomain.Add(name);
        return this;
    }

    public FakeDnsServer Truncate(string name)
    {
        lock (_records)
            _truncate.Add(name);
        return this;
    }

    private FakeDnsServer Address(string name, ushort type, string address)
    {
        lock (_records)
            _records.Add((name, type, IPAddress.Parse(address).GetAddressBytes(), null));
        return this;
    }

    private async Task ServeUdpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult request;
            try
            {
                request = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _udpQueries);
            if (SpoofedAnswersFirst > 0)
            {
                SpoofedAnswersFirst--;
                var spoof = Answer(request.Buffer, overUdp: true);
                spoof[0] ^= 0xFF;
                await _udp.SendAsync(spoof, request.RemoteEndPoint);
            }
            await _udp.SendAsync(Answer(request.Buffer, overUdp: true), request.RemoteEndPoint);
        }
    }

    private async Task ServeTcpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _tcp.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var length = new byte[2];
                    await stream.ReadExactlyAsync(length);
                    var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                    await stream.ReadExactlyAsync(query);
                    Interlocked.Increment(ref _tcpQueries);
                    var answer = Answer(query, overUdp: false);
                    var framed = new byte[answer.Length + 2];
                    BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)answer.Length);
                    answer.CopyTo(framed, 2);
                    await stream.WriteAsync(framed);
                }
            });
        }
    }

    private byte[] Answer(byte[] query, bool overUdp)
    {
        // Question: the name's labels from offset 12, then type and class.
        var at = 12;
        var labels = new List<string>();
        while (query[at] != 0)
        {
            labels.Add(Encoding.ASCII.GetString(query, at + 1, query[at]));
            at += query[at] + 1;
        }
        var name = string.Join('.', labels);
        var type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(at + 1));
        var questionEnd = at + 5;

        List<(string Name, ushort Type, byte[] Data, string? Target)> answers, additional;
        bool nx, truncate;
        lock (_records)
        {
            nx = _nxdomain.Contains(name);
            truncate = overUdp && _truncate.Contains(name);
            answers = _records.Where(r => r.Type == type && string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
            additional = type == 15
                ? _records.Where(r => r.Type == 1 && answers.Any(a => string.Equals(a.Target, r.Name, StringComparison.OrdinalIgnoreCase))).ToList()
                : [];
        }
        var response = new List<byte>();
        response.AddRange(query.AsSpan(0, 2).ToArray());                     // id
        var flags = (ushort)(0x8180 | (nx ? 3 : 0) | (truncate ? 0x0200 : 0));  // QR RD RA, NXDOMAIN, TC
        response.Add((byte)(flags >> 8));
        response.Add((byte)flags);
        Add16(response, 1);
        Add16(response, (ushort)(truncate ? 0 : answers.Count));
        Add16(response, 0);
        Add16(response, (ushort)(truncate ? 0 : additional.Count));
        response.AddRange(query.AsSpan(12, questionEnd - 12).ToArray());      // the question, echoed
        if (!truncate)
        {
            foreach (var record in answers.Concat(additional))
            {
                if (string.Equals(record.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    response.Add(0xC0); // compression pointer to the question's name
                    response.Add(12);
                }
                else
                {
                    response.AddRange(EncodeName(record.Name));
                }
                Add16(response, record.Type);
                Add16(response, 1);
                response.AddRange(new byte[] { 0, 0, 1, 44 }); // TTL 300
                Add16(response, (ushort)record.Data.Length);
                response.AddRange(record.Data);
            }
        }
        return [.. response];
    }

    private static void Add16(List<byte> bytes, ushort value)
    {
        bytes.Add((byte)(value >> 8));
        bytes.Add((byte)value);
    }

    private static byte[] EncodeName(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }
        bytes.Add(0);
        return [.. bytes];
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _udp.Dispose();
        _tcp.Stop();
        return ValueTask.CompletedTask;
    }
}
