using System.Text;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Smtp.Support;

namespace AgentMail.Tests.Smtp;

/// <summary>
/// Submission (RFC 6409) on 587 with STARTTLS and 465 with implicit TLS, state by state, with the
/// exact replies — as RFC transcripts are written.
/// </summary>
public sealed class SubmissionTranscriptTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private SmtpTestServer Server => fixture.Server;
    private const string Host = SmtpTestServer.Hostname;

    [Fact]
    public async Task Port_587_greets_and_offers_STARTTLS_but_no_AUTH_before_TLS()
    {
        await using var c = await Server.ConnectAsync(Server.SubmissionPort);
        Assert.Equal($"220 {Host} ESMTP AgentMail", await c.ReadReplyAsync());
        Assert.Equal(
            $"250-{Host} Hello client.test\n250-PIPELINING\n250-SIZE 26214400\n250-8BITMIME\n250-ENHANCEDSTATUSCODES\n250-SMTPUTF8\n250-CHUNKING\n250 STARTTLS",
            await c.CommandAsync("EHLO client.test"));
        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", await c.CommandAsync("AUTH PLAIN " + SmtpWire.Plain("a@b.test", "x")));
        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", await c.CommandAsync("AUTH LOGIN"));
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await c.CommandAsync("MAIL FROM:<a@b.test>"));
        Assert.Equal($"221 2.0.0 {Host} closing connection", await c.CommandAsync("QUIT"));
        Assert.True((await c.WaitForCloseAsync()).Closed);
    }

    [Fact]
    public async Task After_STARTTLS_the_client_must_EHLO_again_and_AUTH_is_offered()
    {
        var grant = await Server.CreateGrantAsync();
        await using var c = await Server.ConnectAsync(Server.SubmissionPort);
        await c.ReadReplyAsync();
        Assert.Equal("503 5.5.1 Send EHLO or HELO first", await c.CommandAsync("STARTTLS"));
        await c.CommandAsync("EHLO client.test");
        Assert.Equal("220 2.0.0 Ready to start TLS", await c.StartTlsAsync());
        Assert.True(c.IsTls);
        // RFC 3207 §4.2: the EHLO from before TLS is forgotten.
        Assert.Equal("503 5.5.1 Send EHLO or HELO first", await c.CommandAsync($"AUTH PLAIN {SmtpWire.Plain(grant.Email, SmtpTestServer.AppPassword)}"));
        Assert.Equal(
            $"250-{Host} Hello client.test\n250-PIPELINING\n250-SIZE 26214400\n250-8BITMIME\n250-ENHANCEDSTATUSCODES\n250-SMTPUTF8\n250-CHUNKING\n250 AUTH PLAIN LOGIN",
            await c.CommandAsync("EHLO client.test"));
        Assert.Equal("503 5.5.1 TLS already active", await c.CommandAsync("STARTTLS"));
        Assert.Equal("530 5.7.0 Authentication required", await c.CommandAsync($"MAIL FROM:<{grant.Email}>"));
        Assert.Equal("235 2.7.0 Authentication successful", await c.CommandAsync($"AUTH PLAIN {SmtpWire.Plain(grant.Email, SmtpTestServer.AppPassword)}"));
        Assert.Equal("250 2.1.0 Sender ok", await c.CommandAsync($"MAIL FROM:<{grant.Email}>"));
    }

    [Fact]
    public async Task Plain_text_pipelined_after_STARTTLS_is_discarded_not_executed()
    {
        var grant = await Server.CreateGrantAsync();
        await using var c = await Server.ConnectAsync(Server.SubmissionPort);
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO client.test");
        // CVE-2011-0411: a man in the middle appends commands to STARTTLS in the same packet.
        await c.SendAsync($"STARTTLS\r\nAUTH PLAIN {SmtpWire.Plain(grant.Email, SmtpTestServer.AppPassword)}\r\n");
        Assert.Equal("220 2.0.0 Ready to start TLS", await c.ReadReplyAsync());
        await c.StartTlsHandshakeOnlyAsync();
        Assert.StartsWith("250-", await c.CommandAsync("EHLO client.test"));
        Assert.Equal("530 5.7.0 Authentication required", await c.CommandAsync($"MAIL FROM:<{grant.Email}>"));
    }

    [Fact]
    public async Task Port_465_is_TLS_from_the_first_byte_and_offers_AUTH_not_STARTTLS()
    {
        await using var c = await Server.ConnectAsync(Server.SubmissionsPort, implicitTls: true);
        Assert.Equal($"220 {Host} ESMTP AgentMail", await c.ReadReplyAsync());
        var ehlo = await c.CommandAsync("EHLO client.test");
        Assert.EndsWith("\n250-CHUNKING\n250 AUTH PLAIN LOGIN", ehlo);
        Assert.DoesNotContain("STARTTLS", ehlo);
        Assert.Equal("503 5.5.1 TLS already active", await c.CommandAsync("STARTTLS"));
        Assert.Equal($"250 {Host} Hello old.client", await c.CommandAsync("HELO old.client"));
    }

    [Fact]
    public async Task AUTH_PLAIN_with_and_without_initial_response_and_AUTH_LOGIN()
    {
        var grant = await Server.CreateGrantAsync();
        await using (var c = await Server.ConnectAsync(Server.SubmissionsPort, implicitTls: true))
        {
            await c.ReadReplyAsync();
            await c.CommandAsync("EHLO client.test");
            Assert.Equal("334 ", await c.CommandAsync("AUTH PLAIN"));
            Assert.Equal("235 2.7.0 Authentication successful", await c.CommandAsync(SmtpWire.Plain(grant.Email, SmtpTestServer.AppPassword)));
            Assert.Equal("503 5.5.1 Already authenticated", await c.CommandAsync("AUTH LOGIN"));
        }
        await using (var c = await Server.ConnectAsync(Server.SubmissionsPort, implicitTls: true))
        {
            await c.ReadReplyAsync();
            await c.CommandAsync("EHLO client.test");
            Assert.Equal("334 VXNlcm5hbWU6", await c.CommandAsync("AUTH LOGIN"));
            Assert.Equal("334 UGFzc3dvcmQ6", await c.CommandAsync(SmtpWire.Base64(grant.Email.ToUpperInvariant())));
            Assert.Equal("235 2.7.0 Authentication successful", await c.CommandAsync(SmtpWire.Base64(SmtpTestServer.AppPassword)));
            Assert.Equal("250 2.1.0 Sender ok", await c.CommandAsync($"MAIL FROM:<{grant.Email}>"));
        }
        await using (var c = await Server.ConnectAsync(Server.SubmissionsPort, implicitTls: true))
        {
            await c.ReadReplyAsync();
            await c.CommandAsync("EHLO client.test");
            Assert.Equal("334 UGFzc3dvcmQ6", await c.CommandAsync("AUTH LOGIN " + SmtpWire.Base64(grant.Email)));
            Assert.Equal("235 2.7.0 Authentication successful", await c.CommandAsync(SmtpWire.Base64(SmtpTestServer.AppPassword)));
        }
    }

    [Fact]
    public async Task AUTH_failures_get_535_and_the_third_ends_the_session()
    {
        var grant = await Server.CreateGrantAsync();
        var noPassword = await Server.CreateGrantAsync(withPassword: false);
        await using var c = await Server.ConnectAsync(Server.SubmissionsPort, implicitTls: true);
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO client.test");
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await c.CommandAsync("AUTH PLAIN " + SmtpWire.Plain(grant.Email, "Wrong-Password-123456")));
        // A grant without an app password: every sign-in is refused, whatever is sent.
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await c.CommandAsync("AUTH PLAIN " + SmtpWire.Plain(noPassword.Email, SmtpTestServer.AppPassword)));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await c.CommandAsync("AUTH PLAIN " + SmtpWire.Plain("nobody@agentmail.test", SmtpTestServer.AppPassword)));
        Assert.Equal($"421 4.7.0 {Host} Error: too many failed authentication attempts", await c.ReadReplyAsync());
        Assert.True((await c.WaitForCloseAsync()).Closed);
    }

    [Fact]
    public async Task AUTH_exchange_errors_have_their_own_replies()
    {
        var grant = await Server.CreateGrantAsync();
        await using var c = await Server.ConnectAsync(Server.SubmissionsPort, implicitTls: true);
        await c.ReadReplyAsync();
        Assert.Equal("503 5.5.1 Send EHLO or HELO first", await c.CommandAsync("AUTH PLAIN"));
        await c.CommandAsync("EHLO client.test");
        Assert.Equal("504 5.5.4 Unrecognized authentication mechanism", await c.CommandAsync("AUTH CRAM-MD5"));
        Assert.Equal("501 5.5.2 Cannot decode response", await c.CommandAsync("AUTH PLAIN not*base64!"));
        Assert.Equal("334 ", await c.CommandAsync("AUTH PLAIN"));
        Assert.Equal("501 5.7.0 Authentication cancelled", await c.CommandAsync("*"));
        Assert.Equal("334 VXNlcm5hbWU6", await c.CommandAsync("AUTH LOGIN"));
        Assert.Equal("501 5.5.2 Cannot decode response", await c.CommandAsync("===="));
        Assert.Equal("334 ", await c.CommandAsync("AUTH PLAIN"));
        Assert.Equal("500 5.5.6 Authentication Exchange line is too long", await c.CommandAsync(new string('A', 13000)));
        Assert.Equal("501 5.5.4 Syntax: AUTH mechanism [initial-response]", await c.CommandAsync("AUTH"));
        // None of that was a failed sign-in: the session still signs in.
        Assert.Equal("235 2.7.0 Authentication successful", await c.CommandAsync("AUTH PLAIN " + SmtpWire.Plain(grant.Email, SmtpTestServer.AppPassword)));
    }

    [Fact]
    public async Task The_envelope_sender_must_be_the_signed_in_grant()
    {
        var grant = await Server.CreateGrantAsync();
        await using var c = await Server.SignInAsync(grant);
        Assert.Equal("553 5.7.1 <someone.else@agentmail.test>: Sender address not owned by the authenticated user", await c.CommandAsync("MAIL FROM:<someone.else@agentmail.test>"));
        Assert.Equal("553 5.7.1 <>: Sender address not owned by the authenticated user", await c.CommandAsync("MAIL FROM:<>"));
        Assert.Equal("250 2.1.0 Sender ok", await c.CommandAsync($"MAIL FROM:<{grant.Email.ToUpperInvariant()}>"));
    }

    [Fact]
    public async Task Commands_out_of_order_get_503_and_the_session_goes_on()
    {
        var grant = await Server.CreateGrantAsync();
        await using var c = await Server.ConnectAsync(Server.SubmissionsPort, implicitTls: true);
        await c.ReadReplyAsync();
        Assert.Equal("503 5.5.1 Send EHLO or HELO first", await c.CommandAsync($"MAIL FROM:<{grant.Email}>"));
        Assert.Equal("503 5.5.1 Need MAIL command", await c.CommandAsync("RCPT TO:<x@example.com>"));
        Assert.Equal("503 5.5.1 Need MAIL command", await c.CommandAsync("DATA"));
        await c.CommandAsync("EHLO client.test");
        await c.CommandAsync("AUTH PLAIN " + SmtpWire.Plain(grant.Email, SmtpTestServer.AppPassword));
        Assert.Equal("250 2.1.0 Sender ok", await c.CommandAsync($"MAIL FROM:<{grant.Email}>"));
        Assert.Equal("503 5.5.1 Sender already specified", await c.CommandAsync($"MAIL FROM:<{grant.Email}>"));
        Assert.Equal("554 5.5.1 No valid recipients", await c.CommandAsync("DATA"));
        Assert.Equal("503 5.5.1 Already authenticated", await c.CommandAsync("AUTH LOGIN"));
        Assert.Equal("501 5.1.3 Bad recipient address syntax", await c.CommandAsync("RCPT TO:<not an address>"));
        Assert.Equal("554 5.5.1 No valid recipients", await c.CommandAsync("DATA"));
        Assert.Equal("250 2.1.5 Recipient ok", await c.CommandAsync("RCPT TO:<x@example.com>")); // the transaction goes on
        Assert.Equal("250 2.0.0 Reset state", await c.CommandAsync("RSET"));
        Assert.Equal("503 5.5.1 Need MAIL command", await c.CommandAsync("RCPT TO:<x@example.com>"));
    }

    [Fact]
    public async Task Other_commands_answer_as_RFC_5321_says()
    {
        await using var c = await Server.ConnectAsync(Server.SubmissionsPort, implicitTls: true);
        await c.ReadReplyAsync();
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP"));
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("noop with an argument"));
        Assert.Equal("252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery", await c.CommandAsync("VRFY someone"));
        Assert.Equal("502 5.5.1 Command not implemented", await c.CommandAsync("EXPN list"));
        Assert.StartsWith("214 2.0.0 ", await c.CommandAsync("HELP"));
        Assert.Equal("500 5.5.2 Syntax error, command unrecognized", await c.CommandAsync("FOO bar"));
        Assert.Equal("500 5.5.2 Syntax error, command unrecognized", await c.CommandAsync("MAILFROM:<a@b.test>"));
        Assert.Equal("501 5.5.4 Syntax: EHLO hostname", await c.CommandAsync("EHLO"));
        Assert.Equal("501 5.5.4 Syntax: RSET (no parameters allowed)", await c.CommandAsync("RSET now"));
        Assert.Equal("501 5.5.4 Syntax: DATA (no parameters allowed)", await c.CommandAsync("DATA x"));
        Assert.Equal("501 5.5.4 Syntax: VRFY <string>", await c.CommandAsync("VRFY"));
        Assert.Equal($"221 2.0.0 {Host} closing connection", await c.CommandAsync("quit"));
    }

    [Fact]
    public async Task MAIL_parameters_SIZE_BODY_SMTPUTF8_and_AUTH_are_understood_and_others_refused()
    {
        var grant = await Server.CreateGrantAsync();
        await using var c = await Server.SignInAsync(grant);
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size of 26214400 bytes", await c.CommandAsync($"MAIL FROM:<{grant.Email}> SIZE=26214401"));
        Assert.Equal("555 5.5.4 Unsupported MAIL or RCPT parameter", await c.CommandAsync($"MAIL FROM:<{grant.Email}> RET=HDRS"));
        Assert.Equal("555 5.5.4 Unsupported MAIL or RCPT parameter", await c.CommandAsync($"MAIL FROM:<{grant.Email}> BODY=BINARYMIME"));
        Assert.Equal("250 2.1.0 Sender ok", await c.CommandAsync($"MAIL FROM:<{grant.Email}> SIZE=1000 BODY=8BITMIME SMTPUTF8 AUTH=<>"));
        Assert.Equal("555 5.5.4 Unsupported MAIL or RCPT parameter", await c.CommandAsync("RCPT TO:<a@example.com> NOTIFY=NEVER"));
        Assert.Equal("250 2.1.5 Recipient ok", await c.CommandAsync("RCPT TO:<jörg@example.com>"));
        Assert.Equal("250 2.0.0 Reset state", await c.CommandAsync("RSET"));
        Assert.Equal("250 2.1.0 Sender ok", await c.CommandAsync($"MAIL FROM: <{grant.Email}>")); // the space real clients send
        Assert.Equal("553 5.6.7 Non-ASCII address requires the SMTPUTF8 parameter", await c.CommandAsync("RCPT TO:<jörg@example.com>"));
    }

    [Fact]
    public async Task A_submitted_message_is_queued_and_stored_in_Sent_byte_for_byte()
    {
        var grant = await Server.CreateGrantAsync();
        var message = $"From: <{grant.Email}>\r\nTo: bob@example.com\r\nSubject: exact\r\nMessage-ID: <exact-{Guid.NewGuid():N}@client.test>\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\n\r\n.leading dot\r\n..two dots\r\nend\r\n";
        await using var c = await Server.SignInAsync(grant);
        Assert.Equal("250 2.1.0 Sender ok", await c.CommandAsync($"MAIL FROM:<{grant.Email}>"));
        Assert.Equal("250 2.1.5 Recipient ok", await c.CommandAsync("RCPT TO:<bob@example.com>"));
        Assert.Equal("354 End data with <CR><LF>.<CR><LF>", await c.CommandAsync("DATA"));
        var queued = await c.CommandAsync(message.Replace("\r\n.", "\r\n..") + ".\r\n");
        Assert.Matches("^250 2.0.0 Ok: queued as [0-9a-f]{32}$", queued);

        var sent = await Server.Mailbox.FolderAsync(grant.Id, SystemFolder.SentRole);
        var stored = Assert.Single(await Server.Mailbox.Messages.GetByUidsAsync(grant.Id, sent.Id, [new UidRange(1, long.MaxValue)], default));
        Assert.Equal(message, Encoding.UTF8.GetString((await Server.Mailbox.Blobs.ReadAllAsync(stored.BlobSha256, default))!));
        Assert.Equal(Guid.ParseExact(queued[^32..], "N"), await Server.Mailbox.ScalarAsync<Guid>("SELECT id FROM outbound_messages WHERE message_id = $1", stored.Id));
    }
}

/// <summary>One SMTP server for a test class (shared database, no delivery worker).</summary>
public sealed class SmtpServerFixture : IAsyncLifetime
{
    public SmtpTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SmtpTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
