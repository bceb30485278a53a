using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Infrastructure;
using AgentMail.Tests.Webhooks.Support;

namespace AgentMail.Tests.Webhooks;

/// <summary>
/// The seed's table, action by action, through each surface with real clients — Python's smtplib
/// on port 25 and on submission, Python's imaplib (IDLE included) on IMAP over TLS, HTTP to the
/// API — each producing exactly the expected webhook, whose object is what the API's GET returns.
/// </summary>
public sealed class SurfaceEventTests(SurfacesFixture fixture) : IClassFixture<SurfacesFixture>
{
    [Fact]
    public async Task Inbound_mail_on_port_25_is_message_created_in_the_inbox()
    {
        var grant = await ReadyGrantAsync();
        var output = await PythonClient.RunAsync(SmtpScript, "127.0.0.1", Port(fixture.Mail.MxPort), "", "", "",
            "sender@example.org", grant.Email, Message("sender@example.org", grant.Email, "Inbound over port 25", "Hello from outside."));
        Assert.Matches(@"^MAIL 250\nRCPT 250\nDATA 250 ", output);

        var created = await NextAsync(grant, "message.created");
        Assert.Equal("Inbound over port 25", created.Object.GetProperty("subject").GetString());
        Assert.Equal(["inbox"], Strings(created.Object.GetProperty("folders")));
        Assert.True(created.Object.GetProperty("unread").GetBoolean());
        Assert.Equal("sender@example.org", created.Object.GetProperty("from")[0].GetProperty("email").GetString());
        Assert.Contains("Hello from outside.", created.Object.GetProperty("body").GetString(), StringComparison.Ordinal);
        await AssertIsTheApiMessageAsync(grant, created);
        await AssertOneNotificationPerEventAsync(grant);
    }

    [Fact]
    public async Task IMAP_STORE_Seen_is_unread_false_and_STORE_Flagged_is_starred_true()
    {
        var grant = await ReadyGrantAsync();
        var message = await DeliverAsync(grant, "Flag me");

        await ImapAsync(grant, ["select", "INBOX"], ["store", "1", "+FLAGS", "(\\Seen)"]);
        var seen = await NextAsync(grant, "message.updated");
        Assert.Equal(message.Id.ToString(), seen.Object.GetProperty("id").GetString());
        Assert.False(seen.Object.GetProperty("unread").GetBoolean());
        Assert.False(seen.Object.GetProperty("starred").GetBoolean());
        await AssertIsTheApiMessageAsync(grant, seen);

        await ImapAsync(grant, ["select", "INBOX"], ["store", "1", "+FLAGS", "(\\Flagged)"]);
        var flagged = await NextAsync(grant, "message.updated");
        Assert.Equal(message.Id.ToString(), flagged.Object.GetProperty("id").GetString());
        Assert.False(flagged.Object.GetProperty("unread").GetBoolean());
        Assert.True(flagged.Object.GetProperty("starred").GetBoolean());
        await AssertIsTheApiMessageAsync(grant, flagged);
        await AssertOneNotificationPerEventAsync(grant);
    }

    [Fact]
    public async Task IMAP_MOVE_is_message_updated_with_the_new_folders()
    {
        var grant = await ReadyGrantAsync();
        var message = await DeliverAsync(grant, "Move me");

        await ImapAsync(grant, ["select", "INBOX"], ["uid", "MOVE", "1", "Archive"]);
        var moved = await NextAsync(grant, "message.updated");
        Assert.Equal(message.Id.ToString(), moved.Object.GetProperty("id").GetString());
        Assert.Equal(["archive"], Strings(moved.Object.GetProperty("folders")));
        await AssertIsTheApiMessageAsync(grant, moved);
        await AssertOneNotificationPerEventAsync(grant);
    }

    [Fact]
    public async Task IMAP_EXPUNGE_is_message_updated_with_the_message_in_Trash()
    {
        var grant = await ReadyGrantAsync();
        var message = await DeliverAsync(grant, "Delete me");

        await ImapAsync(grant, ["select", "INBOX"], ["store", "1", "+FLAGS.SILENT", "(\\Deleted)"], ["expunge"]);
        var notifications = await SettledAsync(grant);
        var last = notifications[^1];
        Assert.Equal("message.updated", last.Type);
        Assert.Equal(message.Id.ToString(), last.Object.GetProperty("id").GetString());
        Assert.Equal(["trash"], Strings(last.Object.GetProperty("folders")));
        // Only message.updated about this message, and none says it is gone: EXPUNGE moves to Trash.
        Assert.All(notifications, n => Assert.Equal(("message.updated", message.Id.ToString()), (n.Type, n.Object.GetProperty("id").GetString())));
        await AssertIsTheApiMessageAsync(grant, last);
        await AssertOneNotificationPerEventAsync(grant);
    }

    [Fact]
    public async Task IMAP_CREATE_is_folder_created()
    {
        var grant = await ReadyGrantAsync();

        await ImapAsync(grant, ["create", "Projects"]);
        var created = await NextAsync(grant, "folder.created");
        Assert.Equal("Projects", created.Object.GetProperty("name").GetString());
        Assert.Equal("folder", created.Object.GetProperty("object").GetString());
        using var api = await GetAsync($"/v3/grants/{grant.Id}/folders/{created.Object.GetProperty("id").GetString()}");
        AssertJsonEqual(api.RootElement.GetProperty("data"), created.Object);
        await AssertOneNotificationPerEventAsync(grant);
    }

    [Fact]
    public async Task SMTP_submission_is_message_created_in_Sent()
    {
        var grant = await ReadyGrantAsync();
        var output = await PythonClient.RunAsync(SmtpScript, "127.0.0.1", Port(fixture.Mail.SubmissionsPort), fixture.Mail.CertificatePath,
            grant.Email, SurfacesFixture.Password, grant.Email, "friend@example.org", Message(grant.Email, "friend@example.org", "Submitted over SMTP", "Sent from a mail client."));
        Assert.Matches(@"^AUTH 235\nMAIL 250\nRCPT 250\nDATA 250 ", output);

        var created = await NextAsync(grant, "message.created");
        Assert.Equal("Submitted over SMTP", created.Object.GetProperty("subject").GetString());
        Assert.Equal(["sent"], Strings(created.Object.GetProperty("folders")));
        Assert.False(created.Object.GetProperty("unread").GetBoolean());
        Assert.Equal("friend@example.org", created.Object.GetProperty("to")[0].GetProperty("email").GetString());
        await AssertIsTheApiMessageAsync(grant, created);
        await AssertOneNotificationPerEventAsync(grant);
    }

    [Fact]
    public async Task API_send_is_message_created_in_Sent()
    {
        var grant = await ReadyGrantAsync();
        using var client = fixture.Api.CreateClient();
        using var response = await client.PostAsJsonAsync($"/v3/grants/{grant.Id}/messages/send", new
        {
            to = new[] { new { email = "friend@example.org", name = "Friend" } },
            subject = "Sent through the API",
            body = "<p>From the agent.</p>",
        });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var sentId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("id").GetString();

        var created = await NextAsync(grant, "message.created");
        Assert.Equal(sentId, created.Object.GetProperty("id").GetString());
        Assert.Equal("Sent through the API", created.Object.GetProperty("subject").GetString());
        Assert.Equal(["sent"], Strings(created.Object.GetProperty("folders")));
        Assert.Contains("From the agent.", created.Object.GetProperty("body").GetString(), StringComparison.Ordinal);
        await AssertIsTheApiMessageAsync(grant, created);
        await AssertOneNotificationPerEventAsync(grant);
    }

    [Fact]
    public async Task API_PUT_is_message_updated_and_the_idling_IMAP_client_sees_FETCH_FLAGS()
    {
        var grant = await ReadyGrantAsync();
        var message = await DeliverAsync(grant, "Star me from the API");
        await using var idle = PythonClient.Start(IdleScript, ImapArguments(grant));
        Assert.StartsWith("+ ", await idle.ReadLineAsync()); // the continuation: the client is idling

        using var client = fixture.Api.CreateClient();
        using var response = await client.PutAsJsonAsync($"/v3/grants/{grant.Id}/messages/{message.Id}", new { unread = false, starred = true });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        var fetch = await idle.ReadLineAsync();
        var flags = Regex.Match(fetch, @"^\* 1 FETCH \(.*FLAGS \(([^)]*)\)");
        Assert.True(flags.Success, fetch);
        Assert.Equal(["\\Flagged", "\\Seen"], flags.Groups[1].Value.Split(' ').Order(StringComparer.Ordinal));
        Assert.Matches(@"^W1 OK", await idle.ReadLineAsync());
        await idle.WaitForExitAsync();

        var updated = await NextAsync(grant, "message.updated");
        Assert.Equal(message.Id.ToString(), updated.Object.GetProperty("id").GetString());
        Assert.False(updated.Object.GetProperty("unread").GetBoolean());
        Assert.True(updated.Object.GetProperty("starred").GetBoolean());
        await AssertIsTheApiMessageAsync(grant, updated);
        await AssertOneNotificationPerEventAsync(grant);
    }

    // ---- scripts: the clients' own libraries do the protocol ----

    /// <summary>argv: host port cafile user password from to message. With a cafile: implicit TLS and AUTH (submission); without: plain (port 25).</summary>
    private const string SmtpScript = """
        import smtplib, ssl, sys
        host, port, cafile, user, password, sender, rcpt, message = sys.argv[1:9]
        if cafile:
            context = ssl.create_default_context(cafile=cafile)
            context.check_hostname = False
            client = smtplib.SMTP_SSL(host, int(port), context=context, timeout=30)
        else:
            client = smtplib.SMTP(host, int(port), timeout=30)
        client.ehlo("client.example")
        if user:
            code, _ = client.login(user, password)
            print("AUTH", code)
        print("MAIL", client.mail(sender)[0])
        print("RCPT", client.rcpt(rcpt)[0])
        code, reply = client.data(message.encode())
        print("DATA", code, reply.decode())
        client.quit()
        """;

    /// <summary>argv: host port cafile user password ops-json; each op is an IMAP4 method and its arguments, and must answer OK.</summary>
    private const string ImapScript = """
        import imaplib, json, ssl, sys
        host, port, cafile, user, password, ops = sys.argv[1:7]
        context = ssl.create_default_context(cafile=cafile)
        context.check_hostname = False
        imap = imaplib.IMAP4_SSL(host, int(port), ssl_context=context, timeout=30)
        imap.login(user, password)
        for op in json.loads(ops):
            typ, data = getattr(imap, op[0])(*op[1:])
            print(op[0], typ, data)
            if typ != "OK":
                sys.exit(1)
        imap.logout()
        """;

    /// <summary>argv: host port cafile user password. Selects INBOX, IDLEs, prints the continuation, the first FETCH, then DONE's tagged reply.</summary>
    private const string IdleScript = """
        import imaplib, ssl, sys
        host, port, cafile, user, password = sys.argv[1:6]
        context = ssl.create_default_context(cafile=cafile)
        context.check_hostname = False
        imap = imaplib.IMAP4_SSL(host, int(port), ssl_context=context, timeout=30)
        imap.login(user, password)
        imap.select("INBOX")
        imap.send(b"W1 IDLE\r\n")
        print(imap.readline().decode().rstrip())
        while True:
            line = imap.readline().decode().rstrip()
            if " FETCH " in line:
                print(line)
                break
        imap.send(b"DONE\r\n")
        while True:
            line = imap.readline().decode().rstrip()
            if line.startswith("W1 "):
                print(line)
                break
        imap.logout()
        """;

    // ---- helpers ----

    private string[] ImapArguments(Grant grant) =>
        ["127.0.0.1", Port(fixture.Mail.ImapsPort), fixture.Mail.CertificatePath, grant.Email, SurfacesFixture.Password];

    private async Task ImapAsync(Grant grant, params string[][] ops) =>
        await PythonClient.RunAsync(ImapScript, [.. ImapArguments(grant), JsonSerializer.Serialize(ops)]);

    /// <summary>A new grant whose own creation events have all been delivered, so each test sees only what its action causes.</summary>
    private async Task<Grant> ReadyGrantAsync()
    {
        var grant = await fixture.CreateGrantAsync();
        await SettledAsync(grant);
        return grant;
    }

    /// <summary>A message put in the inbox through the core (the arrangement, not the action under test), its notification consumed.</summary>
    private async Task<MessageRecord> DeliverAsync(Grant grant, string subject)
    {
        var inbox = await fixture.Context.Mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var appended = await fixture.Context.Mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create(subject), new AppendOptions(), default);
        await SettledAsync(grant);
        return appended.Message;
    }

    /// <summary>Waits until every event of the grant so far has been delivered; returns the notifications not yet consumed.</summary>
    private async Task<IReadOnlyList<ReceivedNotification>> SettledAsync(Grant grant)
    {
        var events = await fixture.EventsAsync(grant);
        var all = await fixture.WaitForAsync(grant, events.Count);
        var fresh = all.Skip(_consumed.GetValueOrDefault(grant.Id)).ToArray();
        _consumed[grant.Id] = all.Count;
        return fresh;
    }

    private readonly Dictionary<Guid, int> _consumed = [];

    /// <summary>The single notification the action caused: exactly one new event, delivered once, of <paramref name="type"/>.</summary>
    private async Task<ReceivedNotification> NextAsync(Grant grant, string type)
    {
        var before = _consumed.GetValueOrDefault(grant.Id);
        var events = await WebhookTestContext.EventuallyAsync(() => fixture.EventsAsync(grant), e => e.Count > before, $"an event for {grant.Email}");
        var fresh = await SettledAsync(grant);
        var notification = Assert.Single(fresh);
        Assert.Equal(type, notification.Type);
        Assert.Equal((type, notification.Object.GetProperty("id").GetString()!), events[^1]);
        Assert.Equal(1, notification.Attempt);
        Assert.Equal(WebhookTestContext.ApplicationId, notification.ApplicationId);
        return notification;
    }

    /// <summary>Each event of the grant arrived exactly once (by delivery id), signed with the destination's secret.</summary>
    private async Task AssertOneNotificationPerEventAsync(Grant grant)
    {
        var events = await fixture.EventsAsync(grant);
        var received = fixture.For(grant);
        Assert.Equal(events.Count, received.Count);
        Assert.Equal(received.Count, received.Select(r => r.Notification.Id).Distinct().Count());
        Assert.Equal(events.Order(), received.Select(r => (r.Notification.Type, r.Notification.Object.GetProperty("id").GetString()!)).Order());
        Assert.All(received, r => Assert.True(r.Request.IsSignedWith(fixture.Destination.Secret)));
    }

    /// <summary>The notification's object is the message as GET /v3/grants/{grant}/messages/{id} shows it now.</summary>
    private async Task AssertIsTheApiMessageAsync(Grant grant, ReceivedNotification notification)
    {
        using var api = await GetAsync($"/v3/grants/{grant.Id}/messages/{notification.Object.GetProperty("id").GetString()}");
        AssertJsonEqual(api.RootElement.GetProperty("data"), notification.Object);
    }

    private async Task<JsonDocument> GetAsync(string path)
    {
        using var client = fixture.Api.CreateClient();
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }

    private static void AssertJsonEqual(JsonElement expected, JsonElement actual) =>
        Assert.Equal(Canonical(expected), Canonical(actual));

    /// <summary>JSON with object keys sorted, so two serializations of the same object compare equal.</summary>
    private static string Canonical(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => JsonSerializer.Serialize(p.Name) + ":" + Canonical(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(",", element.EnumerateArray().Select(Canonical)) + "]",
        _ => element.GetRawText(),
    };

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Message(string from, string to, string subject, string body) =>
        $"From: <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@client.example>\r\n" +
        $"Date: Sat, 21 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n";
}
