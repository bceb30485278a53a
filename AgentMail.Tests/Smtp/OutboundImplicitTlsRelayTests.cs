using System.Text;
using AgentMail.Tests.Smtp.Support;

namespace AgentMail.Tests.Smtp;

/// <summary>A relay on implicit TLS (port 465 style, RFC 8314) without AUTH; and a relay that refuses our login keeps mail queued, not bounced.</summary>
public sealed class OutboundImplicitTlsRelayTests
{
    [Fact]
    public async Task A_relay_with_implicit_TLS_gets_the_message_over_TLS()
    {
        await using var relay = await NodeSmtpReceiver.StartAsync(secure: true);
        await using var server = await SmtpTestServer.StartAsync(Settings(relay, "ImplicitTls"), ownDatabase: true);
        var grant = await server.CreateGrantAsync();
        var subject = "implicit " + Guid.NewGuid();

        await server.SubmitOverSmtpAsync(grant, ["eve@remote.test"], $"From: {grant.Email}\r\nTo: eve@remote.test\r\nSubject: {subject}\r\n\r\nx\r\n");

        var received = await relay.WaitForMessageAsync(m => Encoding.UTF8.GetString(m.Bytes).Contains(subject));
        Assert.True(received.Tls);
        Assert.Null(received.User);
    }

    [Fact]
    public async Task A_relay_that_refuses_our_credentials_defers_instead_of_bouncing()
    {
        await using var relay = await NodeSmtpReceiver.StartAsync(auth: ("right", "credentials"));
        var settings = Settings(relay, "StartTls");
        settings["Smtp:Relay:Username"] = "wrong";
        settings["Smtp:Relay:Password"] = "credentials";
        await using var server = await SmtpTestServer.StartAsync(settings, ownDatabase: true);
        var grant = await server.CreateGrantAsync();

        await server.SubmitOverSmtpAsync(grant, ["eve@remote.test"], $"From: {grant.Email}\r\nTo: eve@remote.test\r\nSubject: x\r\n\r\nx\r\n");

        await SmtpTestServer.EventuallyAsync(async () => await server.Mailbox.ScalarAsync<int>(
            "SELECT attempts FROM outbound_recipients r JOIN outbound_messages o ON o.id = r.outbound_id WHERE o.grant_id = $1", grant.Id) >= 1, "an attempt");
        Assert.Equal("queued", await server.Mailbox.ScalarAsync<string>(
            "SELECT status FROM outbound_recipients r JOIN outbound_messages o ON o.id = r.outbound_id WHERE o.grant_id = $1", grant.Id));
        Assert.StartsWith("451 4.7.0 relay 127.0.0.1 refused our login: 535", await server.Mailbox.ScalarAsync<string>(
            "SELECT last_response FROM outbound_recipients r JOIN outbound_messages o ON o.id = r.outbound_id WHERE o.grant_id = $1", grant.Id));
        Assert.Empty(relay.Messages());
    }

    private static Dictionary<string, string?> Settings(NodeSmtpReceiver relay, string security) => new()
    {
        ["Smtp:Outbound:Enabled"] = "true",
        ["Smtp:Outbound:SweepInterval"] = "00:00:00.200",
        ["Smtp:Outbound:RetryInitialDelay"] = "00:01:00",
        ["Smtp:Relay:Host"] = "127.0.0.1",
        ["Smtp:Relay:Port"] = relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:Relay:Security"] = security,
        ["Smtp:Relay:ValidateCertificate"] = "false",
    };
}
