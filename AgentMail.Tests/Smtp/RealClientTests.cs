using System.Text;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Smtp.Support;

namespace AgentMail.Tests.Smtp;

/// <summary>
/// Real mail clients against the real server: swaks (Debian), Python's smtplib and Node's
/// nodemailer (npm, locked), over 465 (implicit TLS) and 587 (STARTTLS), with AUTH PLAIN and AUTH
/// LOGIN, each verifying the server certificate against the test CA file; what they send is
/// stored in Sent byte for byte. Plus openssl s_client for STARTTLS, and a 25 MB + 1 byte message.
/// </summary>
public sealed class RealClientTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private SmtpTestServer Server => fixture.Server;

    private const string PythonClient = """
        import smtplib, ssl, sys
        host, port, mode, mech, user, password, sender, rcpt, cafile, path = sys.argv[1:11]
        context = ssl.create_default_context(cafile=cafile)
        if mode == 'ssl':
            client = smtplib.SMTP_SSL(host, int(port), context=context, timeout=30)
        else:
            client = smtplib.SMTP(host, int(port), timeout=30)
            client.ehlo()
            client.starttls(context=context)
        client.ehlo()
        client.user, client.password = user, password
        code, text = client.auth(mech, {'PLAIN': client.auth_plain, 'LOGIN': client.auth_login}[mech], initial_response_ok=(mech == 'PLAIN'))
        print('AUTH', code, text.decode())
        if path == 'big':
            # 25 MB + 1 byte: once declared with SIZE (refused at MAIL), once streamed without (refused after DATA).
            line = b'x' * 78 + b'\r\n'
            header = b'Subject: too big\r\n\r\n'
            body = line * ((26214401 - len(header)) // len(line))
            message = header + body + b'y' * (26214401 - len(header) - len(body))
            assert len(message) == 26214401
            try:
                client.sendmail(sender, [rcpt], message)
            except smtplib.SMTPSenderRefused as e:
                print('MAIL', e.smtp_code, e.smtp_error.decode())
            client.rset()
            client.mail(sender)
            client.rcpt(rcpt)
            code, text = client.data(message)
            print('DATA', code, text.decode())
            print('NOOP', client.noop()[0])
        else:
            client.mail(sender)
            client.rcpt(rcpt)
            code, text = client.data(open(path, 'rb').read())
            print('DATA', code, text.decode())
        client.quit()
        """;

    private const string NodeClient = """
        const nodemailer = require('nodemailer');
        const fs = require('fs');
        const [host, port, mode, mech, user, pass, from, to, ca, file] = process.argv.slice(1);
        const transport = nodemailer.createTransport({
          host, port: Number(port), secure: mode === 'ssl', requireTLS: mode === 'starttls',
          authMethod: mech, auth: { user, pass }, tls: { ca: fs.readFileSync(ca) },
        });
        transport.sendMail({ envelope: { from, to: [to] }, raw: fs.readFileSync(file) })
          .then(info => console.log('SENT', info.response))
          .catch(error => { console.log('ERROR', error.responseCode, error.response || error.message); process.exitCode = 1; });
        """;

    public static TheoryData<string, string, string> Cases => new()
    {
        { "swaks", "ssl", "PLAIN" },
        { "swaks", "starttls", "LOGIN" },
        { "smtplib", "ssl", "LOGIN" },
        { "smtplib", "starttls", "PLAIN" },
        { "nodemailer", "ssl", "PLAIN" },
        { "nodemailer", "starttls", "LOGIN" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_real_client_submits_over_TLS_and_the_message_is_stored_byte_for_byte(string client, string mode, string mechanism)
    {
        var grant = await Server.CreateGrantAsync();
        var port = mode == "ssl" ? Server.SubmissionsPort : Server.SubmissionPort;
        var message = $"From: Human <{grant.Email}>\r\nTo: Customer <customer@example.com>\r\nSubject: {client} {mode} {mechanism}\r\n" +
            $"Message-ID: <{client}-{Guid.NewGuid():N}@client.test>\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
            "Hello,\r\n.this line starts with a dot\r\n..and this with two\r\nMerci — à bientôt\r\n";
        var file = Path.GetTempFileName();
        // swaks ends the data with its own CRLF before the final ".": give it the message without its last one.
        await File.WriteAllBytesAsync(file, Encoding.UTF8.GetBytes(client == "swaks" ? message[..^2] : message));
        try
        {
            var (code, output, error) = client switch
            {
                "swaks" => await ExternalProcess.RunAsync(ExternalProcess.Require("swaks", "swaks"),
                [
                    "--server", $"localhost:{port}", mode == "ssl" ? "--tls-on-connect" : "--tls", "--tls-verify", "--tls-ca-path", SmtpTestServer.CertificatePath,
                    "--auth", mechanism, "--auth-user", grant.Email, "--auth-password", SmtpTestServer.AppPassword,
                    "--from", grant.Email, "--to", "customer@example.com", "--data", "@" + file,
                ]),
                "smtplib" => await ExternalProcess.RunAsync(ExternalProcess.DebianPython,
                    ["-c", PythonClient, "localhost", $"{port}", mode, mechanism, grant.Email, SmtpTestServer.AppPassword, grant.Email, "customer@example.com", SmtpTestServer.CertificatePath, file]),
                _ => await ExternalProcess.RunAsync(ExternalProcess.Require("node", "nodejs"),
                    ["-e", NodeClient, "localhost", $"{port}", mode, mechanism, grant.Email, SmtpTestServer.AppPassword, grant.Email, "customer@example.com", SmtpTestServer.CertificatePath, file]),
            };
            Assert.True(code == 0, $"{client} failed ({code}): {output} {error}");
            Assert.Matches("250 2.0.0 Ok: queued as [0-9a-f]{32}", output);
            if (client == "swaks")
                Assert.Contains($"~> AUTH {mechanism}", output);

            var sent = await Server.Mailbox.FolderAsync(grant.Id, SystemFolder.SentRole);
            var stored = Assert.Single(await Server.Mailbox.Messages.GetByUidsAsync(grant.Id, sent.Id, [new UidRange(1, long.MaxValue)], default));
            Assert.Equal(message, Encoding.UTF8.GetString((await Server.Mailbox.Blobs.ReadAllAsync(stored.BlobSha256, default))!));
            Assert.Equal(["customer@example.com"], await RecipientsAsync(grant));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_25_MB_plus_1_byte_message_is_refused_with_the_maximum_named_and_nothing_is_stored()
    {
        var grant = await Server.CreateGrantAsync();
        var (code, output, error) = await ExternalProcess.RunAsync(ExternalProcess.DebianPython,
            ["-c", PythonClient, "localhost", $"{Server.SubmissionsPort}", "ssl", "PLAIN", grant.Email, SmtpTestServer.AppPassword, grant.Email, "customer@example.com", SmtpTestServer.CertificatePath, "big"],
            timeout: TimeSpan.FromSeconds(120));
        Assert.True(code == 0, output + error);
        Assert.True(output.Contains("DATA 552"), output);
        Assert.Contains("MAIL 552 5.3.4 Message size exceeds fixed maximum message size of 26214400 bytes", output); // declared with SIZE
        Assert.Contains("DATA 552 5.3.4 Message size exceeds fixed maximum message size of 26214400 bytes", output); // streamed without
        Assert.Contains("NOOP 250", output); // the session goes on
        var sent = await Server.Mailbox.FolderAsync(grant.Id, SystemFolder.SentRole);
        Assert.Empty(await Server.Mailbox.Messages.GetByUidsAsync(grant.Id, sent.Id, [new UidRange(1, long.MaxValue)], default));
        Assert.Empty(await RecipientsAsync(grant));
    }

    [Fact]
    public async Task Openssl_s_client_negotiates_STARTTLS_and_verifies_the_certificate()
    {
        var (code, output, error) = await ExternalProcess.RunAsync(ExternalProcess.Require("openssl", "openssl"),
            ["s_client", "-starttls", "smtp", "-connect", $"127.0.0.1:{Server.SubmissionPort}", "-servername", "localhost",
             "-verify_hostname", "localhost", "-CAfile", SmtpTestServer.CertificatePath, "-verify_return_error", "-brief", "-ign_eof"],
            standardInput: "EHLO openssl.test\r\nQUIT\r\n");
        var transcript = output + error;
        Assert.True(code == 0, transcript);
        Assert.Contains("Verification: OK", transcript);
        Assert.Contains("250 AUTH PLAIN LOGIN", transcript);
        Assert.Contains("221 2.0.0", transcript);
    }

    private async Task<List<string>> RecipientsAsync(Grant grant)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Server.Mailbox.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT r.recipient FROM outbound_recipients r JOIN outbound_messages o ON o.id = r.outbound_id WHERE o.grant_id = $1 ORDER BY 1", connection);
        command.Parameters.AddWithValue(grant.Id);
        var recipients = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            recipients.Add(reader.GetString(0));
        return recipients;
    }
}
