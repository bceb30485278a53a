using System.Net;

namespace AgentMail.Smtp.Dns;

public enum MxOutcome
{
    /// <summary><see cref="MxResult.Hosts"/> to try, in order.</summary>
    Hosts,

    /// <summary>The domain does not exist (NXDOMAIN): a permanent failure, 5.1.2.</summary>
    NoSuchDomain,

    /// <summary>The domain says it accepts no mail (RFC 7505 null MX): permanent, 5.1.10.</summary>
    NullMx,

    /// <summary>Hosts exist but none has an address, or DNS did not answer: try again later.</summary>
    TemporaryFailure,
}

/// <summary>One mail exchanger with its addresses.</summary>
public sealed record MxHost(string Name, ushort Preference, IReadOnlyList<IPAddress> Addresses);

public sealed record MxResult(MxOutcome Outcome, IReadOnlyList<MxHost> Hosts, string Detail);

/// <summary>
/// Where mail for a domain goes (RFC 5321 §5.1): its MX records by preference (equal ones in
/// random order, to spread load), each host's A and AAAA addresses (from the additional section
/// when the resolver sent them, else asked), or — when the domain has no MX — the domain itself
/// as an implicit MX of preference 0.
/// </summary>
public sealed class MxResolver(DnsClient dns)
{
    public async Task<MxResult> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        DnsResponse mx;
        try
        {
            mx = await dns.QueryAsync(domain, DnsRecordType.Mx, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsUnavailableException e)
        {
            return new MxResult(MxOutcome.TemporaryFailure, [], e.Message);
        }
        if (mx.ResponseCode == DnsResponseCode.NameError)
            return new MxResult(MxOutcome.NoSuchDomain, [], $"Host or domain name not found: {domain} does not exist (NXDOMAIN)");

        var records = mx.Answers.Where(r => r.Type == DnsRecordType.Mx).ToList();
        if (records is [{ Target: "" or "." }])
            return new MxResult(MxOutcome.NullMx, [], $"{domain} accepts no mail (null MX, RFC 7505)");
        records.RemoveAll(r => string.IsNullOrEmpty(r.Target) || r.Target == ".");

        var names = records.Count == 0
            ? [(Name: DnsMessage.ToAscii(domain), Preference: (ushort)0)] // §5.1: the implicit MX
            : records.GroupBy(r => r.Preference).OrderBy(g => g.Key)
                .SelectMany(g => g.OrderBy(_ => Random.Shared.Next()).Select(r => (Name: r.Target!, r.Preference)))
                .DistinctBy(r => r.Name)
                .ToList();

        var hosts = new List<MxHost>();
        string? failure = null;
        foreach (var (name, preference) in names.Take(10))
        {
            var addresses = mx.Additional.Where(r => r.Address is not null && string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
                .OrderBy(r => r.Type == DnsRecordType.A ? 0 : 1).Select(r => r.Address!).ToList();
            if (addresses.Count == 0)
            {
                try
                {
                    addresses.AddRange(await AddressesAsync(name, DnsRecordType.A, cancellationToken).ConfigureAwait(false));
                    addresses.AddRange(await AddressesAsync(name, DnsRecordType.Aaaa, cancellationToken).ConfigureAwait(false));
                }
                catch (DnsUnavailableException e)
                {
                    failure = e.Message;
                }
            }
            if (addresses.Count > 0)
                hosts.Add(new MxHost(name, preference, addresses));
        }
        if (hosts.Count > 0)
            return new MxResult(MxOutcome.Hosts, hosts, "");
        return records.Count == 0 && failure is null
            ? new MxResult(MxOutcome.NoSuchDomain, [], $"Host or domain name not found: {domain} has no MX and no address")
            : new MxResult(MxOutcome.TemporaryFailure, [], failure ?? $"no address for the mail exchangers of {domain}");
    }

    private async Task<IEnumerable<IPAddress>> AddressesAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var response = await dns.QueryAsync(name, type, cancellationToken).ConfigureAwait(false);
        return response.Answers.Where(r => r.Type == type && r.Address is not null).Select(r => r.Address!);
    }
}
