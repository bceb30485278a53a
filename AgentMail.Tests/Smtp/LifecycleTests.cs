using AgentMail.Tests.Smtp.Support;

namespace AgentMail.Tests.Smtp;

/// <summary>Sessions across a server shutdown, and the core's sign-in throttling as SMTP shows it.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task A_shutdown_tells_waiting_sessions_421_and_they_close()
    {
        var server = await SmtpTestServer.StartAsync();
        await using var c = await server.ConnectAsync(server.MxPort);
        await c.ReadReplyAsync();
        Assert.StartsWith("250-", await c.CommandAsync("EHLO client.test"));

        var stopping = server.DisposeAsync().AsTask();
        Assert.Equal($"421 4.3.2 {SmtpTestServer.Hostname} Service shutting down; try again later", await c.ReadReplyAsync());
        Assert.True((await c.WaitForCloseAsync()).Closed);
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task After_too_many_failures_for_an_address_even_the_right_password_gets_454_until_the_window_passes()
    {
        await using var server = await SmtpTestServer.StartAsync(new Dictionary<string, string?> { ["Authentication:MaxFailuresPerAddress"] = "4" });
        var grant = await server.CreateGrantAsync();
        for (var session = 0; session < 2; session++)
        {
            await using var c = await server.ConnectAsync(server.SubmissionsPort, implicitTls: true);
            await c.ReadReplyAsync();
            await c.CommandAsync("EHLO client.test");
            Assert.Equal("535 5.7.8 Authentication credentials invalid", await c.CommandAsync("AUTH PLAIN " + SmtpWire.Plain(grant.Email, "Wrong-Password-" + session)));
            Assert.Equal("535 5.7.8 Authentication credentials invalid", await c.CommandAsync("AUTH PLAIN " + SmtpWire.Plain(grant.Email, "Wrong-Password-x" + session)));
        }
        await using var last = await server.ConnectAsync(server.SubmissionsPort, implicitTls: true);
        await last.ReadReplyAsync();
        await last.CommandAsync("EHLO client.test");
        Assert.Equal("454 4.7.0 Too many failed authentication attempts; try again later", await last.CommandAsync("AUTH PLAIN " + SmtpWire.Plain(grant.Email, SmtpTestServer.AppPassword)));
    }
}
