using System.Text;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Smtp.Support;

namespace AgentMail.Tests.Smtp;

/// <summary>
/// Hostile and broken input: each gets its reply code, nothing partial is stored or queued, and
/// the session (or at least the server) goes on serving. A server with a small size limit and
/// short timeouts, so the limits are reached quickly.
/// </summary>
public sealed class BadInputTests(BadInputTests.LimitsFixture fixture) : IClassFixture<BadInputTests.LimitsFixture>
{
    private SmtpTestServer Server => fixture.Server;
    private const string Host = SmtpTestServer.Hostname;
    private const int Limit = 4000;

    private async Task<(Grant Grant, SmtpWire Wire)> MxAsync()
    {
        var grant = await Server.CreateGrantAsync(withPassword: false);
        var c = await Server.ConnectAsync(Server.MxPort);
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO sender.example");
        Assert.Equal("250 2.1.0 Sender ok", await c.CommandAsync("MAIL FROM:<a@example.org>"));
        Assert.Equal("250 2.1.5 Recipient ok", await c.CommandAsync($"RCPT TO:<{grant.Email}>"));
        return (grant, c);
    }

    private async Task<int> InboxCountAsync(Grant grant)
    {
        var inbox = await Server.Mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        return (await Server.Mailbox.Messages.GetByUidsAsync(grant.Id, inbox.Id, [new UidRange(1, long.MaxValue)], default)).Count;
    }

    [Fact]
    public async Task A_command_line_over_1000_octets_is_refused_and_the_session_goes_on()
    {
        await using var c = await Server.ConnectAsync(Server.MxPort);
        await c.ReadReplyAsync();
        Assert.Equal("500 5.5.2 Line too long", await c.CommandAsync("EHLO " + new string('a', 995))); // 1001 octets with CRLF
        Assert.StartsWith("250-", await c.CommandAsync("EHLO " + new string('a', 250)));
        // Much longer than any buffer: discarded as it arrives.
        Assert.Equal("500 5.5.2 Line too long", await c.CommandAsync("NOOP " + new string('x', 300_000)));
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Bare_LF_NUL_and_invalid_UTF_8_in_commands_are_refused()
    {
        await using var c = await Server.ConnectAsync(Server.MxPort);
        await c.ReadReplyAsync();
        await c.SendAsync("NOOP\n");
        Assert.Equal("500 5.5.2 Syntax error: command lines must end with <CR><LF>", await c.ReadReplyAsync());
        await c.SendAsync("NO\0OP\r\n"u8.ToArray());
        Assert.Equal("500 5.5.2 Syntax error: NUL in command", await c.ReadReplyAsync());
        await c.SendAsync([.. "EHLO "u8.ToArray(), 0xFF, 0xFE, (byte)'\r', (byte)'\n']);
        Assert.Equal("500 5.5.2 Syntax error: invalid UTF-8 in command", await c.ReadReplyAsync());
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP"));
    }

    [Theory]
    [InlineData("<>")]
    [InlineData("<@>")]
    [InlineData("<a@>")]
    [InlineData("<@example.com>")]
    [InlineData("<a@b..example>")]
    [InlineData("<a b@example.com>")]
    [InlineData("<a@-b.example>")]
    [InlineData("<.a@example.com>")]
    [InlineData("<a..b@example.com>")]
    [InlineData("<a@example.com")]
    [InlineData("<a@example.com>junk")]
    [InlineData("<\"unterminated@example.com>")]
    [InlineData("<a@[999.1.1.1]>")]
    public async Task Invalid_recipient_addresses_get_501_5_1_3(string path)
    {
        var (_, c) = await MxAsync();
        await using (c)
        {
            Assert.Equal("501 5.1.3 Bad recipient address syntax", await c.CommandAsync($"RCPT TO:{path}"));
            Assert.Equal("250 2.0.0 Reset state", await c.CommandAsync("RSET"));
            if (path != "<>") // the null reverse-path is a valid sender
                Assert.Equal("501 5.1.7 Bad sender address syntax", await c.CommandAsync($"MAIL FROM:{path}"));
        }
    }

    [Fact]
    public async Task Local_parts_and_domains_longer_than_RFC_5321_allows_are_refused()
    {
        var (_, c) = await MxAsync();
        await using (c)
        {
            Assert.Equal("501 5.1.3 Bad recipient address syntax", await c.CommandAsync($"RCPT TO:<{new string('a', 65)}@example.com>"));
            Assert.Equal("501 5.1.3 Bad recipient address syntax", await c.CommandAsync($"RCPT TO:<a@{new string('b', 64)}.example>"));
            Assert.Equal("550 5.1.1 <\"quoted local\"@example.com>: Recipient address rejected: no such mailbox here", await c.CommandAsync("RCPT TO:<\"quoted local\"@example.com>"));
            Assert.Equal("550 5.1.1 <a@[192.0.2.1]>: Recipient address rejected: no such mailbox here", await c.CommandAsync("RCPT TO:<a@[192.0.2.1]>"));
            Assert.Equal("550 5.1.1 <user@example.com>: Recipient address rejected: no such mailbox here", await c.CommandAsync("RCPT TO:<@relay.example,@other.example:user@example.com>")); // source route dropped
        }
    }

    [Fact]
    public async Task DATA_with_bare_LF_is_read_to_its_real_end_refused_and_nothing_smuggled_is_executed()
    {
        var (grant, c) = await MxAsync();
        await using (c)
        {
            Assert.Equal("354 End data with <CR><LF>.<CR><LF>", await c.CommandAsync("DATA"));
            // The SMTP smuggling pattern: "\n.\n" followed by a second transaction, inside one DATA.
            await c.SendAsync($"Subject: first\r\n\r\nbody\n.\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<{grant.Email}>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n");
            Assert.Equal("554 5.6.0 Message must use <CR><LF> line endings: bare <CR> or <LF> found (RFC 5321 section 2.3.8); nothing stored", await c.ReadReplyAsync());
            Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP")); // the smuggled commands were message text, not commands
            Assert.Equal(0, await InboxCountAsync(grant));
        }
    }

    [Fact]
    public async Task DATA_with_a_bare_CR_or_NUL_is_refused_and_nothing_stored()
    {
        var (grant, c) = await MxAsync();
        await using (c)
        {
            await c.CommandAsync("DATA");
            Assert.Equal("554 5.6.0 Message must use <CR><LF> line endings: bare <CR> or <LF> found (RFC 5321 section 2.3.8); nothing stored",
                await c.CommandAsync("Subject: cr\r\n\r\nbody\r.\r\nmore\r\n."));
            await c.CommandAsync("MAIL FROM:<a@example.org>");
            await c.CommandAsync($"RCPT TO:<{grant.Email}>");
            await c.CommandAsync("DATA");
            await c.SendAsync("Subject: nul\r\n\r\nbo\0dy\r\n.\r\n"u8.ToArray());
            Assert.Equal("554 5.6.0 Message contains NUL octets; nothing stored", await c.ReadReplyAsync());
            Assert.Equal(0, await InboxCountAsync(grant));
        }
    }

    [Fact]
    public async Task A_message_over_the_limit_is_refused_after_DATA_naming_the_maximum_and_nothing_is_stored()
    {
        var (grant, c) = await MxAsync();
        await using (c)
        {
            await c.CommandAsync("DATA");
            var body = string.Concat(Enumerable.Repeat(new string('x', 78) + "\r\n", 2 * Limit / 80));
            Assert.Equal($"552 5.3.4 Message size exceeds fixed maximum message size of {Limit} bytes", await c.CommandAsync($"Subject: big\r\n\r\n{body}."));
            Assert.Equal(0, await InboxCountAsync(grant));
        }
        // Exactly at the limit is fine (submission: a message with Date and Message-ID is stored unchanged).
        var sender = await Server.CreateGrantAsync();
        await using var submission = await Server.SignInAsync(sender);
        await submission.CommandAsync($"MAIL FROM:<{sender.Email}>");
        await submission.CommandAsync("RCPT TO:<x@example.com>");
        await submission.CommandAsync("DATA");
        var header = $"Date: Sat, 21 Nov 2026 10:00:00 +0000\r\nMessage-ID: <exact@example.com>\r\nSubject: exact\r\n\r\n";
        var exact = header + new string('y', Limit - header.Length - 2) + "\r\n";
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await submission.CommandAsync(exact + "."));
    }

    [Fact]
    public async Task An_oversized_BDAT_chunk_is_read_refused_and_later_chunks_get_503_until_RSET()
    {
        var (grant, c) = await MxAsync();
        await using (c)
        {
            var chunk = new string('z', Limit + 10);
            await c.SendAsync($"BDAT {chunk.Length}\r\n{chunk}BDAT 5\r\nabcdeBDAT 3 LAST\r\nxyz");
            Assert.Equal($"552 5.3.4 Message size exceeds fixed maximum message size of {Limit} bytes", await c.ReadReplyAsync());
            Assert.Equal("503 5.5.1 An earlier BDAT chunk was rejected; send RSET", await c.ReadReplyAsync());
            Assert.Equal("503 5.5.1 An earlier BDAT chunk was rejected; send RSET", await c.ReadReplyAsync());
            Assert.Equal("503 5.5.1 Need MAIL command", await c.CommandAsync("RCPT TO:<x@example.org>")); // LAST ended the transaction
            Assert.Equal(0, await InboxCountAsync(grant));
        }
    }

    [Fact]
    public async Task BDAT_data_is_consumed_even_when_the_command_is_out_of_order()
    {
        await using var c = await Server.ConnectAsync(Server.MxPort);
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO sender.example");
        await c.SendAsync("BDAT 12 LAST\r\nNOOP\r\nNOOP\r\n");
        Assert.Equal("503 5.5.1 Need MAIL command", await c.ReadReplyAsync());
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP")); // the 12 octets were data, not two NOOPs
        Assert.Equal("501 5.5.4 Syntax: BDAT <size> [LAST]", await c.CommandAsync("BDAT lots"));
    }

    [Fact]
    public async Task A_DATA_that_never_ends_times_out_with_421_and_stores_nothing()
    {
        var (grant, c) = await MxAsync();
        await using (c)
        {
            await c.CommandAsync("DATA");
            await c.SendAsync("Subject: never ends\r\n\r\npartial body without the final dot\r\n");
            Assert.Equal($"421 4.4.2 {Host} Error: timeout exceeded", await c.ReadReplyAsync());
            Assert.True((await c.WaitForCloseAsync()).Closed);
            Assert.Equal(0, await InboxCountAsync(grant));
        }
    }

    [Fact]
    public async Task A_DATA_that_trickles_forever_ends_at_the_transfer_limit()
    {
        var (grant, c) = await MxAsync();
        await using (c)
        {
            await c.CommandAsync("DATA");
            var reply = Task.Run(c.ReadReplyAsync);
            // One line every 300 ms: never idle for the data timeout, but longer than the transfer may take.
            for (var i = 0; i < 30 && !reply.IsCompleted; i++)
            {
                try
                {
                    await c.SendAsync("trickle\r\n");
                }
                catch (IOException)
                {
                    break;
                }
                await Task.Delay(300);
            }
            Assert.Equal($"421 4.4.2 {Host} Error: timeout exceeded", await reply);
            Assert.Equal(0, await InboxCountAsync(grant));
        }
    }

    [Fact]
    public async Task An_idle_session_is_closed_after_the_command_timeout()
    {
        await using var c = await Server.ConnectAsync(Server.MxPort);
        await c.ReadReplyAsync();
        Assert.Equal($"421 4.4.2 {Host} Error: timeout exceeded", await c.ReadReplyAsync());
        Assert.True((await c.WaitForCloseAsync()).Closed);
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_DATA_leaves_nothing_and_the_server_serves_others()
    {
        var (grant, c) = await MxAsync();
        await c.CommandAsync("DATA");
        await c.SendAsync("Subject: cut\r\n\r\nhalf a mess");
        await c.DisposeAsync();

        var (_, other) = await MxAsync();
        await using (other)
        {
            await other.CommandAsync("DATA");
            Assert.Equal("250 2.0.0 Ok: delivered", await other.CommandAsync("Subject: whole\r\n\r\nok\r\n."));
        }
        Assert.Equal(0, await InboxCountAsync(grant));
    }

    [Fact]
    public async Task A_thousand_pipelined_RCPTs_get_100_accepted_then_452_and_the_message_goes_to_the_first_100()
    {
        var grant = await Server.CreateGrantAsync();
        await using var c = await Server.SignInAsync(grant);
        var commands = new StringBuilder($"MAIL FROM:<{grant.Email}>\r\n");
        for (var i = 0; i < 1000; i++)
            commands.Append($"RCPT TO:<r{i}@example.com>\r\n");
        await c.SendAsync(commands.ToString());

        Assert.Equal("250 2.1.0 Sender ok", await c.ReadReplyAsync());
        for (var i = 0; i < 1000; i++)
            Assert.Equal(i < 100 ? "250 2.1.5 Recipient ok" : "452 4.5.3 Too many recipients", await c.ReadReplyAsync());
        Assert.Equal("354 End data with <CR><LF>.<CR><LF>", await c.CommandAsync("DATA"));
        var queued = await c.CommandAsync($"From: {grant.Email}\r\nSubject: many\r\n\r\nhi\r\n.");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", queued);
        Assert.Equal(100L, await Server.Mailbox.ScalarAsync<long>("SELECT count(*) FROM outbound_recipients WHERE outbound_id = $1", Guid.ParseExact(queued[^32..], "N")));
    }

    [Fact]
    public async Task Twenty_errors_end_the_session_with_421()
    {
        await using var c = await Server.ConnectAsync(Server.MxPort);
        await c.ReadReplyAsync();
        for (var i = 0; i < 19; i++)
            Assert.Equal("500 5.5.2 Syntax error, command unrecognized", await c.CommandAsync("GARBAGE"));
        Assert.Equal("500 5.5.2 Syntax error, command unrecognized", await c.CommandAsync("GARBAGE"));
        Assert.Equal($"421 4.7.0 {Host} Error: too many errors", await c.ReadReplyAsync());
        Assert.True((await c.WaitForCloseAsync()).Closed);
    }

    [Fact]
    public async Task Pipelined_commands_are_answered_in_order_in_one_go()
    {
        var grant = await Server.CreateGrantAsync(withPassword: false);
        await using var c = await Server.ConnectAsync(Server.MxPort);
        await c.ReadReplyAsync();
        await c.SendAsync($"EHLO sender.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<nobody@agentmail.test>\r\nRCPT TO:<{grant.Email}>\r\nDATA\r\n");
        Assert.StartsWith($"250-{Host} Hello sender.example", await c.ReadReplyAsync());
        Assert.Equal("250 2.1.0 Sender ok", await c.ReadReplyAsync());
        Assert.StartsWith("550 5.1.1 ", await c.ReadReplyAsync());
        Assert.Equal("250 2.1.5 Recipient ok", await c.ReadReplyAsync());
        Assert.Equal("354 End data with <CR><LF>.<CR><LF>", await c.ReadReplyAsync());
        await c.SendAsync("Subject: pipelined\r\n\r\n.\r\nQUIT\r\n");
        Assert.Equal("250 2.0.0 Ok: delivered", await c.ReadReplyAsync());
        Assert.Equal($"221 2.0.0 {Host} closing connection", await c.ReadReplyAsync());
        Assert.Equal(1, await InboxCountAsync(grant));
    }

    public sealed class LimitsFixture : IAsyncLifetime
    {
        public SmtpTestServer Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await SmtpTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Mailbox:MaxMessageBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:CommandTimeout"] = "00:00:02",
            ["Smtp:DataTimeout"] = "00:00:01",
            ["Smtp:MaxDataDuration"] = "00:00:03",
        });

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }
}
