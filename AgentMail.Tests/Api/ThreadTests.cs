using System.Net;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

/// <summary>/threads: Nylas's thread fields computed from the messages, filters, and updates to every message.</summary>
public sealed class ThreadTests
{
    private static readonly DateTimeOffset T0 = new(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);

    private sealed record Conversation(MessageRecord First, MessageRecord Reply, MessageRecord Sent, MessageRecord Draft, MessageRecord Lone);

    private static async Task<Conversation> ArrangeAsync(ApiServer server, Guid grantId)
    {
        var first = await Seed.AppendAsync(server, grantId,
            Seed.Message("Dinner Wednesday?", from: "dany@example.com", fromName: "Daenerys", messageId: $"first-{grantId}@example.com", text: "Are you free?"),
            receivedAt: T0);
        var reply = await Seed.AppendAsync(server, grantId,
            Seed.Message("Re: Dinner Wednesday?", from: "rebecca@example.com", cc: "jon@example.com", messageId: $"reply-{grantId}@example.com",
                inReplyTo: first.MessageId, text: "Yes, and here is the menu.", attachment: ("menu.pdf", "application/pdf", [1, 2])),
            flags: MessageFlags.Flagged, receivedAt: T0.AddHours(1));
        var sent = await Seed.AppendAsync(server, grantId,
            Seed.Message("Re: Dinner Wednesday?", from: "agent@agentmail.test", to: "dany@example.com", inReplyTo: reply.MessageId, text: "Booked."),
            SystemFolder.SentRole, MessageFlags.Seen, receivedAt: T0.AddHours(2));
        var draft = await Seed.AppendAsync(server, grantId,
            Seed.Message("Re: Dinner Wednesday?", from: "agent@agentmail.test", to: "dany@example.com", inReplyTo: sent.MessageId, text: "P.S."),
            SystemFolder.DraftsRole, MessageFlags.Draft | MessageFlags.Seen, receivedAt: T0.AddHours(3));
        var lone = await Seed.AppendAsync(server, grantId, Seed.Message("Unrelated", from: "news@letters.test"), flags: MessageFlags.Seen, receivedAt: T0.AddDays(1));
        Assert.All(new[] { reply, sent, draft }, m => Assert.Equal(first.ThreadId, m.ThreadId));
        return new Conversation(first, reply, sent, draft, lone);
    }

    [Fact]
    public async Task A_thread_carries_Nylas_fields_computed_from_its_messages()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var c = await ArrangeAsync(server, grant.Id);

        var response = await client.ApiGetAsync($"/v3/grants/{grant.Id}/threads/{c.First.ThreadId}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var t = response.Data;
        Assert.Equal("thread", t["object"]!.GetValue<string>());
        Assert.Equal(c.First.ThreadId.ToString(), t["id"]!.GetValue<string>());
        Assert.Equal(grant.Id.ToString(), t["grant_id"]!.GetValue<string>());
        Assert.Equal("Dinner Wednesday?", t["subject"]!.GetValue<string>());
        Assert.True(t["has_attachments"]!.GetValue<bool>());
        Assert.True(t["has_drafts"]!.GetValue<bool>());
        Assert.True(t["starred"]!.GetValue<bool>());
        Assert.True(t["unread"]!.GetValue<bool>());
        Assert.Equal(T0.ToUnixTimeSeconds(), t["earliest_message_date"]!.GetValue<long>());
        Assert.Equal(T0.AddHours(1).ToUnixTimeSeconds(), t["latest_message_received_date"]!.GetValue<long>());
        Assert.Equal(T0.AddHours(2).ToUnixTimeSeconds(), t["latest_message_sent_date"]!.GetValue<long>());
        Assert.Equal([c.First.Id.ToString(), c.Reply.Id.ToString(), c.Sent.Id.ToString()], t["message_ids"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal([c.Draft.Id.ToString()], t["draft_ids"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal(["inbox", "sent", "drafts"], t["folders"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal("Booked.", t["snippet"]!.GetValue<string>());
        Assert.Equal(
            ["dany@example.com", "agent@agentmail.test", "rebecca@example.com", "jon@example.com"],
            t["participants"]!.AsArray().Select(p => p!["email"]!.GetValue<string>()));
        Assert.Equal("Daenerys", t["participants"]!.AsArray()[0]!["name"]!.GetValue<string>());
        var latest = t["latest_draft_or_message"]!;
        Assert.Equal(c.Draft.Id.ToString(), latest["id"]!.GetValue<string>());
        Assert.Equal("P.S.", latest["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_list_is_latest_first_filters_by_messages_and_pages()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var c = await ArrangeAsync(server, grant.Id);
        var path = $"/v3/grants/{grant.Id}/threads";

        async Task Expect(string query, params MessageRecord[] threadsOf)
        {
            var response = await client.ApiGetAsync($"{path}?{query}");
            Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
            Assert.Equal(threadsOf.Select(m => m.ThreadId.ToString()), response.Data.AsArray().Select(t => t!["id"]!.GetValue<string>()));
        }

        await Expect("", c.Lone, c.First);
        await Expect("unread=true", c.First);
        await Expect("starred=true", c.First);
        await Expect("in=sent", c.First);
        await Expect("from=news@letters.test", c.Lone);
        await Expect("any_email=jon@example.com", c.First);
        await Expect("subject=unrelated", c.Lone);
        await Expect("search_query_native=menu", c.First);
        await Expect("has_attachment=true", c.First);
        await Expect($"latest_message_before={T0.AddHours(12).ToUnixTimeSeconds()}", c.First);
        await Expect($"latest_message_after={T0.AddHours(12).ToUnixTimeSeconds()}", c.Lone);

        var first = await client.ApiGetAsync($"{path}?limit=1&select=id,subject");
        Assert.Equal($$"""{"id":"{{c.Lone.ThreadId}}","subject":"Unrelated"}""", first.Data.AsArray().Single()!.ToJsonString());
        var second = await client.ApiGetAsync($"{path}?limit=1&page_token={first.Json!["next_cursor"]!.GetValue<string>()}");
        Assert.Equal(c.First.ThreadId.ToString(), second.Data.AsArray().Single()!["id"]!.GetValue<string>());
        Assert.Null(second.Json!["next_cursor"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.ApiGetAsync($"{path}?limit=51")).Status);
    }

    [Fact]
    public async Task Update_applies_to_every_message_of_the_thread()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var c = await ArrangeAsync(server, grant.Id);
        var eventsBefore = (await server.Mailbox.EventsAsync(grant.Id)).Count;

        var read = await client.ApiPutAsync($"/v3/grants/{grant.Id}/threads/{c.First.ThreadId}", new { unread = false, starred = false });

        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.False(read.Data["unread"]!.GetValue<bool>());
        Assert.False(read.Data["starred"]!.GetValue<bool>());
        foreach (var id in new[] { c.First.Id, c.Reply.Id, c.Sent.Id, c.Draft.Id })
        {
            var m = (await server.Mailbox.Messages.GetAsync(grant.Id, id, CancellationToken.None))!;
            Assert.True(m.Flags.HasFlag(MessageFlags.Seen));
            Assert.False(m.Flags.HasFlag(MessageFlags.Flagged));
        }
        var updated = (await server.Mailbox.EventsAsync(grant.Id)).Skip(eventsBefore).Select(e => (e.Type, e.ObjectId)).ToHashSet();
        Assert.Equal([("message.updated", c.First.Id.ToString()), ("message.updated", c.Reply.Id.ToString())], updated);

        var archived = await client.ApiPutAsync($"/v3/grants/{grant.Id}/threads/{c.First.ThreadId}", new { folders = new[] { "archive" } });
        Assert.Equal(["archive"], archived.Data["folders"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal("archive", (await server.Mailbox.Messages.GetAsync(grant.Id, c.Draft.Id, CancellationToken.None))!.FolderPublicId);
        Assert.Equal("inbox", (await server.Mailbox.Messages.GetAsync(grant.Id, c.Lone.Id, CancellationToken.None))!.FolderPublicId);
    }

    [Fact]
    public async Task Delete_moves_every_message_to_Trash()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var c = await ArrangeAsync(server, grant.Id);

        var response = await client.ApiDeleteAsync($"/v3/grants/{grant.Id}/threads/{c.First.ThreadId}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(4, (await server.Mailbox.FolderAsync(grant.Id, SystemFolder.TrashRole)).MessageCount);
        Assert.Equal("inbox", (await server.Mailbox.Messages.GetAsync(grant.Id, c.Lone.Id, CancellationToken.None))!.FolderPublicId);
        var thread = await client.ApiGetAsync($"/v3/grants/{grant.Id}/threads/{c.First.ThreadId}");
        Assert.Equal(["trash"], thread.Data["folders"]!.AsArray().Select(f => f!.GetValue<string>()));
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("PUT", """{"unread": false}""")]
    [InlineData("DELETE", "")]
    public async Task An_unknown_thread_is_404(string method, string body)
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);

        foreach (var id in new[] { Guid.NewGuid().ToString(), "nope" })
        {
            var response = await client.ApiSendAsync(new HttpMethod(method), $"/v3/grants/{grant.Id}/threads/{id}", body.Length == 0 ? null : ApiCalls.Json(body));
            Assert.Equal(HttpStatusCode.NotFound, response.Status);
            Assert.Equal("not_found_error", response.ErrorType);
        }
    }
}
