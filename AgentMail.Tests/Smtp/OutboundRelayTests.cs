using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Mime;
using AgentMail.Mime.Building;
using AgentMail.Mime.Summary;
using AgentMail.Tests.Smtp.Support;

namespace AgentMail.Tests.Smtp;

/// <summary>
/// The outbound pipeline end to end: a message submitted over SMTP (or through SubmitAsync, as the
/// API sends) goes through the delivery worker to a real SMTP server on loopback — Node's
/// smtp-server acting as the configured relay, with STARTTLS and AUTH — or into the INBOX of a
/// grant of this deployment.
/// </summary>
public sealed class OutboundRelayTests(OutboundRelayTests.Fixture fixture) : IClassFixture<OutboundRelayTests.Fixture>
{
    private SmtpTestServer Server => fixture.Server;
    private NodeSmtpReceiver Relay => fixture.Relay;

    private static string Message(Grant from, string to, string subject, string? bcc = null, string? cc = null) =>
        $"From: Agent <{from.Email}>\r\nTo: {to}\r\n" + (cc is null ? "" : $"Cc: {cc}\r\n") + (bcc is null ? "" : $"Bcc: {bcc}\r\n") +
        $"Subject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@agentmail.test>\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\n" +
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
        "Hello,\r\n.a line that starts with a dot\r\n\r\nRégards\r\n";

    [Fact]
    public async Task A_submitted_message_reaches_the_relay_byte_for_byte_minus_Bcc_plus_a_valid_DKIM_signature()
    {
        var grant = await Server.CreateGrantAsync();
        var subject = "relay " + Guid.NewGuid();
        var text = Message(grant, "Bob <bob@remote.test>", subject, bcc: "hidden@remote.test");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await Server.SubmitOverSmtpAsync(grant, ["bob@remote.test", "hidden@remote.test"], text));

        var received = await Relay.WaitForMessageAsync(m => Encoding.UTF8.GetString(m.Bytes).Contains(subject));
        Assert.Equal(grant.Email, received.From);
        Assert.Equal(["bob@remote.test", "hidden@remote.test"], received.To); // one transaction, Bcc in the envelope only
        Assert.True(received.Tls);
        Assert.Equal("relay-user", received.User);
        Assert.Equal(SmtpTestServer.Hostname, received.Helo);

        var expected = Encoding.UTF8.GetBytes(text.Replace("Bcc: hidden@remote.test\r\n", ""));
        var bytes = received.Bytes;
        var signatureEnd = Encoding.UTF8.GetString(bytes).IndexOf("\r\nFrom: ", StringComparison.Ordinal) + 2;
        Assert.StartsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=agentmail.test; s=test;", Encoding.UTF8.GetString(bytes));
        Assert.Equal(expected, bytes[signatureEnd..]);
        Assert.Equal((true, "ok"), DkimVerifier.Verify(bytes, fixture.DkimKey, "agentmail.test"));
        var (valid, output) = await DkimVerifier.VerifyWithDkimpyAsync(bytes, fixture.DkimKey);
        Assert.True(valid, output);

        var sent = await StoredAsync(grant, SystemFolder.SentRole);
        Assert.Contains("Bcc: hidden@remote.test", Encoding.UTF8.GetString((await Server.Mailbox.Blobs.ReadAllAsync(Assert.Single(sent).BlobSha256, default))!)); // the Sent copy keeps it
        await SmtpTestServer.EventuallyAsync(async () => (await Server.Mailbox.EventsAsync(grant.Id)).Count(e => e.Type == "message.delivered") == 2, "message.delivered for both recipients");
        var delivered = (await Server.Mailbox.EventsAsync(grant.Id)).Where(e => e.Type == "message.delivered")
            .Select(e => JsonDocument.Parse(e.Payload).RootElement).ToList();
        Assert.Equal(["bob@remote.test", "hidden@remote.test"], delivered.Select(d => d.GetProperty("recipient").GetString()).Order());
        Assert.All(delivered, d => Assert.StartsWith("250 ", d.GetProperty("response").GetString()));
        Assert.All(delivered, d => Assert.Equal(sent[0].Id.ToString(), d.GetProperty("message_id").GetString()));
    }

    [Fact]
    public async Task A_451_is_retried_with_backoff_and_then_delivered()
    {
        var grant = await Server.CreateGrantAsync();
        var subject = "retry " + Guid.NewGuid();
        await Server.SubmitOverSmtpAsync(grant, ["deferred-once@remote.test"], Message(grant, "deferred-once@remote.test", subject));

        await Relay.WaitForMessageAsync(m => Encoding.UTF8.GetString(m.Bytes).Contains(subject));
        Assert.Contains("rcpt deferred-once@remote.test 451", Relay.Refusals());
        await SmtpTestServer.EventuallyAsync(async () => (await Server.Mailbox.EventsAsync(grant.Id)).Any(e => e.Type == "message.delivered"), "message.delivered");
        Assert.Equal(2, await Server.Mailbox.ScalarAsync<int>(
            "SELECT attempts FROM outbound_recipients r JOIN outbound_messages o ON o.id = r.outbound_id WHERE o.grant_id = $1", grant.Id));
        Assert.DoesNotContain(await Server.Mailbox.EventsAsync(grant.Id), e => e.Type == "message.bounced");
        Assert.Empty(await StoredAsync(grant, SystemFolder.InboxRole));
    }

    [Fact]
    public async Task A_550_bounces_into_the_senders_inbox_as_a_DSN_in_the_same_thread_with_message_bounced()
    {
        var grant = await Server.CreateGrantAsync();
        var subject = "bounce " + Guid.NewGuid();
        await Server.SubmitOverSmtpAsync(grant, ["rejected@remote.test"], Message(grant, "rejected@remote.test", subject));

        await SmtpTestServer.EventuallyAsync(async () => (await StoredAsync(grant, SystemFolder.InboxRole)).Count == 1, "the bounce in INBOX");
        var bounce = Assert.Single(await StoredAsync(grant, SystemFolder.InboxRole));
        var sent = Assert.Single(await StoredAsync(grant, SystemFolder.SentRole));
        Assert.Equal("Undelivered Mail Returned to Sender", bounce.Subject);
        Assert.Equal(sent.ThreadId, bounce.ThreadId); // it replies to the bounced message
        Assert.Equal(sent.MessageId, bounce.InReplyTo);

        var raw = (await Server.Mailbox.Blobs.ReadAllAsync(bounce.BlobSha256, default))!;
        var structure = MimeParser.Parse(raw);
        Assert.True(structure.Root.ContentType.Is("multipart", "report"));
        Assert.Equal("delivery-status", structure.Root.ContentType.Parameters.Get("report-type"));
        var status = Encoding.ASCII.GetString(raw, (int)structure.Root.Children[1].BodyOffset, (int)structure.Root.Children[1].Size);
        Assert.Contains($"Reporting-MTA: dns; {SmtpTestServer.Hostname}\r\n", status);
        Assert.Contains("\r\n\r\nFinal-Recipient: rfc822; rejected@remote.test\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; 127.0.0.1\r\nDiagnostic-Code: smtp; 550 5.1.1 No such user here\r\n", status);
        var returned = Encoding.UTF8.GetString(raw, (int)structure.Root.Children[2].BodyOffset, (int)structure.Root.Children[2].Size);
        Assert.Contains($"Subject: {subject}\r\n", returned);
        Assert.DoesNotContain("a line that starts with a dot", returned); // headers only

        var bounced = Assert.Single(await Server.Mailbox.EventsAsync(grant.Id), e => e.Type == "message.bounced");
        var payload = JsonDocument.Parse(bounced.Payload).RootElement;
        Assert.Equal(("rejected@remote.test", "5.1.1", sent.Id.ToString()), (payload.GetProperty("recipient").GetString(), payload.GetProperty("status_code").GetString(), payload.GetProperty("message_id").GetString()));
        Assert.Contains(await Server.Mailbox.EventsAsync(grant.Id), e => e.Type == "message.created" && e.ObjectId == bounce.Id.ToString());
        Assert.Equal(1, await Server.Mailbox.ScalarAsync<int>(
            "SELECT attempts FROM outbound_recipients r JOIN outbound_messages o ON o.id = r.outbound_id WHERE o.grant_id = $1 AND r.status = 'failed'", grant.Id));
    }

    [Fact]
    public async Task Temporary_failures_bounce_with_4_4_7_once_the_retry_period_ends()
    {
        var grant = await Server.CreateGrantAsync();
        await Server.SubmitOverSmtpAsync(grant, ["always-later@remote.test"], Message(grant, "always-later@remote.test", "expires"));

        await SmtpTestServer.EventuallyAsync(async () => (await StoredAsync(grant, SystemFolder.InboxRole)).Count == 1, "the expiry bounce", TimeSpan.FromSeconds(40));
        var raw = Encoding.UTF8.GetString((await Server.Mailbox.Blobs.ReadAllAsync(Assert.Single(await StoredAsync(grant, SystemFolder.InboxRole)).BlobSha256, default))!);
        Assert.Contains("Status: 4.4.7\r\n", raw);
        Assert.Contains("gave up after", raw);
        Assert.True(await Server.Mailbox.ScalarAsync<int>(
            "SELECT attempts FROM outbound_recipients r JOIN outbound_messages o ON o.id = r.outbound_id WHERE o.grant_id = $1", grant.Id) >= 2);
    }

    [Fact]
    public async Task Mail_to_another_grant_is_delivered_internally_to_its_inbox_and_the_rest_through_the_relay()
    {
        var sender = await Server.CreateGrantAsync();
        var colleague = await Server.CreateGrantAsync(prefix: "colleague");
        var subject = "internal " + Guid.NewGuid();
        var text = Message(sender, colleague.Email, subject, bcc: "secret@remote.test", cc: "carol@remote.test");
        await Server.SubmitOverSmtpAsync(sender, [colleague.Email, "carol@remote.test", "secret@remote.test"], text);

        await SmtpTestServer.EventuallyAsync(async () => (await StoredAsync(colleague, SystemFolder.InboxRole)).Count == 1, "the internal copy");
        var copy = Assert.Single(await StoredAsync(colleague, SystemFolder.InboxRole));
        var raw = Encoding.UTF8.GetString((await Server.Mailbox.Blobs.ReadAllAsync(copy.BlobSha256, default))!);
        Assert.Matches($"^Received: from localhost by {SmtpTestServer.Hostname} \\(AgentMail\\) id [0-9a-f]{{32}} for <{colleague.Email}>; ", raw.Replace("\r\n ", " "));
        Assert.EndsWith(text.Replace("Bcc: secret@remote.test\r\n", ""), raw);
        Assert.Contains(await Server.Mailbox.EventsAsync(colleague.Id), e => e.Type == "message.created" && e.ObjectId == copy.Id.ToString());
        Assert.True(copy.Unread);

        await Relay.WaitForMessageAsync(m => Encoding.UTF8.GetString(m.Bytes).Contains(subject));
        await SmtpTestServer.EventuallyAsync(async () => (await Server.Mailbox.EventsAsync(sender.Id)).Count(e => e.Type == "message.delivered") == 3, "three deliveries");
        Assert.Empty(await StoredAsync(sender, SystemFolder.InboxRole));
    }

    [Fact]
    public async Task A_message_sent_through_SubmitAsync_as_the_API_does_goes_through_the_same_pipeline()
    {
        var grant = await Server.CreateGrantAsync();
        var builder = new MessageBuilder { From = new EmailAddress("Agent", grant.Email), Subject = "api send " + Guid.NewGuid(), TextBody = "Sent by the API." };
        builder.To.Add(new EmailAddress(null, "dave@remote.test"));
        var bytes = builder.ToArray();
        var result = await Server.Mailbox.Messages.SubmitAsync(grant.Id, MessageContentReader.Read(bytes), grant.Email, ["dave@remote.test"], default);

        var received = await Relay.WaitForMessageAsync(m => Encoding.UTF8.GetString(m.Bytes).Contains(builder.Subject));
        Assert.Equal(["dave@remote.test"], received.To);
        Assert.True(DkimVerifier.Verify(received.Bytes, fixture.DkimKey, "agentmail.test").Valid);
        await SmtpTestServer.EventuallyAsync(async () => (await Server.Mailbox.EventsAsync(grant.Id)).Any(e => e.Type == "message.delivered" && e.ObjectId == result.SentCopy.Id.ToString()), "message.delivered");
    }

    [Fact]
    public async Task A_notice_without_a_sender_grant_reaches_grants_and_the_relay_with_no_events_and_no_bounce()
    {
        var ops = await Server.CreateGrantAsync(prefix: "ops");
        var subject = "notice " + Guid.NewGuid();
        var builder = new MessageBuilder { From = new EmailAddress("AgentMail webhooks", "no-reply@agentmail.test"), Subject = subject, TextBody = "A destination is failing." };
        builder.To.AddRange([new EmailAddress(null, ops.Email), new EmailAddress(null, "oncall@remote.test"), new EmailAddress(null, "rejected@remote.test")]);
        var outboundId = await Server.Mailbox.Messages.QueueNoticeAsync(MessageContentReader.Read(builder.ToArray()), "no-reply@agentmail.test",
            [ops.Email, "oncall@remote.test", "rejected@remote.test"], default);

        var received = await Relay.WaitForMessageAsync(m => Encoding.UTF8.GetString(m.Bytes).Contains(subject));
        Assert.Equal("no-reply@agentmail.test", received.From);
        Assert.Equal(["oncall@remote.test"], received.To); // the relay refused rejected@ at RCPT
        Assert.True(DkimVerifier.Verify(received.Bytes, fixture.DkimKey, "agentmail.test").Valid);
        await SmtpTestServer.EventuallyAsync(async () => (await StoredAsync(ops, SystemFolder.InboxRole)).Count == 1, "the notice in the ops grant's INBOX");
        Assert.Equal(subject, Assert.Single(await StoredAsync(ops, SystemFolder.InboxRole)).Subject);
        await SmtpTestServer.EventuallyAsync(async () => await Server.Mailbox.ScalarAsync<bool>(
            "SELECT blob_sha256 IS NULL FROM outbound_messages WHERE id = $1", outboundId), "every recipient final and the blob released");

        var outcomes = await Server.Mailbox.ScalarAsync<string>(
            "SELECT string_agg(recipient || '=' || status, ',' ORDER BY recipient) FROM outbound_recipients WHERE outbound_id = $1", outboundId);
        Assert.Equal($"oncall@remote.test=delivered,{ops.Email}=delivered,rejected@remote.test=failed",
            string.Join(',', outcomes.Split(',').Order(StringComparer.Ordinal)));
        // No sender mailbox: no delivery events, no DSN replying to the notice; the ops grant has its message.created.
        Assert.Equal(0L, await Server.Mailbox.ScalarAsync<long>("SELECT count(*) FROM events WHERE payload->>'outbound_id' = $1", outboundId.ToString()));
        Assert.Equal(0L, await Server.Mailbox.ScalarAsync<long>("SELECT count(*) FROM messages WHERE in_reply_to = $1", builder.WrittenMessageId!));
        Assert.Equal(["message.created"], (await Server.Mailbox.EventsAsync(ops.Id)).Where(e => e.Type.StartsWith("message.", StringComparison.Ordinal)).Select(e => e.Type));
    }

    private async Task<IReadOnlyList<MessageRecord>> StoredAsync(Grant grant, string role)
    {
        var folder = await Server.Mailbox.FolderAsync(grant.Id, role);
        return await Server.Mailbox.Messages.GetByUidsAsync(grant.Id, folder.Id, [new UidRange(1, long.MaxValue)], default);
    }

    /// <summary>A relay that wants STARTTLS and AUTH, with rules for the failure cases; the server with the worker on, its own database, a DKIM key, fast retries.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly string _keyFile = Path.GetTempFileName();

        public SmtpTestServer Server { get; private set; } = null!;
        public NodeSmtpReceiver Relay { get; private set; } = null!;
        public RSA DkimKey { get; } = RSA.Create(2048);

        public async Task InitializeAsync()
        {
            await File.WriteAllTextAsync(_keyFile, DkimKey.ExportPkcs8PrivateKeyPem());
            Relay = await NodeSmtpReceiver.StartAsync(auth: ("relay-user", "relay-secret"), rules:
            [
                new { rcpt = "deferred-once@remote.test", stage = "rcpt", code = 451, times = 1 },
                new { rcpt = "rejected@remote.test", stage = "rcpt", code = 550, message = "5.1.1 No such user here" },
                new { rcpt = "always-later@remote.test", stage = "rcpt", code = 451 },
            ]);
            Server = await SmtpTestServer.StartAsync(new Dictionary<string, string?>
            {
                ["Smtp:Outbound:Enabled"] = "true",
                ["Smtp:Outbound:SweepInterval"] = "00:00:00.200",
                ["Smtp:Outbound:RetryInitialDelay"] = "00:00:00.300",
                ["Smtp:Outbound:RetryMaxDelay"] = "00:00:01",
                ["Smtp:Outbound:ConnectTimeout"] = "00:00:05",
                ["Smtp:Outbound:CommandTimeout"] = "00:00:10",
                ["Mailbox:OutboundRetryPeriod"] = "00:00:06",
                ["Smtp:Relay:Host"] = "127.0.0.1",
                ["Smtp:Relay:Port"] = Relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Smtp:Relay:Security"] = "StartTls",
                ["Smtp:Relay:ValidateCertificate"] = "false",
                ["Smtp:Relay:Username"] = "relay-user",
                ["Smtp:Relay:Password"] = "relay-secret",
                ["Dkim:Domains:agentmail.test:Selector"] = "test",
                ["Dkim:Domains:agentmail.test:PrivateKeyPath"] = _keyFile,
            }, ownDatabase: true);
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            await Relay.DisposeAsync();
            DkimKey.Dispose();
            File.Delete(_keyFile);
        }
    }
}
