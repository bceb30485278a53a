using System.Net;
using System.Text.Json.Nodes;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

/// <summary>/drafts: drafts are \Draft messages of the Drafts folder that IMAP clients share.</summary>
public sealed class DraftTests
{
    [Fact]
    public async Task Create_stores_a_Draft_flagged_message_in_Drafts_with_message_created()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);

        var response = await client.ApiPostAsync($"/v3/grants/{grant.Id}/drafts", new
        {
            subject = "Draft one",
            body = "<p>work in progress</p>",
            to = new[] { new { email = "bob@example.com" } },
            starred = true,
            metadata = new { key3 = "d" },
            attachments = new[] { new { filename = "notes.txt", content_type = "text/plain", content = Convert.ToBase64String("notes"u8.ToArray()) } },
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var draft = response.Data;
        Assert.Equal("draft", draft["object"]!.GetValue<string>());
        Assert.Equal("""["drafts"]""", draft["folders"]!.ToJsonString());
        Assert.True(draft["starred"]!.GetValue<bool>());
        Assert.Equal("<p>work in progress</p>", draft["body"]!.GetValue<string>());
        Assert.Equal("""{"key3":"d"}""", draft["metadata"]!.ToJsonString());
        var id = Guid.Parse(draft["id"]!.GetValue<string>());
        var stored = (await server.Mailbox.Messages.GetAsync(grant.Id, id, CancellationToken.None))!;
        Assert.Equal(MessageFlags.Draft | MessageFlags.Seen | MessageFlags.Flagged, stored.Flags);
        Assert.Equal((await server.Mailbox.FolderAsync(grant.Id, SystemFolder.DraftsRole)).Id, stored.FolderId);
        Assert.Equal(("message.created", id.ToString()), (await server.Mailbox.EventsAsync(grant.Id)).Select(e => (e.Type, e.ObjectId)).Last());
        Assert.Equal(0L, await server.Mailbox.ScalarAsync<long>("SELECT count(*) FROM outbound_messages WHERE grant_id = $1", grant.Id));

        var empty = await client.ApiPostAsync($"/v3/grants/{grant.Id}/drafts", new { subject = "no recipients yet" });
        Assert.Equal(HttpStatusCode.OK, empty.Status);
        Assert.Equal("[]", empty.Data["to"]!.ToJsonString());
    }

    [Fact]
    public async Task The_list_and_get_show_only_drafts_including_those_made_over_IMAP()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var imapDraft = await Seed.AppendAsync(server, grant.Id, Seed.Message("From Thunderbird"), SystemFolder.DraftsRole, MessageFlags.Draft | MessageFlags.Seen);
        var inboxMessage = await Seed.AppendAsync(server, grant.Id, Seed.Message("Not a draft"));
        var apiDraft = (await client.ApiPostAsync($"/v3/grants/{grant.Id}/drafts", new { subject = "From the API" })).Data["id"]!.GetValue<string>();

        var list = await client.ApiGetAsync($"/v3/grants/{grant.Id}/drafts");
        Assert.Equal([apiDraft, imapDraft.Id.ToString()], list.Data.AsArray().Select(d => d!["id"]!.GetValue<string>()));
        Assert.All(list.Data.AsArray(), d => Assert.Equal("draft", d!["object"]!.GetValue<string>()));
        var filtered = await client.ApiGetAsync($"/v3/grants/{grant.Id}/drafts?subject=thunderbird");
        Assert.Equal([imapDraft.Id.ToString()], filtered.Data.AsArray().Select(d => d!["id"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.OK, (await client.ApiGetAsync($"/v3/grants/{grant.Id}/drafts/{imapDraft.Id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.ApiGetAsync($"/v3/grants/{grant.Id}/drafts/{inboxMessage.Id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.ApiDeleteAsync($"/v3/grants/{grant.Id}/drafts/{inboxMessage.Id}")).Status);
        Assert.NotNull(await server.Mailbox.Messages.GetAsync(grant.Id, inboxMessage.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Update_replaces_only_the_fields_given_keeping_the_id_with_message_updated()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var created = await client.ApiPostAsync($"/v3/grants/{grant.Id}/drafts", new
        {
            subject = "First title",
            body = "<p>keep this body</p>",
            to = new[] { new { name = "Bob", email = "bob@example.com" } },
            attachments = new[] { new { filename = "a.txt", content_type = "text/plain", content = Convert.ToBase64String("attached text"u8.ToArray()) } },
        });
        var id = created.Data["id"]!.GetValue<string>();
        var before = (await server.Mailbox.Messages.GetAsync(grant.Id, Guid.Parse(id), CancellationToken.None))!;

        var updated = await client.ApiPutAsync($"/v3/grants/{grant.Id}/drafts/{id}", new { subject = "Second title", cc = new[] { new { email = "carol@example.com" } } });

        Assert.Equal(HttpStatusCode.OK, updated.Status);
        var draft = updated.Data;
        Assert.Equal(id, draft["id"]!.GetValue<string>());
        Assert.Equal("Second title", draft["subject"]!.GetValue<string>());
        Assert.Equal("<p>keep this body</p>", draft["body"]!.GetValue<string>());
        Assert.Equal("""[{"name":"Bob","email":"bob@example.com"}]""", draft["to"]!.ToJsonString());
        Assert.Equal("""[{"email":"carol@example.com"}]""", draft["cc"]!.ToJsonString());
        var attachment = draft["attachments"]!.AsArray().Single()!;
        Assert.Equal("a.txt", attachment["filename"]!.GetValue<string>());
        Assert.Equal(13, attachment["size"]!.GetValue<long>());
        var after = (await server.Mailbox.Messages.GetAsync(grant.Id, Guid.Parse(id), CancellationToken.None))!;
        Assert.True(after.Uid > before.Uid); // IMAP sees the old draft expunged and the new one appear
        Assert.Equal(before.Flags, after.Flags);
        Assert.Equal("message.updated", (await server.Mailbox.EventsAsync(grant.Id)).Last().Type);

        var plain = await client.ApiPutAsync($"/v3/grants/{grant.Id}/drafts/{id}", new { body = "now plain", is_plaintext = true, attachments = Array.Empty<object>() });
        Assert.Equal("now plain", plain.Data["body"]!.GetValue<string>());
        Assert.Equal("[]", plain.Data["attachments"]!.ToJsonString());
        var starred = await client.ApiPutAsync($"/v3/grants/{grant.Id}/drafts/{id}", new { starred = true });
        Assert.True(starred.Data["starred"]!.GetValue<bool>());
        Assert.Equal("now plain", starred.Data["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_removes_the_draft_for_good()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var id = (await client.ApiPostAsync($"/v3/grants/{grant.Id}/drafts", new { subject = "bin me" })).Data["id"]!.GetValue<string>();

        var response = await client.ApiDeleteAsync($"/v3/grants/{grant.Id}/drafts/{id}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Null(await server.Mailbox.Messages.GetAsync(grant.Id, Guid.Parse(id), CancellationToken.None));
        Assert.Equal(0, (await server.Mailbox.FolderAsync(grant.Id, SystemFolder.TrashRole)).MessageCount);
        Assert.Equal(("message.deleted", id), (await server.Mailbox.EventsAsync(grant.Id)).Select(e => (e.Type, e.ObjectId)).Last());
        Assert.Equal(HttpStatusCode.NotFound, (await client.ApiGetAsync($"/v3/grants/{grant.Id}/drafts/{id}")).Status);
    }

    [Fact]
    public async Task Sending_a_draft_submits_it_to_every_recipient_and_removes_the_draft()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var created = await client.ApiPostAsync($"/v3/grants/{grant.Id}/drafts", new
        {
            subject = "Ready",
            body = "<p>final</p>",
            to = new[] { new { email = "bob@example.com" } },
            bcc = new[] { new { email = "audit@example.com" } },
            metadata = new { key1 = "deal-9" },
        });
        var draftId = created.Data["id"]!.GetValue<string>();

        var response = await client.ApiPostAsync($"/v3/grants/{grant.Id}/drafts/{draftId}", new { });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var sent = response.Data;
        Assert.Equal("message", sent["object"]!.GetValue<string>());
        Assert.Equal("""["sent"]""", sent["folders"]!.ToJsonString());
        Assert.Equal("<p>final</p>", sent["body"]!.GetValue<string>());
        Assert.Equal("""{"key1":"deal-9"}""", sent["metadata"]!.ToJsonString());
        var sentId = Guid.Parse(sent["id"]!.GetValue<string>());
        Assert.Equal(["audit@example.com", "bob@example.com"], await SendTests.RecipientsAsync(server, sentId));
        Assert.Null(await server.Mailbox.Messages.GetAsync(grant.Id, Guid.Parse(draftId), CancellationToken.None));
        var events = (await server.Mailbox.EventsAsync(grant.Id)).TakeLast(2).Select(e => (e.Type, e.ObjectId));
        Assert.Equal([("message.created", sentId.ToString()), ("message.deleted", draftId)], events);
        Assert.Equal(HttpStatusCode.NotFound, (await client.ApiPostAsync($"/v3/grants/{grant.Id}/drafts/{draftId}", new { })).Status);
    }

    [Fact]
    public async Task A_draft_without_recipients_is_not_sent_and_stays()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var id = (await client.ApiPostAsync($"/v3/grants/{grant.Id}/drafts", new { subject = "nobody" })).Data["id"]!.GetValue<string>();

        var response = await client.ApiPostAsync($"/v3/grants/{grant.Id}/drafts/{id}", new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("The draft has no recipients: set 'to', 'cc' or 'bcc' before sending it.", response.ErrorMessage);
        Assert.NotNull(await server.Mailbox.Messages.GetAsync(grant.Id, Guid.Parse(id), CancellationToken.None));
        Assert.Equal(0, (await server.Mailbox.FolderAsync(grant.Id, SystemFolder.SentRole)).MessageCount);
    }

    [Theory]
    [InlineData("""{"to": [{"email": "bad"}]}""", "'to[0].email': 'bad' is not an e-mail address: it needs a local part, '@' and a domain.")]
    [InlineData("""{"starred": "yes"}""", "'starred' must be true or false.")]
    [InlineData("""{"send_at": 5}""", "'send_at' (scheduled send) is not supported: send when the message should go.")]
    public async Task Bad_draft_requests_are_400_and_change_nothing(string body, string message)
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var id = (await client.ApiPostAsync($"/v3/grants/{grant.Id}/drafts", new { subject = "stable" })).Data["id"]!.GetValue<string>();
        var before = (await server.Mailbox.Messages.GetAsync(grant.Id, Guid.Parse(id), CancellationToken.None))!;

        var created = await client.ApiSendRawAsync(HttpMethod.Post, $"/v3/grants/{grant.Id}/drafts", body);
        var updated = await client.ApiSendRawAsync(HttpMethod.Put, $"/v3/grants/{grant.Id}/drafts/{id}", body);

        Assert.Equal((HttpStatusCode.BadRequest, message), (created.Status, created.ErrorMessage));
        Assert.Equal((HttpStatusCode.BadRequest, message), (updated.Status, updated.ErrorMessage));
        Assert.Equal(1, (await server.Mailbox.FolderAsync(grant.Id, SystemFolder.DraftsRole)).MessageCount);
        var after = (await server.Mailbox.Messages.GetAsync(grant.Id, Guid.Parse(id), CancellationToken.None))!;
        Assert.Equal((before.Uid, before.Subject, before.Flags), (after.Uid, after.Subject, after.Flags));
    }
}
