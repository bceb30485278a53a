using System.Text;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Smtp.Support;

namespace AgentMail.Tests.Smtp;

/// <summary>Two Smtp service replicas working one outbound queue: every recipient delivered exactly once.</summary>
public sealed class OutboundReplicaTests
{
    [Fact]
    public async Task Two_replicas_working_one_queue_deliver_every_message_once()
    {
        await using var relay = await NodeSmtpReceiver.StartAsync(starttls: false);
        var settings = new Dictionary<string, string?>
        {
            ["Smtp:Outbound:Enabled"] = "true",
            ["Smtp:Outbound:SweepInterval"] = "00:00:00.200",
            ["Smtp:Outbound:BatchSize"] = "3", // small claims, so both replicas get a share
            ["Smtp:Relay:Host"] = "127.0.0.1",
            ["Smtp:Relay:Port"] = relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Relay:Security"] = "None",
        };
        await using var first = await SmtpTestServer.StartAsync(settings, ownDatabase: true);
        await using var second = await SmtpTestServer.StartAsync(settings, database: first.Mailbox.ConnectionString);
        var grant = await first.CreateGrantAsync();

        const int count = 24;
        var subjects = Enumerable.Range(0, count).Select(i => $"replica {i} {Guid.NewGuid():N}").ToList();
        await Task.WhenAll(subjects.Select(async (subject, i) =>
        {
            var text = $"From: {grant.Email}\r\nTo: a@remote.test, b@remote.test\r\nSubject: {subject}\r\nMessage-ID: <r{i}-{Guid.NewGuid():N}@agentmail.test>\r\n\r\nbody {i}\r\n";
            // Half over SMTP to one replica, half as the API sends; both workers see every wake-up.
            if (i % 2 == 0)
                await second.SubmitOverSmtpAsync(grant, ["a@remote.test", "b@remote.test"], text);
            else
                await first.Mailbox.Messages.SubmitAsync(grant.Id, MessageContentReader.Read(Encoding.UTF8.GetBytes(text)), grant.Email, ["a@remote.test", "b@remote.test"], default);
        }));

        await SmtpTestServer.EventuallyAsync(async () => await first.Mailbox.ScalarAsync<long>(
            "SELECT count(*) FROM outbound_recipients r JOIN outbound_messages o ON o.id = r.outbound_id WHERE o.grant_id = $1 AND r.status = 'delivered'", grant.Id) == 2 * count,
            "every recipient delivered", TimeSpan.FromSeconds(60));
        await Task.Delay(500); // anything sent twice would arrive about now

        // Claims are per recipient, so a message's recipients may be split between claims (two
        // transactions); what must hold is that every recipient of every message got it exactly once.
        var received = relay.Messages()
            .SelectMany(m => m.To.Select(to => (Subject: System.Text.RegularExpressions.Regex.Match(Encoding.UTF8.GetString(m.Bytes), "Subject: (.*)\r\n").Groups[1].Value, To: to)))
            .Order().ToList();
        Assert.Equal(subjects.SelectMany(s => new[] { (s, "a@remote.test"), (s, "b@remote.test") }).Order(), received);
        Assert.Equal(2 * count, (await first.Mailbox.EventsAsync(grant.Id)).Count(e => e.Type == "message.delivered"));
        Assert.Equal(0L, await first.Mailbox.ScalarAsync<long>(
            "SELECT count(*) FROM outbound_recipients r JOIN outbound_messages o ON o.id = r.outbound_id WHERE o.grant_id = $1 AND r.attempts <> 1", grant.Id));
    }
}
