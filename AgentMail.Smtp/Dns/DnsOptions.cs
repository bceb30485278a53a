using System.Globalization;
using System.Net;

namespace AgentMail.Smtp.Dns;

/// <summary>
/// Configuration section <c>Smtp:Dns</c>: the recursive resolvers the MX lookup asks. Without
/// <see cref="Servers"/>, the <c>nameserver</c> lines of /etc/resolv.conf (and its
/// <c>options timeout:</c>/<c>attempts:</c>) are used.
/// </summary>
public sealed class DnsOptions
{
    public const string SectionName = "Smtp:Dns";

    /// <summary>"192.0.2.53", "192.0.2.53:5353" or "[2001:db8::53]:53".</summary>
    public List<string> Servers { get; set; } = [];

    public TimeSpan? Timeout { get; set; }
    public int? Attempts { get; set; }

    /// <summary>The servers, timeout and attempts to use: configuration first, then resolv.conf, then loopback.</summary>
    public (IReadOnlyList<IPEndPoint> Servers, TimeSpan Timeout, int Attempts) Resolve(string resolvConfPath = "/etc/resolv.conf")
    {
        var conf = File.Exists(resolvConfPath) ? ResolvConf.Parse(File.ReadAllLines(resolvConfPath)) : new ResolvConf([], null, null);
        var servers = Servers.Count > 0 ? Servers.Select(ParseEndPoint).ToList() : conf.Servers.ToList();
        if (servers.Count == 0)
            servers.Add(new IPEndPoint(IPAddress.Loopback, 53));
        return (servers, Timeout ?? conf.Timeout ?? TimeSpan.FromSeconds(5), Math.Max(1, Attempts ?? conf.Attempts ?? 2));
    }

    public static IPEndPoint ParseEndPoint(string text)
    {
        if (IPAddress.TryParse(text, out var bare))
            return new IPEndPoint(bare, 53);
        if (IPEndPoint.TryParse(text, out var endpoint))
            return endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, 53) : endpoint;
        throw new InvalidOperationException($"Smtp:Dns:Servers: '{text}' is not an IP address with an optional port.");
    }
}

/// <summary>What the MX lookup takes from resolv.conf(5): nameservers and the timeout/attempts options.</summary>
public sealed record ResolvConf(IReadOnlyList<IPEndPoint> Servers, TimeSpan? Timeout, int? Attempts)
{
    public static ResolvConf Parse(IEnumerable<string> lines)
    {
        var servers = new List<IPEndPoint>();
        TimeSpan? timeout = null;
        int? attempts = null;
        foreach (var raw in lines)
        {
            var line = raw.Split('#', ';')[0].Trim();
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2)
                continue;
            if (fields[0] == "nameserver" && IPAddress.TryParse(fields[1].Split('%')[0], out var address))
                servers.Add(new IPEndPoint(address, 53));
            else if (fields[0] == "options")
            {
                foreach (var option in fields.Skip(1))
                {
                    if (option.StartsWith("timeout:", StringComparison.Ordinal) && int.TryParse(option[8..], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                        timeout = TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 30));
                    else if (option.StartsWith("attempts:", StringComparison.Ordinal) && int.TryParse(option[9..], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                        attempts = Math.Clamp(count, 1, 5);
                }
            }
        }
        return new ResolvConf(servers, timeout, attempts);
    }
}
