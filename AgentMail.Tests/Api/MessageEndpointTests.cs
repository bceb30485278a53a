using System.Net;
using System.Text.Json.Nodes;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

/// <summary>GET, PUT and DELETE /messages/{id}, with the events they write and what IMAP then sees.</summary>
public sealed class MessageEndpointTests
{
    [Fact]
    public async Task Get_returns_the_message_with_body_attachments_and_folder()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var message = await Seed.AppendAsync(server, grant.Id,
            Seed.Message("With file", text: "See the file.", html: "<p>See the <i>file</i>.</p>", attachment: ("report.csv", "text/csv", "a,b\n1,2\n"u8.ToArray())));

        var response = await client.ApiGetAsync($"/v3/grants/{grant.Email}/messages/{message.Id}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var data = response.Data;
        Assert.Equal(message.Id.ToString(), data["id"]!.GetValue<string>());
        Assert.Equal("<p>See the <i>file</i>.</p>", data["body"]!.GetValue<string>());
        var attachment = data["attachments"]!.AsArray().Single()!;
        Assert.Equal("report.csv", attachment["filename"]!.GetValue<string>());
        Assert.StartsWith("text/csv", attachment["content_type"]!.GetValue<string>());
        Assert.Equal(8, attachment["size"]!.GetValue<long>());
        Assert.Equal(grant.Id.ToString(), attachment["grant_id"]!.GetValue<string>());
        Assert.False(attachment["is_inline"]!.GetValue<bool>());
        Assert.Equal("""["inbox"]""", data["folders"]!.ToJsonString());
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-a-message-id")]
    [InlineData("%20")]
    public async Task An_unknown_message_is_404(string id)
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete })
        {
            var response = await client.ApiSendAsync(method, $"/v3/grants/{grant.Id}/messages/{id}");
            Assert.Equal(HttpStatusCode.NotFound, response.Status);
            Assert.Equal("not_found_error", response.ErrorType);
            Assert.Equal(response.RequestId, response.Headers.GetValues("X-Request-Id").Single());
        }
        var put = await client.ApiPutAsync($"/v3/grants/{grant.Id}/messages/{id}", new { unread = false });
        Assert.Equal(HttpStatusCode.NotFound, put.Status);
    }

    [Fact]
    public async Task Put_unread_and_starred_sets_IMAP_flags_with_one_message_updated_event()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var message = await Seed.AppendAsync(server, grant.Id, Seed.Message("Flag me"));
        await server.Mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(message.Id), FlagChange.Add(MessageFlags.None, "$Label1"));
        var eventsBefore = (await server.Mailbox.EventsAsync(grant.Id)).Count;

        var response = await client.ApiPutAsync($"/v3/grants/{grant.Id}/messages/{message.Id}", new { unread = false, starred = true });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.False(response.Data["unread"]!.GetValue<bool>());
        Assert.True(response.Data["starred"]!.GetValue<bool>());
        var stored = (await server.Mailbox.Messages.GetAsync(grant.Id, message.Id, CancellationToken.None))!;
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, stored.Flags);
        Assert.Equal(["$Label1"], stored.Keywords); // a keyword set over IMAP survives
        var events = (await server.Mailbox.EventsAsync(grant.Id)).Skip(eventsBefore).ToList();
        var updated = Assert.Single(events);
        Assert.Equal(("message.updated", message.Id.ToString()), (updated.Type, updated.ObjectId));
        var payload = JsonNode.Parse(updated.Payload)!;
        Assert.False(payload["unread"]!.GetValue<bool>());
        Assert.True(payload["starred"]!.GetValue<bool>());

        var back = await client.ApiPutAsync($"/v3/grants/{grant.Id}/messages/{message.Id}", new { unread = true });
        Assert.True(back.Data["unread"]!.GetValue<bool>());
        Assert.True(back.Data["starred"]!.GetValue<bool>());
        Assert.Equal(MessageFlags.Flagged, (await server.Mailbox.Messages.GetAsync(grant.Id, message.Id, CancellationToken.None))!.Flags);
    }

    [Fact]
    public async Task Put_folders_moves_the_message_keeping_its_id_with_a_new_UID_there()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var message = await Seed.AppendAsync(server, grant.Id, Seed.Message("Move me"));
        var archive = await server.Mailbox.FolderAsync(grant.Id, SystemFolder.ArchiveRole);

        var response = await client.ApiPutAsync($"/v3/grants/{grant.Id}/messages/{message.Id}", new { folders = new[] { "archive" } });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("""["archive"]""", response.Data["folders"]!.ToJsonString());
        Assert.Equal(message.Id.ToString(), response.Data["id"]!.GetValue<string>());
        var moved = await server.Mailbox.Messages.GetByUidsAsync(grant.Id, archive.Id, [new UidRange(1, long.MaxValue)], CancellationToken.None);
        Assert.Equal(message.Id, Assert.Single(moved).Id);
        Assert.Equal("message.updated", (await server.Mailbox.EventsAsync(grant.Id)).Last().Type);

        var byName = await client.ApiPutAsync($"/v3/grants/{grant.Id}/messages/{message.Id}", new { folders = new[] { "INBOX" } });
        Assert.Equal("""["inbox"]""", byName.Data["folders"]!.ToJsonString());
    }

    [Fact]
    public async Task Put_metadata_replaces_it_and_lists_show_it()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var message = await Seed.AppendAsync(server, grant.Id, Seed.Message("Tag me"));

        var response = await client.ApiPutAsync($"/v3/grants/{grant.Id}/messages/{message.Id}", new { metadata = new { key1 = "crm-42", stage = "lead" } });

        Assert.Equal("""{"key1":"crm-42","stage":"lead"}""", response.Data["metadata"]!.ToJsonString());
        var listed = await client.ApiGetAsync($"/v3/grants/{grant.Id}/messages?select=id,metadata");
        Assert.Equal("""{"key1":"crm-42","stage":"lead"}""", listed.Data.AsArray().Single()!["metadata"]!.ToJsonString());
        Assert.Equal("message.updated", (await server.Mailbox.EventsAsync(grant.Id)).Last().Type);
    }

    [Theory]
    [InlineData("""{"unread": "no"}""", 400, "'unread' must be true or false.")]
    [InlineData("""{"starred": 1}""", 400, "'starred' must be true or false.")]
    [InlineData("""{"folders": "archive"}""", 400, "'folders' must be an array.")]
    [InlineData("""{"folders": []}""", 400, "'folders' must name exactly one folder: a message is in one folder at a time here.")]
    [InlineData("""{"folders": ["archive", "inbox"]}""", 400, "'folders' must name exactly one folder: a message is in one folder at a time here.")]
    [InlineData("""{"folders": ["nowhere"]}""", 404, "Folder 'nowhere' (from 'folders') not found.")]
    [InlineData("""{"metadata": {"key1": 5}}""", 400, "'metadata.key1' must be a string.")]
    [InlineData("""{"metadata": []}""", 400, "'metadata' must be an object of string values.")]
    [InlineData("""{"unread": false""", 400, "The request body is not valid JSON (line 1, byte 17).")]
    [InlineData("""{"metadata": {"": "empty key"}}""", 400, "'metadata' keys must be 1 to 100 characters.")]
    public async Task Put_refuses_bad_input_and_changes_nothing(string body, int status, string message)
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var stored = await Seed.AppendAsync(server, grant.Id, Seed.Message("Keep me"));
        var eventsBefore = (await server.Mailbox.EventsAsync(grant.Id)).Count;

        var response = await client.ApiSendRawAsync(HttpMethod.Put, $"/v3/grants/{grant.Id}/messages/{stored.Id}", body);

        Assert.Equal(status, (int)response.Status);
        Assert.Equal(message, response.ErrorMessage);
        await AssertUnchangedAsync(server, stored);
        Assert.Equal(eventsBefore, (await server.Mailbox.EventsAsync(grant.Id)).Count);
    }

    [Fact]
    public async Task Put_refuses_too_many_or_too_long_metadata_before_changing_flags()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var stored = await Seed.AppendAsync(server, grant.Id, Seed.Message("Keep me"));
        var path = $"/v3/grants/{grant.Id}/messages/{stored.Id}";

        var tooLong = await client.ApiPutAsync(path, new JsonObject { ["unread"] = false, ["metadata"] = new JsonObject { ["k"] = new string('x', 501) } }.ToJsonString());
        var tooMany = await client.ApiPutAsync(path, new JsonObject { ["unread"] = false, ["metadata"] = new JsonObject(Enumerable.Range(0, 51).Select(i => KeyValuePair.Create($"k{i}", (JsonNode?)"v"))) }.ToJsonString());

        Assert.Equal("'metadata.k' must be at most 500 characters.", tooLong.ErrorMessage);
        Assert.Equal("'metadata' has 51 pairs; at most 50.", tooMany.ErrorMessage);
        await AssertUnchangedAsync(server, stored);
    }

    private static async Task AssertUnchangedAsync(ApiServer server, MessageRecord before)
    {
        var after = (await server.Mailbox.Messages.GetAsync(before.GrantId, before.Id, CancellationToken.None))!;
        Assert.Equal((before.Flags, before.FolderId, before.Uid, before.ModSeq), (after.Flags, after.FolderId, after.Uid, after.ModSeq));
        Assert.Equal(before.Metadata, after.Metadata);
    }

    [Fact]
    public async Task Delete_moves_to_Trash_then_deletes_for_good()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var message = await Seed.AppendAsync(server, grant.Id, Seed.Message("Delete me"));

        var first = await client.ApiDeleteAsync($"/v3/grants/{grant.Id}/messages/{message.Id}");
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(["request_id"], first.Json!.AsObject().Select(p => p.Key));
        Assert.Equal("""["trash"]""", (await client.ApiGetAsync($"/v3/grants/{grant.Id}/messages/{message.Id}")).Data["folders"]!.ToJsonString());
        Assert.Equal("message.updated", (await server.Mailbox.EventsAsync(grant.Id)).Last().Type);

        var second = await client.ApiDeleteAsync($"/v3/grants/{grant.Id}/messages/{message.Id}");
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.ApiGetAsync($"/v3/grants/{grant.Id}/messages/{message.Id}")).Status);
        Assert.Equal("message.deleted", (await server.Mailbox.EventsAsync(grant.Id)).Last().Type);
    }

    [Fact]
    public async Task Delete_with_hard_delete_skips_Trash()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var message = await Seed.AppendAsync(server, grant.Id, Seed.Message("Gone"));

        var response = await client.ApiDeleteAsync($"/v3/grants/{grant.Id}/messages/{message.Id}?hard_delete=true");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Null(await server.Mailbox.Messages.GetAsync(grant.Id, message.Id, CancellationToken.None));
        Assert.Equal(0, (await server.Mailbox.FolderAsync(grant.Id, SystemFolder.TrashRole)).MessageCount);
        Assert.Equal("message.deleted", (await server.Mailbox.EventsAsync(grant.Id)).Last().Type);
    }
}
