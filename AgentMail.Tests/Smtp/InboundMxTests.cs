using System.Text;
using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Smtp.Support;

namespace AgentMail.Tests.Smtp;

/// <summary>Port 25: other servers deliver to grants of this deployment — transcripts, storage, Received, events, IDLE push.</summary>
public sealed class InboundMxTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private SmtpTestServer Server => fixture.Server;
    private const string Host = SmtpTestServer.Hostname;

    private async Task<SmtpWire> HelloAsync()
    {
        var c = await Server.ConnectAsync(Server.MxPort);
        Assert.Equal($"220 {Host} ESMTP AgentMail", await c.ReadReplyAsync());
        await c.CommandAsync("EHLO sender.example");
        return c;
    }

    private async Task<IReadOnlyList<MessageRecord>> InboxAsync(Grant grant)
    {
        var inbox = await Server.Mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        return await Server.Mailbox.Messages.GetByUidsAsync(grant.Id, inbox.Id, [new UidRange(1, long.MaxValue)], default);
    }

    private async Task<string> RawAsync(MessageRecord message) =>
        Encoding.UTF8.GetString((await Server.Mailbox.Blobs.ReadAllAsync(message.BlobSha256, default))!);

    [Fact]
    public async Task MX_offers_STARTTLS_and_never_AUTH()
    {
        await using var c = await Server.ConnectAsync(Server.MxPort);
        await c.ReadReplyAsync();
        Assert.Equal(
            $"250-{Host} Hello sender.example\n250-PIPELINING\n250-SIZE 26214400\n250-8BITMIME\n250-ENHANCEDSTATUSCODES\n250-SMTPUTF8\n250-CHUNKING\n250 STARTTLS",
            await c.CommandAsync("EHLO sender.example"));
        Assert.Equal("502 5.5.1 AUTH not available on this port; use submission (465 or 587)", await c.CommandAsync("AUTH PLAIN " + SmtpWire.Plain("a@b.test", "x")));
        Assert.Equal("220 2.0.0 Ready to start TLS", await c.StartTlsAsync());
        Assert.Equal(
            $"250-{Host} Hello sender.example\n250-PIPELINING\n250-SIZE 26214400\n250-8BITMIME\n250-ENHANCEDSTATUSCODES\n250-SMTPUTF8\n250 CHUNKING",
            await c.CommandAsync("EHLO sender.example"));
        Assert.Equal("502 5.5.1 AUTH not available on this port; use submission (465 or 587)", await c.CommandAsync("AUTH LOGIN"));
    }

    [Fact]
    public async Task Only_addresses_of_grants_here_are_accepted()
    {
        var grant = await Server.CreateGrantAsync(withPassword: false);
        await using var c = await HelloAsync();
        Assert.Equal("250 2.1.0 Sender ok", await c.CommandAsync("MAIL FROM:<>")); // bounces come with the null sender
        Assert.Equal("550 5.1.1 <nobody@agentmail.test>: Recipient address rejected: no such mailbox here", await c.CommandAsync("RCPT TO:<nobody@agentmail.test>"));
        Assert.Equal("550 5.1.1 <postmaster>: Recipient address rejected: no such mailbox here", await c.CommandAsync("RCPT TO:<Postmaster>"));
        Assert.Equal("550 5.1.1 <someone@elsewhere.example>: Recipient address rejected: no such mailbox here", await c.CommandAsync("RCPT TO:<someone@elsewhere.example>"));
        Assert.Equal("554 5.5.1 No valid recipients", await c.CommandAsync("DATA"));
        Assert.Equal("503 5.5.1 Sender already specified", await c.CommandAsync("MAIL FROM:<sender@example.org>"));
        Assert.Equal("250 2.0.0 Reset state", await c.CommandAsync("RSET"));
        Assert.Equal("250 2.1.0 Sender ok", await c.CommandAsync("MAIL FROM:<sender@example.org>"));
        Assert.Equal("250 2.1.5 Recipient ok", await c.CommandAsync($"RCPT TO:<{grant.Email.ToUpperInvariant()}>"));
    }

    [Fact]
    public async Task A_message_lands_in_the_grants_INBOX_with_a_Received_field_fires_message_created_and_wakes_IDLE()
    {
        var grant = await Server.CreateGrantAsync(withPassword: false);
        var inbox = await Server.Mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var pushed = new TaskCompletionSource<MailboxChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Another process's view (the harness has its own change feed): what an IMAP replica hears through Redis.
        await using var subscription = await Server.Mailbox.Changes.SubscribeAsync(grant.Id, change =>
        {
            if (change.Kind == ChangeKind.Messages && change.FolderId == inbox.Id)
                pushed.TrySetResult(change);
        });
        var message = $"From: Sender <sender@example.org>\r\nTo: {grant.Email}\r\nSubject: inbound\r\nMessage-ID: <in-{Guid.NewGuid():N}@example.org>\r\n\r\nHello agent.\r\n";

        await using var c = await HelloAsync();
        Assert.Equal("250 2.1.0 Sender ok", await c.CommandAsync("MAIL FROM:<sender@example.org> SIZE=120 BODY=8BITMIME"));
        Assert.Equal("250 2.1.5 Recipient ok", await c.CommandAsync($"RCPT TO:<{grant.Email}>"));
        Assert.Equal("354 End data with <CR><LF>.<CR><LF>", await c.CommandAsync("DATA"));
        Assert.Equal("250 2.0.0 Ok: delivered", await c.CommandAsync(message + "."));

        var stored = Assert.Single(await InboxAsync(grant));
        var raw = await RawAsync(stored);
        Assert.EndsWith(message, raw);
        var received = raw[..^message.Length].Replace("\r\n ", " ");
        Assert.Matches($"^Received: from sender\\.example \\(\\[127\\.0\\.0\\.1\\]\\) by {Host} \\(AgentMail\\) with ESMTP id [0-9a-f]{{16}} for <{grant.Email}>; [A-Z][a-z]{{2}}, \\d{{1,2}} [A-Z][a-z]{{2}} \\d{{4}} \\d\\d:\\d\\d:\\d\\d [+-]\\d{{4}}\r\n$", received);
        Assert.True(stored.Unread);
        Assert.Contains(await Server.Mailbox.EventsAsync(grant.Id), e => e.Type == "message.created" && e.ObjectId == stored.Id.ToString());
        Assert.Equal(stored.ModSeq, (await pushed.Task.WaitAsync(TimeSpan.FromSeconds(10))).ModSeq);
    }

    [Fact]
    public async Task Several_recipients_here_each_get_their_own_copy_and_a_second_delivery_is_not_deduplicated()
    {
        var first = await Server.CreateGrantAsync(withPassword: false);
        var second = await Server.CreateGrantAsync(withPassword: false);
        var message = $"From: list@example.org\r\nTo: team@example.org\r\nSubject: to both\r\nMessage-ID: <same-{Guid.NewGuid():N}@example.org>\r\n\r\nHi.\r\n";

        await using var c = await HelloAsync();
        Assert.Equal("220 2.0.0 Ready to start TLS", await c.StartTlsAsync());
        await c.CommandAsync("EHLO sender.example");
        for (var round = 0; round < 2; round++)
        {
            await c.CommandAsync("MAIL FROM:<list@example.org>");
            Assert.Equal("250 2.1.5 Recipient ok", await c.CommandAsync($"RCPT TO:<{first.Email}>"));
            Assert.Equal("250 2.1.5 Recipient ok", await c.CommandAsync($"RCPT TO:<{second.Email}>"));
            Assert.Equal("250 2.1.5 Recipient ok", await c.CommandAsync($"RCPT TO:<{first.Email}>")); // listed twice, one copy
            await c.CommandAsync("DATA");
            Assert.Equal("250 2.0.0 Ok: delivered to 2 mailboxes", await c.CommandAsync(message + "."));
        }

        foreach (var grant in new[] { first, second })
        {
            var copies = await InboxAsync(grant);
            Assert.Equal(2, copies.Count); // a list copy and a direct copy are both real: no Message-ID dedup inbound
            foreach (var copy in copies)
            {
                var raw = (await RawAsync(copy)).Replace("\r\n ", " ");
                Assert.Contains($"with ESMTPS id ", raw);
                Assert.Contains($"for <{grant.Email}>;", raw);
                Assert.EndsWith(message, raw);
            }
        }
    }

    [Fact]
    public async Task BDAT_chunks_are_assembled_exactly()
    {
        var grant = await Server.CreateGrantAsync(withPassword: false);
        var part1 = $"From: a@example.org\r\nTo: {grant.Email}\r\nSubject: chunked\r\n\r\n.no stuffing in BDAT\r\n";
        var part2 = "last line\r\n";
        await using var c = await HelloAsync();
        await c.CommandAsync("MAIL FROM:<a@example.org>");
        await c.CommandAsync($"RCPT TO:<{grant.Email}>");
        // Pipelined, as CHUNKING clients do: both chunks in one write.
        await c.SendAsync($"BDAT {Encoding.UTF8.GetByteCount(part1)}\r\n{part1}BDAT {part2.Length} LAST\r\n{part2}");
        Assert.Equal($"250 2.0.0 {Encoding.UTF8.GetByteCount(part1)} octets received", await c.ReadReplyAsync());
        Assert.Equal("250 2.0.0 Ok: delivered", await c.ReadReplyAsync());
        Assert.EndsWith(part1 + part2, await RawAsync(Assert.Single(await InboxAsync(grant))));
        Assert.Equal("503 5.5.1 Need MAIL command", await c.CommandAsync("BDAT 0 LAST"));
    }

    [Fact]
    public async Task A_full_mailbox_is_refused_at_RCPT_with_452()
    {
        var full = await Server.CreateGrantAsync(withPassword: false, quotaBytes: 0);
        var roomy = await Server.CreateGrantAsync(withPassword: false, quotaBytes: 1000);
        await using var c = await HelloAsync();
        await c.CommandAsync("MAIL FROM:<a@example.org> SIZE=5000");
        Assert.Equal("452 4.2.2 Mailbox full; try again later", await c.CommandAsync($"RCPT TO:<{full.Email}>"));
        Assert.Equal("452 4.2.2 Mailbox full; try again later", await c.CommandAsync($"RCPT TO:<{roomy.Email}>")); // the declared SIZE does not fit
    }

    [Fact]
    public async Task Swaks_delivers_to_a_grant_over_STARTTLS_and_an_unknown_address_is_refused()
    {
        var grant = await Server.CreateGrantAsync(withPassword: false);
        var swaks = ExternalProcess.Require("swaks", "swaks");
        var (code, output, error) = await ExternalProcess.RunAsync(swaks,
            ["--server", $"127.0.0.1:{Server.MxPort}", "--tls", "--ehlo", "swaks.example", "--from", "swaks@example.org", "--to", grant.Email,
             "--header", "Subject: from swaks", "--body", "inbound via swaks"]);
        Assert.True(code == 0, output + error);
        Assert.Contains("<~  250 2.0.0 Ok: delivered", output);
        var stored = Assert.Single(await InboxAsync(grant));
        Assert.Equal("from swaks", stored.Subject);
        Assert.Contains("from swaks.example ([127.0.0.1]) by " + Host, (await RawAsync(stored)).Replace("\r\n ", " "));

        (code, output, _) = await ExternalProcess.RunAsync(swaks,
            ["--server", $"127.0.0.1:{Server.MxPort}", "--from", "swaks@example.org", "--to", "nobody-here@agentmail.test"]);
        Assert.NotEqual(0, code);
        Assert.Contains("<** 550 5.1.1 <nobody-here@agentmail.test>: Recipient address rejected: no such mailbox here", output);
    }
}
