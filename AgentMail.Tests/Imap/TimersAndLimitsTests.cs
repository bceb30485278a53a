using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Imap.Support;
using AgentMail.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMail.Tests.Imap;

/// <summary>
/// Timers (IDLE keepalive, IDLE's end, autologout), credential rotation, the change poll that
/// covers lost notifications, and the per-grant connection limit — on a server whose timers are
/// shortened (the same code, other configuration values).
/// </summary>
public sealed class TimersAndLimitsTests(TimersAndLimitsTests.FastServer fixture) : IClassFixture<TimersAndLimitsTests.FastServer>
{
    public sealed class FastServer : IAsyncLifetime
    {
        public ImapTestServer Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await ImapTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Imap:IdleKeepaliveInterval"] = "00:00:00.300",
            ["Imap:MaxIdleDuration"] = "00:00:02",
            ["Imap:InactivityTimeout"] = "00:00:01",
            ["Imap:UnauthenticatedTimeout"] = "00:00:01",
            ["Imap:ChangePollInterval"] = "00:00:00.400",
            ["Imap:ConnectionLeaseTtl"] = "00:00:03",
        });

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    private ImapTestServer Server => fixture.Server;

    [Fact]
    public async Task IDLE_sends_Still_here_keepalives_and_is_ended_by_the_server_after_its_maximum()
    {
        var grant = await Server.CreateAccountAsync();
        await using var wire = await Server.ConnectAsync(grant);
        await wire.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await wire.ReadLineAsync());
        Assert.Equal("* OK Still here", await wire.ReadLineAsync());
        Assert.Equal("* OK Still here", await wire.ReadLineAsync());
        var rest = await wire.ReadUntilAsync(l => l.StartsWith("i ", StringComparison.Ordinal));
        Assert.All(rest[..^1], l => Assert.Equal("* OK Still here", l));
        Assert.Equal("i OK IDLE ended by the server after 2 seconds; issue IDLE again", rest[^1]);
        // The DONE the client sends when it notices is not a command.
        await wire.SendAsync("DONE\r\n");
        Assert.Equal(["n OK NOOP completed"], await wire.CommandAsync("n", "NOOP"));
    }

    [Fact]
    public async Task A_connection_without_commands_is_closed_with_BYE()
    {
        var grant = await Server.CreateAccountAsync();
        await using (var wire = await Server.ConnectAsync(grant))
        {
            Assert.Equal("* BYE Autologout: no command for 1 second", await wire.ReadLineAsync());
            Assert.True(await wire.IsClosedAsync());
        }
        await using (var anonymous = await ImapWire.ConnectAsync(Server.ImapsPort, tls: true))
        {
            await anonymous.ReadLineAsync();
            Assert.Equal("* BYE Autologout: no command for 1 second", await anonymous.ReadLineAsync());
        }
    }

    [Fact]
    public async Task Rotating_the_app_password_ends_every_session_at_its_next_command_and_an_idling_one_at_once()
    {
        var grant = await Server.CreateAccountAsync();
        await using var busy = await Server.ConnectAsync(grant);
        await using var idle = await Server.ConnectAsync(grant);
        await idle.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await idle.ReadLineAsync());
        await busy.ExpectOkAsync("s", "SELECT INBOX");

        await Server.Mailbox.Grants.UpdateAsync(grant.Id, new GrantUpdate { AppPassword = "Rotated-Password-777" }, CancellationToken.None);

        var bye = "* BYE [AUTHENTICATIONFAILED] The account's app password changed or the account was removed; sign in again";
        Assert.Equal(bye, (await idle.ReadUntilAsync(l => l.StartsWith("* BYE", StringComparison.Ordinal)))[^1]);
        Assert.True(await idle.IsClosedAsync());
        Assert.Equal([bye], await ReadAllAsync(busy, "n NOOP"));
        Assert.True(await busy.IsClosedAsync());
        // The old password is refused from now on.
        await using var again = await ImapWire.ConnectAsync(Server.ImapsPort, tls: true);
        await again.ReadLineAsync();
        Assert.Equal(["l NO [AUTHENTICATIONFAILED] Invalid credentials"], await again.CommandAsync("l", $"LOGIN {grant.Email} {ImapTestServer.Password}"));
    }

    private static async Task<List<string>> ReadAllAsync(ImapWire wire, string command)
    {
        await wire.SendAsync(command + "\r\n");
        var lines = new List<string>();
        try
        {
            while (true) lines.Add(await wire.ReadLineAsync());
        }
        catch (EndOfStreamException)
        {
        }
        catch (IOException)
        {
        }
        return lines;
    }

    [Fact]
    public async Task Changes_whose_notification_is_lost_still_arrive_by_the_poll()
    {
        var grant = await Server.CreateAccountAsync();
        var message = await Server.DeliverAsync(grant, "poll me");
        var servers = await TestServers.GetAsync();
        // Another replica whose Redis is unreachable: its commits publish nothing.
        await using var deaf = await MailboxHarness.CreateAsync(Server.Mailbox.ConnectionString, "127.0.0.1:1,connectTimeout=200");
        await using var wire = await Server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        var idle = new IdlingClient(wire);
        await idle.StartAsync();

        // The client keeps reading (and re-issuing IDLE) while the deaf replica commits, as a real
        // client would: that replica's attempts to reach Redis can outlast the short IDLE limit.
        var flagged = idle.WaitForAsync(l => l.Contains("FETCH", StringComparison.Ordinal));
        await deaf.Messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(message.Id), FlagChange.Add(MessageFlags.Flagged));
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Flagged))", await flagged);

        var bye = idle.WaitForAsync(l => l.StartsWith("* BYE", StringComparison.Ordinal));
        await deaf.Grants.UpdateAsync(grant.Id, new GrantUpdate { RemoveAppPassword = true }, CancellationToken.None);
        Assert.StartsWith("* BYE [AUTHENTICATIONFAILED]", await bye);
        Assert.NotNull(servers);
    }

    [Fact]
    public async Task Twenty_connections_per_grant_the_twenty_first_gets_BYE_LIMIT_and_older_ones_keep_working()
    {
        var grant = await Server.CreateAccountAsync();
        var open = new List<ImapWire>();
        try
        {
            for (var i = 0; i < 20; i++) open.Add(await Server.ConnectAsync(grant));
            await using var extra = await ImapWire.ConnectAsync(Server.ImapsPort, tls: true);
            await extra.ReadLineAsync();
            Assert.Equal([
                "* BYE [LIMIT] Too many connections for this account (the limit is 20); close another one and retry",
                "x NO [LIMIT] Too many connections for this account (the limit is 20); close another one and retry"],
                await ReadAllAsync(extra, $"x LOGIN {grant.Email} {ImapTestServer.Password}"));
            // CLIENTS.md 17: the older connections are untouched.
            Assert.Equal(["a OK NOOP completed"], await open[0].CommandAsync("a", "NOOP"));
            // Closing one frees its slot at once.
            await open[^1].CommandAsync("z", "LOGOUT");
            await open[^1].DisposeAsync();
            open.RemoveAt(open.Count - 1);
            await using var replacement = await Server.ConnectAsync(grant);
            Assert.Equal(["b OK NOOP completed"], await replacement.CommandAsync("b", "NOOP"));
        }
        finally
        {
            foreach (var wire in open) await wire.DisposeAsync();
        }
    }

    [Fact]
    public async Task Slots_held_by_a_dead_replica_expire()
    {
        var grant = await Server.CreateAccountAsync();
        var redis = Server.Mailbox.Redis;
        var key = $"agentmail:imap:connections:{grant.Id:N}";
        for (var i = 0; i < 20; i++)
            Assert.Equal(AgentMail.Mailbox.Redis.LeaseResult.Acquired, await redis.TryAcquireLeaseAsync(key, $"dead-replica:{i}", 20, TimeSpan.FromSeconds(1)));
        await using (var refused = await ImapWire.ConnectAsync(Server.ImapsPort, tls: true))
        {
            await refused.ReadLineAsync();
            Assert.Equal("* BYE [LIMIT] Too many connections for this account (the limit is 20); close another one and retry",
                (await ReadAllAsync(refused, $"x LOGIN {grant.Email} {ImapTestServer.Password}"))[0]);
        }
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await using var accepted = await Server.ConnectAsync(grant);
        Assert.Equal(["n OK NOOP completed"], await accepted.CommandAsync("n", "NOOP"));
    }

    [Fact]
    public async Task A_deleted_grant_or_a_deleted_selected_mailbox_ends_the_session()
    {
        var grant = await Server.CreateAccountAsync();
        await using (var wire = await Server.ConnectAsync(grant))
        {
            await wire.ExpectOkAsync("c", "CREATE Doomed");
            await wire.ExpectOkAsync("s", "SELECT Doomed");
            await using var other = await Server.ConnectAsync(grant);
            await other.ExpectOkAsync("d", "DELETE Doomed");
            Assert.Equal(["* BYE [NONEXISTENT] The selected mailbox was deleted"], await ReadAllAsync(wire, "n NOOP"));
        }
        await using (var wire = await Server.ConnectAsync(grant))
        {
            await Server.Mailbox.Grants.DeleteAsync(grant.Id, CancellationToken.None);
            // The session learns of the deletion from the change notification (or the 0.4 s poll); a NOOP
            // sent before that arrives still completes, so give it the time a loaded machine needs.
            await Task.Delay(300);
            Assert.StartsWith("* BYE [AUTHENTICATIONFAILED]", (await ReadAllAsync(wire, "n NOOP"))[0]);
        }
    }

    /// <summary>
    /// Stays in IDLE as a real client does: when this server's 2-second IDLE limit ends it, IDLE
    /// again at once, so a slow machine cannot turn the short test timers into a lost push.
    /// </summary>
    private sealed class IdlingClient(ImapWire wire)
    {
        private readonly Queue<string> _early = new();
        private int _round;

        public async Task StartAsync()
        {
            await wire.SendAsync($"i{++_round} IDLE\r\n");
            // Updates that were pending may come before the continuation; keep them for WaitForAsync.
            foreach (var line in await wire.ReadUntilAsync(l => l == "+ idling")) if (line != "+ idling") _early.Enqueue(line);
        }

        public async Task<string> WaitForAsync(Func<string, bool> match)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                var line = _early.Count > 0 ? _early.Dequeue() : await wire.ReadLineAsync().WaitAsync(deadline.Token);
                if (match(line)) return line;
                if (line.StartsWith($"i{_round} OK IDLE ended by the server", StringComparison.Ordinal))
                {
                    await wire.SendAsync("DONE\r\n");   // what the client sends when it notices; not a command
                    await StartAsync();
                }
                else
                {
                    Assert.Equal("* OK Still here", line);
                }
            }
        }
    }
}
