extern alias smtp;

using System.Net;
using AgentMail.Tests.Smtp.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using smtp::AgentMail.Smtp.Dns;

namespace AgentMail.Tests.Smtp;

/// <summary>The MX lookup's own DNS client against a DNS server on loopback (UDP and TCP), and its wire format.</summary>
public sealed class DnsTests : IAsyncLifetime
{
    private readonly FakeDnsServer _dns = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _dns.DisposeAsync();

    private MxResolver Resolver(TimeSpan? timeout = null, params string[] servers) =>
        new(new DnsClient(Options.Create(new DnsOptions
        {
            Servers = servers.Length > 0 ? [.. servers] : [_dns.EndPoint],
            Timeout = timeout ?? TimeSpan.FromSeconds(2),
            Attempts = 1,
        }), NullLogger<DnsClient>.Instance));

    [Fact]
    public async Task MX_hosts_come_in_preference_order_with_their_addresses()
    {
        _dns.Mx("example.test", 20, "backup.example.test").Mx("example.test", 10, "mx1.example.test")
            .A("mx1.example.test", "192.0.2.1").A("backup.example.test", "192.0.2.2").Aaaa("backup.example.test", "2001:db8::2");

        var result = await Resolver().ResolveAsync("Example.Test", default);

        Assert.Equal(MxOutcome.Hosts, result.Outcome);
        Assert.Equal(["mx1.example.test", "backup.example.test"], result.Hosts.Select(h => h.Name));
        Assert.Equal([IPAddress.Parse("192.0.2.1")], result.Hosts[0].Addresses);
        Assert.Contains(IPAddress.Parse("192.0.2.2"), result.Hosts[1].Addresses);
    }

    [Fact]
    public async Task A_truncated_UDP_answer_is_asked_again_over_TCP()
    {
        _dns.Mx("big.test", 10, "mx.big.test").A("mx.big.test", "192.0.2.9").Truncate("big.test");

        var result = await Resolver().ResolveAsync("big.test", default);

        Assert.Equal("mx.big.test", Assert.Single(result.Hosts).Name);
        Assert.Equal(1, _dns.TcpQueries);
    }

    [Fact]
    public async Task An_answer_with_the_wrong_id_is_ignored_and_the_real_one_used()
    {
        _dns.Mx("spoofed.test", 10, "mx.spoofed.test").A("mx.spoofed.test", "192.0.2.7");
        _dns.SpoofedAnswersFirst = 1;

        var result = await Resolver().ResolveAsync("spoofed.test", default);

        Assert.Equal([IPAddress.Parse("192.0.2.7")], Assert.Single(result.Hosts).Addresses);
    }

    [Fact]
    public async Task Without_MX_the_domain_itself_is_the_implicit_MX()
    {
        _dns.A("plain.test", "192.0.2.5");
        var host = Assert.Single((await Resolver().ResolveAsync("plain.test", default)).Hosts);
        Assert.Equal(("plain.test", (ushort)0), (host.Name, host.Preference));
    }

    [Fact]
    public async Task NXDOMAIN_null_MX_and_no_answer_are_told_apart()
    {
        _dns.NxDomain("gone.test").Mx("nomail.test", 0, ".");
        var resolver = Resolver();
        Assert.Equal(MxOutcome.NoSuchDomain, (await resolver.ResolveAsync("gone.test", default)).Outcome);
        Assert.Equal(MxOutcome.NullMx, (await resolver.ResolveAsync("nomail.test", default)).Outcome);
        Assert.Equal(MxOutcome.NoSuchDomain, (await resolver.ResolveAsync("empty.test", default)).Outcome); // exists, no MX, no address

        // Nobody answers: temporary, within the timeout.
        var silent = Resolver(TimeSpan.FromMilliseconds(300), "127.0.0.1:9");
        var started = DateTime.UtcNow;
        Assert.Equal(MxOutcome.TemporaryFailure, (await silent.ResolveAsync("example.test", default)).Outcome);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Queries_are_RFC_1035_with_EDNS0_and_names_go_out_as_A_labels()
    {
        var query = DnsMessage.BuildQuery(0x1234, "Bücher.example", DnsRecordType.Mx);
        Assert.Equal(new byte[] { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1 }, query[..12]);
        Assert.Equal("\u000Dxn--bcher-kva\u0007example\u0000", System.Text.Encoding.ASCII.GetString(query, 12, 23));
        Assert.Equal(new byte[] { 0, 15, 0, 1, 0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0 }, query[35..]);
    }

    [Fact]
    public void Malformed_answers_are_refused_not_trusted()
    {
        // A name whose compression pointer points at itself.
        byte[] loop = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 15, 0, 1];
        Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(loop));
        // An answer whose data runs past the end.
        byte[] truncatedRecord = [0, 1, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 200, 1, 2];
        Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(truncatedRecord));
        Assert.Throws<DnsFormatException>(() => DnsMessage.Parse([1, 2, 3]));
    }

    [Fact]
    public void Resolv_conf_nameservers_and_options_are_read()
    {
        var conf = ResolvConf.Parse(["# comment", "nameserver 10.0.0.2", "nameserver fe80::1%eth0", "search example.com", "options timeout:3 attempts:4 rotate"]);
        Assert.Equal([new IPEndPoint(IPAddress.Parse("10.0.0.2"), 53), new IPEndPoint(IPAddress.Parse("fe80::1"), 53)], conf.Servers);
        Assert.Equal((TimeSpan.FromSeconds(3), 4), (conf.Timeout!.Value, conf.Attempts!.Value));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5353), DnsOptions.ParseEndPoint("127.0.0.1:5353"));
    }
}
