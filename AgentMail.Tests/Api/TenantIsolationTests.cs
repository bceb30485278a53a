using System.Net;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

/// <summary>
/// No endpoint reveals or changes another grant's data, whatever ids are passed: every id of grant
/// B used under grant A's path is unknown there (404, or an empty list), and B is left untouched.
/// </summary>
public sealed class TenantIsolationTests
{
    [Fact]
    public async Task Another_grants_ids_are_unknown_under_a_grants_path_and_change_nothing()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var a = await Seed.GrantAsync(server);
        var b = await Seed.GrantAsync(server);
        await Seed.AppendAsync(server, a.Id, Seed.Message("A's own"));
        var message = await Seed.AppendAsync(server, b.Id, Seed.Message("B's secret", text: "secret words",
            attachment: ("b.pdf", "application/pdf", [1, 2, 3])));
        var draft = await Seed.AppendAsync(server, b.Id, Seed.Message("B's draft"), SystemFolder.DraftsRole, MessageFlags.Draft);
        var folder = await server.Mailbox.Folders.CreateAsync(b.Id, "B Private", CancellationToken.None);
        var attachment = message.Attachments.Single().Id;
        var before = await GrantSnapshot.TakeAsync(server, b.Id);
        var pathA = $"/v3/grants/{a.Id}";

        var notFound = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, $"{pathA}/messages/{message.Id}", null),
            (HttpMethod.Put, $"{pathA}/messages/{message.Id}", new { unread = false, starred = true }),
            (HttpMethod.Delete, $"{pathA}/messages/{message.Id}", null),
            (HttpMethod.Delete, $"{pathA}/messages/{message.Id}?hard_delete=true", null),
            (HttpMethod.Get, $"{pathA}/threads/{message.ThreadId}", null),
            (HttpMethod.Put, $"{pathA}/threads/{message.ThreadId}", new { unread = false }),
            (HttpMethod.Delete, $"{pathA}/threads/{message.ThreadId}", null),
            (HttpMethod.Get, $"{pathA}/drafts/{draft.Id}", null),
            (HttpMethod.Put, $"{pathA}/drafts/{draft.Id}", new { subject = "hijacked" }),
            (HttpMethod.Delete, $"{pathA}/drafts/{draft.Id}", null),
            (HttpMethod.Post, $"{pathA}/drafts/{draft.Id}", new { }),
            (HttpMethod.Get, $"{pathA}/folders/{folder.PublicId}", null),
            (HttpMethod.Get, $"{pathA}/folders/B%20Private", null),
            (HttpMethod.Put, $"{pathA}/folders/{folder.PublicId}", new { name = "renamed" }),
            (HttpMethod.Delete, $"{pathA}/folders/{folder.PublicId}", null),
            (HttpMethod.Post, $"{pathA}/folders", new { name = "x", parent_id = folder.PublicId }),
            (HttpMethod.Get, $"{pathA}/messages?in={folder.PublicId}", null),
            (HttpMethod.Get, $"{pathA}/attachments/{attachment}?message_id={message.Id}", null),
            (HttpMethod.Get, $"{pathA}/attachments/{attachment}/download?message_id={message.Id}", null),
            (HttpMethod.Post, $"{pathA}/messages/send", new { to = new[] { new { email = "x@example.com" } }, reply_to_message_id = message.Id.ToString() }),
        };
        foreach (var (method, path, body) in notFound)
        {
            var response = await client.ApiSendAsync(method, path, ApiCalls.Json(body));
            Assert.True(response.Status == HttpStatusCode.NotFound, $"{method} {path}: {response}");
            Assert.DoesNotContain("secret", response.Text, StringComparison.OrdinalIgnoreCase);
        }

        var emptyLists = new[]
        {
            $"{pathA}/messages?thread_id={message.ThreadId}",
            $"{pathA}/messages?search_query_native=secret",
            $"{pathA}/messages?from=alice@example.com&subject=B's",
            $"{pathA}/drafts",
            $"{pathA}/threads?search_query_native=secret",
        };
        foreach (var path in emptyLists)
        {
            var response = await client.ApiGetAsync(path);
            Assert.True(response.Status == HttpStatusCode.OK, $"{path}: {response}");
            Assert.Empty(response.Data.AsArray());
        }
        var folders = await client.ApiGetAsync($"{pathA}/folders");
        Assert.DoesNotContain(folders.Data.AsArray(), f => f!["id"]!.GetValue<string>() == folder.PublicId);
        var moved = await client.ApiPutAsync($"{pathA}/messages/{(await server.Mailbox.Messages.GetByUidsAsync(a.Id, (await server.Mailbox.FolderAsync(a.Id, SystemFolder.InboxRole)).Id, [new UidRange(1, 10)], CancellationToken.None))[0].Id}",
            new { folders = new[] { folder.PublicId } });
        Assert.Equal(HttpStatusCode.NotFound, moved.Status); // A cannot move its message into B's folder

        Assert.Equal(before, await GrantSnapshot.TakeAsync(server, b.Id));
    }
}
