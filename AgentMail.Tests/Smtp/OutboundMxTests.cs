using System.Text;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Smtp.Support;

namespace AgentMail.Tests.Smtp;

/// <summary>
/// Without a relay, mail goes to each recipient domain's MX, found by our own DNS client: here a
/// DNS server on loopback names a real SMTP server on loopback (Node smtp-server, STARTTLS offered)
/// as the MX of remote.test; other domains do not exist or accept no mail.
/// </summary>
public sealed class OutboundMxTests(OutboundMxTests.Fixture fixture) : IClassFixture<OutboundMxTests.Fixture>
{
    private SmtpTestServer Server => fixture.Server;

    [Fact]
    public async Task Mail_goes_to_the_domains_MX_after_the_unreachable_preferred_one()
    {
        var grant = await Server.CreateGrantAsync();
        var subject = "direct " + Guid.NewGuid();
        var text = $"From: {grant.Email}\r\nTo: ann@remote.test\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@agentmail.test>\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\n\r\nHi Ann\r\n";
        await Server.SubmitOverSmtpAsync(grant, ["ann@remote.test"], text);

        var received = await fixture.Mx.WaitForMessageAsync(m => Encoding.UTF8.GetString(m.Bytes).Contains(subject));
        Assert.Equal(["ann@remote.test"], received.To);
        Assert.True(received.Tls); // STARTTLS offered, so used (opportunistic)
        Assert.Equal(text, Encoding.UTF8.GetString(received.Bytes)); // no DKIM key configured here: unchanged
        Assert.True(fixture.Dns.UdpQueries > 0);
        await SmtpTestServer.EventuallyAsync(async () => (await Server.Mailbox.EventsAsync(grant.Id)).Any(e => e.Type == "message.delivered"
            && System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.GetProperty("remote_mta").GetString() == "mx2.remote.test"), "delivered via mx2");
    }

    [Theory]
    [InlineData("someone@gone.test", "Status: 5.1.2", "does not exist (NXDOMAIN)")]
    [InlineData("someone@nomail.test", "Status: 5.1.10", "accepts no mail (null MX, RFC 7505)")]
    public async Task A_domain_that_cannot_receive_mail_bounces_at_once(string recipient, string status, string diagnostic)
    {
        var grant = await Server.CreateGrantAsync();
        await Server.SubmitOverSmtpAsync(grant, [recipient], $"From: {grant.Email}\r\nTo: {recipient}\r\nSubject: nowhere\r\n\r\nx\r\n");

        var inbox = await Server.Mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        await SmtpTestServer.EventuallyAsync(async () => (await Server.Mailbox.Messages.GetByUidsAsync(grant.Id, inbox.Id, [new UidRange(1, long.MaxValue)], default)).Count == 1, "the bounce");
        var bounce = Assert.Single(await Server.Mailbox.Messages.GetByUidsAsync(grant.Id, inbox.Id, [new UidRange(1, long.MaxValue)], default));
        var raw = Encoding.UTF8.GetString((await Server.Mailbox.Blobs.ReadAllAsync(bounce.BlobSha256, default))!);
        Assert.Contains(status + "\r\n", raw);
        Assert.Contains(diagnostic, raw);
        Assert.Equal(1, await Server.Mailbox.ScalarAsync<int>(
            "SELECT attempts FROM outbound_recipients r JOIN outbound_messages o ON o.id = r.outbound_id WHERE o.grant_id = $1", grant.Id));
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public SmtpTestServer Server { get; private set; } = null!;
        public NodeSmtpReceiver Mx { get; private set; } = null!;
        public FakeDnsServer Dns { get; } = new();

        public async Task InitializeAsync()
        {
            Mx = await NodeSmtpReceiver.StartAsync();
            // mx1 (preferred) has an address where nothing listens; mx2 is the receiver.
            Dns.Mx("remote.test", 10, "mx1.remote.test").Mx("remote.test", 20, "mx2.remote.test")
                .A("mx1.remote.test", "127.0.0.2").A("mx2.remote.test", "127.0.0.1")
                .NxDomain("gone.test").Mx("nomail.test", 0, ".");
            Server = await SmtpTestServer.StartAsync(new Dictionary<string, string?>
            {
                ["Smtp:Outbound:Enabled"] = "true",
                ["Smtp:Outbound:SweepInterval"] = "00:00:00.200",
                ["Smtp:Outbound:MxPort"] = Mx.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Smtp:Outbound:ConnectTimeout"] = "00:00:03",
                ["Smtp:Dns:Servers:0"] = Dns.EndPoint,
                ["Smtp:Dns:Timeout"] = "00:00:02",
            }, ownDatabase: true);
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            await Mx.DisposeAsync();
            await Dns.DisposeAsync();
        }
    }
}
