using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace AgentMail.Smtp.Dns;

/// <summary>A parsed response: its header, and the records of its answer and additional sections.</summary>
public sealed record DnsResponse(ushort Id, bool Truncated, DnsResponseCode ResponseCode, string QuestionName, DnsRecordType QuestionType,
    IReadOnlyList<DnsRecord> Answers, IReadOnlyList<DnsRecord> Additional);

/// <summary>The response could not be parsed.</summary>
public sealed class DnsFormatException(string message) : Exception(message);

/// <summary>
/// The DNS wire format (RFC 1035 §4): a query with one question and an EDNS(0) OPT record
/// (RFC 6891) offering a 1232-octet UDP payload, and a bounds-checked response parser that
/// follows name compression pointers (§4.1.4) with a loop guard.
/// </summary>
public static class DnsMessage
{
    public const ushort UdpPayloadSize = 1232;

    public static byte[] BuildQuery(ushort id, string name, DnsRecordType type)
    {
        var labels = ToAscii(name).Split('.', StringSplitOptions.RemoveEmptyEntries);
        var length = 12 + labels.Sum(l => l.Length + 1) + 1 + 4 + 11;
        var query = new byte[length];
        var span = query.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span, id);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], 0x0100); // RD: recursion desired
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], 1);      // QDCOUNT
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], 1);     // ARCOUNT: the OPT record
        var at = 12;
        foreach (var label in labels)
        {
            if (label.Length > 63)
                throw new ArgumentException($"DNS label too long in '{name}'.", nameof(name));
            query[at++] = (byte)label.Length;
            at += Encoding.ASCII.GetBytes(label, span[at..]);
        }
        query[at++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(span[(at + 2)..], 1); // IN
        at += 4;
        // OPT: root name, type 41, CLASS = UDP payload size, TTL = extended RCODE/version/flags, no RDATA.
        query[at] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(span[(at + 1)..], (ushort)DnsRecordType.Opt);
        BinaryPrimitives.WriteUInt16BigEndian(span[(at + 3)..], UdpPayloadSize);
        return query;
    }

    /// <summary>A domain in the form the DNS carries (IDNA A-labels for internationalized names, RFC 5891).</summary>
    public static string ToAscii(string name)
    {
        var trimmed = name.TrimEnd('.');
        if (trimmed.Length == 0 || trimmed.Length > 253)
            throw new ArgumentException($"'{name}' is not a domain name.", nameof(name));
        return Ascii.IsValid(trimmed) ? trimmed.ToLowerInvariant() : new IdnMapping().GetAscii(trimmed).ToLowerInvariant();
    }

    public static DnsResponse Parse(ReadOnlySpan<byte> message)
    {
        if (message.Length < 12)
            throw new DnsFormatException("shorter than a DNS header");
        var id = BinaryPrimitives.ReadUInt16BigEndian(message);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((flags & 0x8000) == 0)
            throw new DnsFormatException("not a response");
        var questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var authority = BinaryPrimitives.ReadUInt16BigEndian(message[8..]);
        var additional = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        var at = 12;
        string questionName = "";
        var questionType = (DnsRecordType)0;
        for (var i = 0; i < questions; i++)
        {
            questionName = ReadName(message, ref at);
            Need(message, at, 4);
            questionType = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
            at += 4;
        }
        var truncated = (flags & 0x0200) != 0;
        var answerRecords = new List<DnsRecord>();
        var additionalRecords = new List<DnsRecord>();
        // A truncated response may end anywhere: keep what parses, the caller retries over TCP.
        try
        {
            for (var i = 0; i < answers; i++)
                AddRecord(answerRecords, message, ref at);
            for (var i = 0; i < authority; i++)
                AddRecord(null, message, ref at);
            for (var i = 0; i < additional; i++)
                AddRecord(additionalRecords, message, ref at);
        }
        catch (DnsFormatException) when (truncated)
        {
        }
        return new DnsResponse(id, truncated, (DnsResponseCode)(flags & 0x000F), questionName, questionType, answerRecords, additionalRecords);
    }

    private static void AddRecord(List<DnsRecord>? into, ReadOnlySpan<byte> message, ref int at)
    {
        var name = ReadName(message, ref at);
        Need(message, at, 10);
        var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
        var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(at + 4)..]);
        var length = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 8)..]);
        at += 10;
        Need(message, at, length);
        var end = at + length;
        var data = message[at..end];
        DnsRecord? record = type switch
        {
            DnsRecordType.A when length == 4 => new DnsRecord(name, type, ttl) { Address = new IPAddress(data) },
            DnsRecordType.Aaaa when length == 16 => new DnsRecord(name, type, ttl) { Address = new IPAddress(data) },
            DnsRecordType.Mx when length >= 3 => Mx(message, at, name, ttl),
            DnsRecordType.Cname => Target(message, at, name, type, ttl),
            DnsRecordType.Txt => new DnsRecord(name, type, ttl) { Text = Txt(data) },
            _ => null,
        };
        if (record is not null)
            into?.Add(record);
        at = end;
    }

    private static DnsRecord Mx(ReadOnlySpan<byte> message, int at, string name, uint ttl)
    {
        var preference = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
        var exchangeAt = at + 2;
        return new DnsRecord(name, DnsRecordType.Mx, ttl) { Preference = preference, Target = ReadName(message, ref exchangeAt) };
    }

    private static DnsRecord Target(ReadOnlySpan<byte> message, int at, string name, DnsRecordType type, uint ttl) =>
        new(name, type, ttl) { Target = ReadName(message, ref at) };

    private static string Txt(ReadOnlySpan<byte> data)
    {
        var text = new StringBuilder();
        var i = 0;
        while (i < data.Length)
        {
            var length = data[i++];
            if (i + length > data.Length)
                throw new DnsFormatException("TXT string past its record");
            text.Append(Encoding.ASCII.GetString(data.Slice(i, length)));
            i += length;
        }
        return text.ToString();
    }

    /// <summary>A possibly compressed name; <paramref name="at"/> moves past it in the original position.</summary>
    internal static string ReadName(ReadOnlySpan<byte> message, ref int at)
    {
        var name = new StringBuilder();
        var position = at;
        var jumped = false;
        for (var jumps = 0; ; )
        {
            Need(message, position, 1);
            var length = message[position];
            if (length == 0)
            {
                if (!jumped)
                    at = position + 1;
                break;
            }
            if ((length & 0xC0) == 0xC0)
            {
                Need(message, position, 2);
                if (++jumps > 64)
                    throw new DnsFormatException("compression pointer loop");
                var target = BinaryPrimitives.ReadUInt16BigEndian(message[position..]) & 0x3FFF;
                if (!jumped)
                    at = position + 2;
                jumped = true;
                position = target;
                continue;
            }
            if ((length & 0xC0) != 0)
                throw new DnsFormatException("unknown label type");
            Need(message, position + 1, length);
            if (name.Length > 0)
                name.Append('.');
            name.Append(Encoding.ASCII.GetString(message.Slice(position + 1, length)));
            if (name.Length > 255)
                throw new DnsFormatException("name longer than 255 octets");
            position += 1 + length;
        }
        return name.ToString().ToLowerInvariant();
    }

    private static void Need(ReadOnlySpan<byte> message, int at, int count)
    {
        if (at < 0 || count < 0 || at + count > message.Length)
            throw new DnsFormatException("record past the end of the message");
    }

    internal static string Describe(DnsRecordType type) => type.ToString().ToUpper(CultureInfo.InvariantCulture);
}
