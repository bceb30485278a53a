namespace AgentMail.Smtp.Dns;

/// <summary>The resource record types the MX lookup uses (RFC 1035 §3.2.2, RFC 3596, RFC 6891).</summary>
public enum DnsRecordType : ushort
{
    A = 1,
    Cname = 5,
    Mx = 15,
    Txt = 16,
    Aaaa = 28,
    Opt = 41,
}

/// <summary>RFC 1035 §4.1.1 RCODE values the resolver distinguishes.</summary>
public enum DnsResponseCode : byte
{
    NoError = 0,
    FormatError = 1,
    ServerFailure = 2,
    NameError = 3,
    NotImplemented = 4,
    Refused = 5,
}

/// <summary>One answer record: MX (preference, exchange), A/AAAA (address), CNAME (target), TXT (text).</summary>
public sealed record DnsRecord(string Name, DnsRecordType Type, uint Ttl)
{
    public ushort Preference { get; init; }
    public string? Target { get; init; }
    public System.Net.IPAddress? Address { get; init; }
    public string? Text { get; init; }
}
