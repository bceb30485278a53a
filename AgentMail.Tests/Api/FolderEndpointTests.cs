using System.Net;
using System.Text.Json.Nodes;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

/// <summary>/folders: system folders and their attributes, counts, create/rename/delete and their events.</summary>
public sealed class FolderEndpointTests
{
    [Fact]
    public async Task The_list_has_the_system_folders_with_ids_attributes_and_counts()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        await Seed.AppendAsync(server, grant.Id, Seed.Message("a"));
        await Seed.AppendAsync(server, grant.Id, Seed.Message("b"), flags: MessageFlags.Seen);

        var response = await client.ApiGetAsync($"/v3/grants/{grant.Id}/folders");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Null(response.Json!["next_cursor"]);
        var folders = response.Data.AsArray().Select(f => f!.AsObject()).ToList();
        Assert.Equal(["inbox", "archive", "drafts", "junk", "sent", "trash"], folders.Select(f => f["id"]!.GetValue<string>()));
        Assert.Equal(["INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"], folders.Select(f => f["name"]!.GetValue<string>()));
        Assert.Equal([@"\Inbox", @"\Archive", @"\Drafts", @"\Junk", @"\Sent", @"\Trash"], folders.Select(f => f["attributes"]!.AsArray().Single()!.GetValue<string>()));
        var inbox = folders[0];
        Assert.Equal("folder", inbox["object"]!.GetValue<string>());
        Assert.Equal(grant.Id.ToString(), inbox["grant_id"]!.GetValue<string>());
        Assert.Equal(2, inbox["total_count"]!.GetValue<int>());
        Assert.Equal(1, inbox["unread_count"]!.GetValue<int>());
        Assert.True(inbox["system_folder"]!.GetValue<bool>());
        Assert.Equal(0, inbox["child_count"]!.GetValue<int>());
        Assert.Null(inbox["parent_id"]);
    }

    [Fact]
    public async Task Create_makes_an_IMAP_folder_with_a_folder_created_event()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);

        var response = await client.ApiPostAsync($"/v3/grants/{grant.Id}/folders", new { name = "Clients/Acme" });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var folder = response.Data;
        Assert.Equal("Clients/Acme", folder["name"]!.GetValue<string>());
        Assert.Equal("[]", folder["attributes"]!.ToJsonString());
        Assert.False(folder["system_folder"]!.GetValue<bool>());
        var id = folder["id"]!.GetValue<string>();
        var parent = await server.Mailbox.Folders.FindByNameAsync(grant.Id, "Clients", CancellationToken.None);
        Assert.Equal(parent!.PublicId, folder["parent_id"]!.GetValue<string>());
        var stored = await server.Mailbox.Folders.GetAsync(grant.Id, id, CancellationToken.None);
        Assert.Equal("Clients/Acme", stored!.Name);
        Assert.True(stored.UidValidity > 0);
        var created = (await server.Mailbox.EventsAsync(grant.Id)).Where(e => e.Type == "folder.created").ToList();
        Assert.Equal([parent.PublicId, id], created.Select(e => e.ObjectId));
        Assert.Equal("Clients/Acme", JsonNode.Parse(created[1].Payload)!["name"]!.GetValue<string>());

        var child = await client.ApiPostAsync($"/v3/grants/{grant.Id}/folders", new { name = "2026", parent_id = id });
        Assert.Equal("Clients/Acme/2026", child.Data["name"]!.GetValue<string>());
        Assert.Equal(id, child.Data["parent_id"]!.GetValue<string>());
        var got = await client.ApiGetAsync($"/v3/grants/{grant.Id}/folders/{id}");
        Assert.Equal(1, got.Data["child_count"]!.GetValue<int>());
        var children = await client.ApiGetAsync($"/v3/grants/{grant.Id}/folders?parent_id={id}");
        Assert.Equal([child.Data["id"]!.GetValue<string>()], children.Data.AsArray().Select(f => f!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Update_renames_keeping_the_id_and_delete_removes_with_events()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var id = (await client.ApiPostAsync($"/v3/grants/{grant.Id}/folders", new { name = "Old" })).Data["id"]!.GetValue<string>();
        var folder = await server.Mailbox.Folders.GetAsync(grant.Id, id, CancellationToken.None);
        await Seed.AppendToAsync(server, grant.Id, folder!.Id, Seed.Message("inside"));

        var renamed = await client.ApiPutAsync($"/v3/grants/{grant.Id}/folders/{id}", new { name = "New" });
        Assert.Equal(HttpStatusCode.OK, renamed.Status);
        Assert.Equal(id, renamed.Data["id"]!.GetValue<string>());
        Assert.Equal("New", renamed.Data["name"]!.GetValue<string>());
        Assert.Equal(1, renamed.Data["total_count"]!.GetValue<int>());
        Assert.Equal(folder.UidValidity, (await server.Mailbox.Folders.GetAsync(grant.Id, id, CancellationToken.None))!.UidValidity);
        Assert.Equal("folder.updated", (await server.Mailbox.EventsAsync(grant.Id)).Last().Type);

        var deleted = await client.ApiDeleteAsync($"/v3/grants/{grant.Id}/folders/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(["request_id"], deleted.Json!.AsObject().Select(p => p.Key));
        Assert.Null(await server.Mailbox.Folders.GetAsync(grant.Id, id, CancellationToken.None));
        var types = (await server.Mailbox.EventsAsync(grant.Id)).TakeLast(2).Select(e => e.Type);
        Assert.Equal(["message.deleted", "folder.deleted"], types);
        Assert.Equal(HttpStatusCode.NotFound, (await client.ApiGetAsync($"/v3/grants/{grant.Id}/folders/{id}")).Status);
    }

    [Theory]
    [InlineData("POST", "", """{}""", 400, "'name' is required.")]
    [InlineData("POST", "", """{"name": "a//b"}""", 400, "A folder name must not contain an empty level ('//').")]
    [InlineData("POST", "", """{"name": "bad*name"}""", 400, "A folder name must not contain '%' or '*'.")]
    [InlineData("POST", "", """{"name": "Archive"}""", 409, "A folder named 'Archive' already exists.")]
    [InlineData("POST", "", """{"name": "x", "parent_id": "nowhere"}""", 404, "Folder 'nowhere' (from 'parent_id') not found.")]
    [InlineData("POST", "", """{"name": "a/b", "parent_id": "inbox"}""", 400, "With 'parent_id', 'name' is one level and must not contain '/'.")]
    [InlineData("POST", "", """{"name": 7}""", 400, "'name' must be a string.")]
    [InlineData("PUT", "/sent", """{"name": "Outbox"}""", 400, "'Sent' is a system folder and cannot be renamed.")]
    [InlineData("DELETE", "/inbox", "", 400, "'INBOX' is a system folder and cannot be deleted.")]
    [InlineData("DELETE", "/nowhere", "", 404, "Folder 'nowhere' (from 'folder_id') not found.")]
    [InlineData("GET", "/nowhere", "", 404, "Folder 'nowhere' (from 'folder_id') not found.")]
    public async Task Bad_folder_requests_are_refused_and_change_nothing(string method, string path, string body, int status, string message)
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);

        var response = await client.ApiSendAsync(new HttpMethod(method), $"/v3/grants/{grant.Id}/folders{path}", body.Length == 0 ? null : ApiCalls.Json(body));

        Assert.Equal(status, (int)response.Status);
        Assert.Equal(message, response.ErrorMessage);
        Assert.Equal(6, (await server.Mailbox.Folders.ListAsync(grant.Id, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_folder_with_subfolders_cannot_be_deleted()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        await client.ApiPostAsync($"/v3/grants/{grant.Id}/folders", new { name = "Parent/Child" });
        var parent = await server.Mailbox.Folders.FindByNameAsync(grant.Id, "Parent", CancellationToken.None);

        var response = await client.ApiDeleteAsync($"/v3/grants/{grant.Id}/folders/{parent!.PublicId}");

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("conflict", response.ErrorType);
    }

    [Fact]
    public async Task The_list_pages_with_a_cursor()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);

        var first = await client.ApiGetAsync($"/v3/grants/{grant.Id}/folders?limit=4&select=id");
        var cursor = first.Json!["next_cursor"]!.GetValue<string>();
        var second = await client.ApiGetAsync($"/v3/grants/{grant.Id}/folders?limit=4&page_token={cursor}");

        Assert.Equal(["inbox", "archive", "drafts", "junk"], first.Data.AsArray().Select(f => f!["id"]!.GetValue<string>()));
        Assert.Equal("""{"id":"inbox"}""", first.Data.AsArray()[0]!.ToJsonString());
        Assert.Equal(["sent", "trash"], second.Data.AsArray().Select(f => f!["id"]!.GetValue<string>()));
        Assert.Null(second.Json!["next_cursor"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.ApiGetAsync($"/v3/grants/{grant.Id}/folders?limit=4&parent_id=inbox&page_token={cursor}")).Status);
    }
}
