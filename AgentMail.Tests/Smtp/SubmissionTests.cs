using System.Text;
using System.Text.Json;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Mime.Building;
using AgentMail.Mime.Summary;
using AgentMail.Tests.Smtp.Support;

namespace AgentMail.Tests.Smtp;

/// <summary>What a submission becomes: bytes kept, headers added only when missing, threading, dedup, the API's shape, credential changes.</summary>
public sealed class SubmissionTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private SmtpTestServer Server => fixture.Server;

    private async Task<IReadOnlyList<MessageRecord>> FolderAsync(Grant grant, string role)
    {
        var folder = await Server.Mailbox.FolderAsync(grant.Id, role);
        return await Server.Mailbox.Messages.GetByUidsAsync(grant.Id, folder.Id, [new UidRange(1, long.MaxValue)], default);
    }

    private async Task<string> RawAsync(MessageRecord message) =>
        Encoding.UTF8.GetString((await Server.Mailbox.Blobs.ReadAllAsync(message.BlobSha256, default))!);

    [Fact]
    public async Task Date_and_Message_ID_are_added_only_when_missing_and_nothing_else_changes()
    {
        var grant = await Server.CreateGrantAsync();
        var bare = $"From: {grant.Email}\r\nTo: x@example.com\r\nSubject: no id\r\n\r\nbody\r\n";
        await Server.SubmitOverSmtpAsync(grant, ["x@example.com"], bare);
        var withDate = $"From: {grant.Email}\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\nTo: x@example.com\r\nSubject: has date\r\n\r\nbody\r\n";
        await Server.SubmitOverSmtpAsync(grant, ["x@example.com"], withDate);

        var stored = await FolderAsync(grant, SystemFolder.SentRole);
        var first = await RawAsync(stored.Single(m => m.Subject == "no id"));
        Assert.Matches($"^Date: [A-Z][a-z]{{2}}, \\d{{1,2}} [A-Z][a-z]{{2}} \\d{{4}} \\d\\d:\\d\\d:\\d\\d [+-]\\d{{4}}\r\nMessage-ID: <[0-9a-f]{{32}}@{SmtpTestServer.Hostname}>\r\n", first);
        Assert.EndsWith(bare, first);
        Assert.NotNull(stored.Single(m => m.Subject == "no id").MessageId);
        var second = await RawAsync(stored.Single(m => m.Subject == "has date"));
        Assert.Matches($"^Message-ID: <[0-9a-f]{{32}}@{SmtpTestServer.Hostname}>\r\n", second);
        Assert.Equal(withDate, second[(second.IndexOf("\r\n", StringComparison.Ordinal) + 2)..]);
    }

    [Fact]
    public async Task A_reply_keeps_In_Reply_To_and_References_byte_for_byte_and_joins_the_parents_thread()
    {
        var grant = await Server.CreateGrantAsync();
        // The customer's message arrives on port 25 ...
        var parentId = $"parent-{Guid.NewGuid():N}@customer.example";
        await using (var mx = await Server.ConnectAsync(Server.MxPort))
        {
            await mx.ReadReplyAsync();
            await mx.CommandAsync("EHLO customer.example");
            await mx.CommandAsync("MAIL FROM:<customer@customer.example>");
            await mx.CommandAsync($"RCPT TO:<{grant.Email}>");
            await mx.CommandAsync("DATA");
            Assert.Equal("250 2.0.0 Ok: delivered", await mx.CommandAsync(
                $"From: customer@customer.example\r\nTo: {grant.Email}\r\nSubject: Order 42\r\nMessage-ID: <{parentId}>\r\nReferences: <root@customer.example>\r\n\r\nWhere is it?\r\n."));
        }
        var parent = Assert.Single(await FolderAsync(grant, SystemFolder.InboxRole));

        // ... and the person answers from a mail client, which writes the threading fields its own way.
        var inReplyTo = $"In-Reply-To:  <{parentId}>\r\n";
        var references = $"References: <root@customer.example>\r\n\t<{parentId}>\r\n";
        var reply = $"From: {grant.Email}\r\nTo: customer@customer.example\r\nSubject: Re: Order 42\r\nMessage-ID: <reply-{Guid.NewGuid():N}@client.test>\r\nDate: Sat, 21 Nov 2026 11:00:00 +0000\r\n{inReplyTo}{references}\r\nOn its way.\r\n";
        await Server.SubmitOverSmtpAsync(grant, ["customer@customer.example"], reply);

        var sent = Assert.Single(await FolderAsync(grant, SystemFolder.SentRole));
        Assert.Equal(reply, await RawAsync(sent));
        Assert.Equal(parentId, sent.InReplyTo);
        Assert.Equal(["root@customer.example", parentId], sent.References);
        Assert.Equal(parent.ThreadId, sent.ThreadId);
    }

    [Fact]
    public async Task The_clients_APPEND_of_its_copy_to_Sent_creates_no_duplicate()
    {
        var grant = await Server.CreateGrantAsync();
        var message = $"From: {grant.Email}\r\nTo: x@example.com\r\nSubject: appended too\r\nMessage-ID: <dedup-{Guid.NewGuid():N}@client.test>\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\n\r\nbody\r\n";
        await Server.SubmitOverSmtpAsync(grant, ["x@example.com"], message);
        var sent = await Server.Mailbox.FolderAsync(grant.Id, SystemFolder.SentRole);
        var submitted = Assert.Single(await FolderAsync(grant, SystemFolder.SentRole));
        var eventsBefore = (await Server.Mailbox.EventsAsync(grant.Id)).Count;

        // What Thunderbird does next over IMAP (APPEND to Sent), through the same core call IMAP uses.
        var appended = await Server.Mailbox.Messages.AppendAsync(grant.Id, sent.Id, MessageContentReader.Read(Encoding.UTF8.GetBytes(message)),
            new AppendOptions { Flags = MessageFlags.Seen }, default);

        Assert.True(appended.Deduplicated);
        Assert.Equal(submitted.Id, appended.Message.Id);
        Assert.Single(await FolderAsync(grant, SystemFolder.SentRole));
        Assert.Equal(eventsBefore, (await Server.Mailbox.EventsAsync(grant.Id)).Count);
    }

    [Fact]
    public async Task SMTP_submission_and_the_APIs_SubmitAsync_produce_the_same_Sent_copy_queue_rows_and_event()
    {
        var viaSmtp = await Server.CreateGrantAsync();
        var viaApi = await Server.CreateGrantAsync();
        string Build(Grant grant)
        {
            var builder = new MessageBuilder
            {
                From = new EmailAddress("Agent", grant.Email), Subject = "same shape", TextBody = "Plain body.", HtmlBody = "<p>Html body.</p>",
                Date = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), MessageId = $"shape-{grant.Id:N}@agentmail.test",
            };
            builder.To.Add(new EmailAddress("Bob", "bob@example.com"));
            builder.Cc.Add(new EmailAddress(null, "carol@example.com"));
            builder.AddAttachment(OutgoingAttachment.FromBytes("notes.txt", "text/plain", Encoding.UTF8.GetBytes("attached")));
            return Encoding.UTF8.GetString(builder.ToArray());
        }

        await Server.SubmitOverSmtpAsync(viaSmtp, ["bob@example.com", "carol@example.com"], Build(viaSmtp));
        await Server.Mailbox.Messages.SubmitAsync(viaApi.Id, MessageContentReader.Read(Encoding.UTF8.GetBytes(Build(viaApi))), viaApi.Email, ["bob@example.com", "carol@example.com"], default);

        var smtp = Assert.Single(await FolderAsync(viaSmtp, SystemFolder.SentRole));
        var api = Assert.Single(await FolderAsync(viaApi, SystemFolder.SentRole));
        Assert.Equal(Normalize(Build(viaApi), viaApi), Normalize(await RawAsync(smtp), viaSmtp)); // the bytes as built, no more
        Assert.Equal((api.Flags, api.Subject, api.Snippet, api.Size, api.HasAttachments, api.FolderPublicId, api.To.Count, api.Cc.Count),
            (smtp.Flags, smtp.Subject, smtp.Snippet, smtp.Size, smtp.HasAttachments, smtp.FolderPublicId, smtp.To.Count, smtp.Cc.Count));
        Assert.Equal(MessageFlags.Seen, smtp.Flags);
        Assert.Equal(api.Attachments.Select(a => (a.Filename, a.Size, a.ContentType)), smtp.Attachments.Select(a => (a.Filename, a.Size, a.ContentType)));

        var smtpEvent = Assert.Single(await Server.Mailbox.EventsAsync(viaSmtp.Id), e => e.Type == "message.created");
        var apiEvent = Assert.Single(await Server.Mailbox.EventsAsync(viaApi.Id), e => e.Type == "message.created");
        Assert.Equal(Shape(apiEvent.Payload, viaApi, api), Shape(smtpEvent.Payload, viaSmtp, smtp));

        foreach (var (grant, record) in new[] { (viaSmtp, smtp), (viaApi, api) })
        {
            Assert.Equal(grant.Email, await Server.Mailbox.ScalarAsync<string>("SELECT envelope_from FROM outbound_messages WHERE message_id = $1", record.Id));
            Assert.Equal(2L, await Server.Mailbox.ScalarAsync<long>("SELECT count(*) FROM outbound_recipients r JOIN outbound_messages o ON o.id = r.outbound_id WHERE o.message_id = $1 AND r.status = 'queued'", record.Id));
        }

        static string Normalize(string raw, Grant grant) => System.Text.RegularExpressions.Regex.Replace(
            raw.Replace(grant.Email, "GRANT").Replace(grant.Id.ToString("N"), "ID"), "=_[a-z0-9]{24}", "BOUNDARY");
    }

    /// <summary>The event payload with what must differ between two grants (ids, addresses, times) blanked out.</summary>
    private static string Shape(string payload, Grant grant, MessageRecord message)
    {
        var text = JsonDocument.Parse(payload).RootElement.ToString()
            .Replace(grant.Id.ToString(), "GRANT").Replace(grant.Email, "EMAIL").Replace(message.Id.ToString(), "MESSAGE").Replace(message.ThreadId.ToString(), "THREAD");
        return System.Text.RegularExpressions.Regex.Replace(text, "\"(date|created_at)\":\\s*\\d+", "\"$1\":0");
    }

    [Fact]
    public async Task Rotating_the_app_password_ends_open_sessions_at_their_next_command()
    {
        var grant = await Server.CreateGrantAsync();
        await using var idle = await Server.SignInAsync(grant);
        await using var busy = await Server.SignInAsync(grant);
        Assert.Equal("250 2.1.0 Sender ok", await busy.CommandAsync($"MAIL FROM:<{grant.Email}>"));

        await Server.Mailbox.Grants.UpdateAsync(grant.Id, new GrantUpdate { AppPassword = "Another-Password-42x" }, default);

        // The change reaches this server through Redis; until then the session still answers.
        string reply;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((reply = await idle.CommandAsync("NOOP")) == "250 2.0.0 Ok" && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal($"421 4.7.0 {SmtpTestServer.Hostname} Credentials changed; closing connection", reply);
        Assert.Equal($"421 4.7.0 {SmtpTestServer.Hostname} Credentials changed; closing connection", await busy.CommandAsync("RCPT TO:<x@example.com>"));
        Assert.True((await busy.WaitForCloseAsync()).Closed);

        // The new password works; the old one no longer does.
        await using var fresh = await Server.ConnectAsync(Server.SubmissionsPort, implicitTls: true);
        await fresh.ReadReplyAsync();
        await fresh.CommandAsync("EHLO client.test");
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await fresh.CommandAsync("AUTH PLAIN " + SmtpWire.Plain(grant.Email, SmtpTestServer.AppPassword)));
        Assert.Equal("235 2.7.0 Authentication successful", await fresh.CommandAsync("AUTH PLAIN " + SmtpWire.Plain(grant.Email, "Another-Password-42x")));
    }

    [Fact]
    public async Task A_rotation_whose_notification_was_lost_is_caught_by_the_version_check_at_MAIL()
    {
        var grant = await Server.CreateGrantAsync();
        await using var c = await Server.SignInAsync(grant);
        // Bump the version behind the change feed's back: no notification reaches the session.
        await Server.Mailbox.ScalarAsync<int>("UPDATE grants SET credential_version = credential_version + 1 WHERE id = $1 RETURNING credential_version", grant.Id);

        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP"));
        Assert.Equal($"421 4.7.0 {SmtpTestServer.Hostname} Credentials changed; closing connection", await c.CommandAsync($"MAIL FROM:<{grant.Email}>"));
        Assert.True((await c.WaitForCloseAsync()).Closed);
    }

    [Fact]
    public async Task Later_in_a_session_a_lost_rotation_is_caught_by_the_next_MAIL_a_second_after_the_last_check()
    {
        var grant = await Server.CreateGrantAsync();
        await using var c = await Server.SignInAsync(grant);
        Assert.Equal("250 2.1.0 Sender ok", await c.CommandAsync($"MAIL FROM:<{grant.Email}>")); // checks the version
        Assert.Equal("250 2.0.0 Reset state", await c.CommandAsync("RSET"));
        await Server.Mailbox.ScalarAsync<int>("UPDATE grants SET credential_version = credential_version + 1 WHERE id = $1 RETURNING credential_version", grant.Id);

        await Task.Delay(TimeSpan.FromSeconds(1.1));
        Assert.Equal($"421 4.7.0 {SmtpTestServer.Hostname} Credentials changed; closing connection", await c.CommandAsync($"MAIL FROM:<{grant.Email}>"));
        Assert.True((await c.WaitForCloseAsync()).Closed);
    }

    [Fact]
    public async Task Deleting_the_grant_ends_its_sessions()
    {
        var grant = await Server.CreateGrantAsync();
        await using var c = await Server.SignInAsync(grant);
        await Server.Mailbox.Grants.DeleteAsync(grant.Id, default);
        await SmtpTestServer.EventuallyAsync(async () => (await c.CommandAsync("NOOP")).StartsWith("421 4.7.0", StringComparison.Ordinal), "421 after deletion", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_Sent_copy_beyond_the_quota_is_refused_with_552_5_2_2_and_nothing_queued()
    {
        var grant = await Server.CreateGrantAsync(quotaBytes: 100);
        var reply = await Server.SubmitOverSmtpAsync(grant, ["x@example.com"], $"From: {grant.Email}\r\nSubject: over quota\r\n\r\n{new string('q', 200)}\r\n");
        Assert.Equal("552 5.2.2 Mailbox storage quota exceeded", reply);
        Assert.Equal(0L, await Server.Mailbox.ScalarAsync<long>("SELECT count(*) FROM outbound_messages WHERE grant_id = $1", grant.Id));
    }
}
