using System.Text.Json.Nodes;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Api.Support;
using AgentMail.Tests.Smtp.Support;

namespace AgentMail.Tests.Smtp;

/// <summary>
/// The real API (POST /messages/send over HTTP) and SMTP submission side by side on one database:
/// a reply from a mail client joins the thread an agent started, and both sends read back through
/// the API alike and fire alike.
/// </summary>
public sealed class ApiAndSmtpSendTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private SmtpTestServer Smtp => fixture.Server;

    [Fact]
    public async Task A_reply_submitted_over_SMTP_to_an_API_send_joins_its_thread_and_reads_back_like_an_API_send()
    {
        var api = await ApiServer.GetAsync();
        using var http = api.CreateClient();
        var grant = await Smtp.CreateGrantAsync();

        // The agent writes first, through the API.
        var first = await http.ApiPostAsync($"/v3/grants/{grant.Email}/messages/send", new
        {
            to = new[] { new { name = "Customer", email = "customer@customer.example" } },
            subject = "Order 42",
            body = "Your order has shipped.",
        });
        Assert.Equal(System.Net.HttpStatusCode.OK, first.Status);
        var apiId = Guid.Parse(first.Data["id"]!.GetValue<string>());
        var threadId = first.Data["thread_id"]!.GetValue<string>();
        var apiCopy = (await Smtp.Mailbox.Messages.GetAsync(grant.Id, apiId, default))!;

        // The person follows up from a mail client, threading the way clients do.
        var inReplyTo = $"In-Reply-To: <{apiCopy.MessageId}>\r\n";
        var references = $"References: <{apiCopy.MessageId}>\r\n";
        var reply = $"From: {grant.Email}\r\nTo: Customer <customer@customer.example>\r\nSubject: Re: Order 42\r\n" +
                    $"Message-ID: <followup-{Guid.NewGuid():N}@client.test>\r\nDate: Sat, 21 Nov 2026 11:00:00 +0000\r\n{inReplyTo}{references}" +
                    "Content-Type: text/plain; charset=utf-8\r\n\r\nTracking number follows.\r\n";
        await Smtp.SubmitOverSmtpAsync(grant, ["customer@customer.example"], reply);
        var sent = await Smtp.Mailbox.FolderAsync(grant.Id, SystemFolder.SentRole);
        var stored = await Smtp.Mailbox.Messages.GetByUidsAsync(grant.Id, sent.Id, [new UidRange(1, long.MaxValue)], default);
        var smtpCopy = Assert.Single(stored, m => m.Id != apiId);
        Assert.Equal(reply, System.Text.Encoding.UTF8.GetString((await Smtp.Mailbox.Blobs.ReadAllAsync(smtpCopy.BlobSha256, default))!));

        // Through the API both are Sent messages of one thread, in the same shape.
        var viaSmtp = await http.ApiGetAsync($"/v3/grants/{grant.Email}/messages/{smtpCopy.Id}");
        var viaApi = await http.ApiGetAsync($"/v3/grants/{grant.Email}/messages/{apiId}");
        Assert.Equal(System.Net.HttpStatusCode.OK, viaSmtp.Status);
        Assert.Equal(threadId, viaSmtp.Data["thread_id"]!.GetValue<string>());
        Assert.Equal(apiCopy.MessageId, viaSmtp.Data["in_reply_to"]!.GetValue<string>().Trim('<', '>'));
        Assert.Equal(Keys(viaApi.Data), Keys(viaSmtp.Data));
        foreach (var field in new[] { "folders", "unread", "starred", "from", "to", "grant_id", "object" })
            Assert.Equal(viaApi.Data[field]!.ToJsonString(), viaSmtp.Data[field]!.ToJsonString());
        Assert.Equal("""["sent"]""", viaSmtp.Data["folders"]!.ToJsonString());
        Assert.Equal($$"""[{"email":"{{grant.Email}}"}]""", viaSmtp.Data["from"]!.ToJsonString());

        var thread = await http.ApiGetAsync($"/v3/grants/{grant.Email}/threads/{threadId}");
        Assert.Equal(System.Net.HttpStatusCode.OK, thread.Status);
        Assert.Equal(new[] { apiId.ToString(), smtpCopy.Id.ToString() }.Order(),
            thread.Data["message_ids"]!.AsArray().Select(n => n!.GetValue<string>()).Order());

        // One message.created each, with the same fields, and both handed to the one outbound queue.
        var created = (await Smtp.Mailbox.EventsAsync(grant.Id)).Where(e => e.Type == "message.created").ToList();
        Assert.Equal(new[] { apiId.ToString(), smtpCopy.Id.ToString() }.Order(), created.Select(e => e.ObjectId).Order());
        Assert.Equal(Keys(JsonNode.Parse(created[0].Payload)!), Keys(JsonNode.Parse(created[1].Payload)!));
        foreach (var id in new[] { apiId, smtpCopy.Id })
            Assert.Equal(grant.Email, await Smtp.Mailbox.ScalarAsync<string>("SELECT envelope_from FROM outbound_messages WHERE message_id = $1", id));
    }

    [Fact]
    public async Task A_grant_created_through_the_API_with_an_app_password_can_submit_over_SMTP()
    {
        var api = await ApiServer.GetAsync();
        var grant = await Seed.GrantAsync(api, SmtpTestServer.AppPassword);
        await Smtp.SubmitOverSmtpAsync(grant, ["x@example.com"], $"From: {grant.Email}\r\nTo: x@example.com\r\nSubject: from the API's grant\r\n\r\nhi\r\n");
        var sent = await Smtp.Mailbox.FolderAsync(grant.Id, SystemFolder.SentRole);
        var stored = Assert.Single(await Smtp.Mailbox.Messages.GetByUidsAsync(grant.Id, sent.Id, [new UidRange(1, long.MaxValue)], default));
        Assert.Equal("from the API's grant", stored.Subject);
    }

    /// <summary>The fields present, less in_reply_to (only a reply has one; the API leaves out what is null).</summary>
    private static string Keys(JsonNode node) => string.Join(",", node.AsObject().Select(p => p.Key).Where(k => k != "in_reply_to").Order());
}
