using AgentMail.Tests.Imap.Support;

namespace AgentMail.Tests.Imap;

/// <summary>
/// Not a test: with AGENTMAIL_IMAP_DEV_SERVER=&lt;seconds&gt; it keeps a test server running, with a
/// grant holding three messages, and prints how to reach it — for trying clients by hand.
/// </summary>
public sealed class DevServer
{
    [Fact]
    public async Task Run_a_server_for_manual_testing_when_asked()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("AGENTMAIL_IMAP_DEV_SERVER"), out var seconds)) return;
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync("dev");
        for (var i = 1; i <= 3; i++) await server.DeliverAsync(grant, $"Message {i}");
        File.WriteAllText("/tmp/imapdev.txt", $"IMAPS={server.ImapsPort}\nIMAP={server.ImapPort}\nCA={server.CertificatePath}\nUSER={grant.Email}\nPASS={ImapTestServer.Password}\nGRANT={grant.Id}\nDB={server.Mailbox.ConnectionString}\n");
        await Task.Delay(TimeSpan.FromSeconds(seconds));
    }
}
