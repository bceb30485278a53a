using System.Net;
using System.Text.Json.Nodes;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

/// <summary>
/// Compatibility with the official Nylas Node SDK (npm nylas@8.4.0), unchanged: only its base
/// URL and API key point at AgentMail, served by Kestrel on a real port.
/// </summary>
public sealed class NylasSdkTests
{
    private static string Values(JsonNode? node) => string.Join(",", node!.AsArray().Select(n => n!.GetValue<string>()));

    [Fact]
    public async Task Grants_and_folders_through_the_SDK()
    {
        var server = await ApiServer.GetAsync();
        var email = ApiCalls.Unique("sdk");

        var r = await NodeSdk.RunAsync(server, "grants-folders.cjs", new Dictionary<string, string>
        {
            ["EMAIL"] = email,
            ["PASSWORD"] = "Sdk1Password2Is3Long",
            ["NEW_PASSWORD"] = "Sdk4Password5Rotated6",
        });

        var id = r["created"]!["id"]!.GetValue<string>();
        Assert.Equal(email, r["created"]!["email"]!.GetValue<string>());
        Assert.Equal("SDK Agent", r["created"]!["name"]!.GetValue<string>());
        Assert.Equal("nylas", r["created"]!["provider"]!.GetValue<string>());
        Assert.Equal("valid", r["created"]!["grantStatus"]!.GetValue<string>());
        Assert.True(r["created"]!["hasAppPassword"]!.GetValue<bool>());
        Assert.True(Guid.TryParse(r["created"]!["requestId"]!.GetValue<string>(), out _));
        Assert.Equal(id, r["byId"]!.GetValue<string>());
        Assert.Equal(id, r["byEmail"]!.GetValue<string>());
        Assert.Equal(id, Values(r["listed"]));
        Assert.Equal("SDK Renamed", r["updated"]!["name"]!.GetValue<string>());
        Assert.True((await server.Mailbox.Authenticator.AuthenticateAsync(email, "Sdk4Password5Rotated6", IPAddress.Loopback, CancellationToken.None)).Succeeded);

        var folders = r["folders"]!.AsArray();
        Assert.Equal("inbox,archive,drafts,junk,sent,trash", string.Join(",", folders.Select(f => f!["id"]!.GetValue<string>())));
        Assert.Equal(@"\Sent", folders[4]!["attributes"]!.AsArray().Single()!.GetValue<string>());
        Assert.True(folders[0]!["systemFolder"]!.GetValue<bool>());
        Assert.Equal("SDK Folder", r["folder"]!["name"]!.GetValue<string>());
        Assert.Equal("SDK Folder/Child", r["child"]!["name"]!.GetValue<string>());
        Assert.Equal(r["folder"]!["id"]!.GetValue<string>(), r["child"]!["parentId"]!.GetValue<string>());
        Assert.Equal(1, r["foundFolder"]!["childCount"]!.GetValue<int>());
        Assert.Equal("SDK Child", r["renamed"]!["name"]!.GetValue<string>());
        Assert.Equal(r["child"]!["id"]!.GetValue<string>(), r["renamed"]!["id"]!.GetValue<string>());
        Assert.True(Guid.TryParse(r["removed"]!["requestId"]!.GetValue<string>(), out _));
        Assert.Equal("INBOX,Archive,Drafts,Junk,Sent,Trash,SDK Folder", Values(r["afterRemove"])); // system folders first, then the grant's own
        Assert.Equal(["folder.created", "folder.created", "folder.updated", "folder.deleted"],
            (await server.Mailbox.EventsAsync(Guid.Parse(id))).Where(e => e.Type.StartsWith("folder.", StringComparison.Ordinal)).Select(e => e.Type));

        AssertApiError(r["unknownGrant"], 404, "not_found_error");
        AssertApiError(r["badPassword"], 400, "invalid_request_error");
        Assert.Equal("app_password must be at least 18 characters long (got 5).", r["badPassword"]!["message"]!.GetValue<string>());
        AssertApiError(r["wrongKey"], 401, "unauthorized");
        AssertApiError(r["systemFolder"], 400, "invalid_request_error");
    }

    [Fact]
    public async Task Messages_list_filter_paginate_get_update_and_delete_through_the_SDK()
    {
        var server = await ApiServer.GetAsync();
        var grant = await Seed.GrantAsync(server);
        var t0 = new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);
        var ids = new List<MessageRecord>
        {
            await Seed.AppendAsync(server, grant.Id, Seed.Message("one", from: "bob@example.com", text: "meet at the station"), flags: MessageFlags.Seen, receivedAt: t0),
            await Seed.AppendAsync(server, grant.Id, Seed.Message("two", from: "carol@example.com"), receivedAt: t0.AddMinutes(1)),
            await Seed.AppendAsync(server, grant.Id, Seed.Message("three", from: "bob@example.com", attachment: ("a.csv", "text/csv", "x,y\n"u8.ToArray())), flags: MessageFlags.Seen, receivedAt: t0.AddMinutes(2)),
            await Seed.AppendAsync(server, grant.Id, Seed.Message("four", from: "dave@example.com"), receivedAt: t0.AddMinutes(3)),
            await Seed.AppendAsync(server, grant.Id, Seed.Message("five", from: "erin@example.com", html: "<p>five <i>html</i></p>"), flags: MessageFlags.Seen, receivedAt: t0.AddMinutes(4)),
        };
        var newestFirst = ids.AsEnumerable().Reverse().Select(m => m.Id.ToString()).ToList();

        var r = await NodeSdk.RunAsync(server, "messages.cjs", new Dictionary<string, string> { ["GRANT"] = grant.Id.ToString() });

        Assert.Equal(newestFirst.Take(2), r["firstPage"]!["ids"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(r["firstPage"]!["nextCursor"]!.GetValue<string>()));
        Assert.Equal(newestFirst, r["pages"]!.AsArray().SelectMany(p => p!.AsArray().Select(i => i!.GetValue<string>())));
        Assert.Equal(3, r["pages"]!.AsArray().Count);
        Assert.Equal(newestFirst.Take(3), r["three"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal($"{ids[3].Id},{ids[1].Id}", Values(r["unread"]));
        Assert.Equal($"{ids[2].Id},{ids[0].Id}", Values(r["fromBob"]));
        Assert.Equal($"{ids[1].Id}", Values(r["anyEmail"]));
        Assert.Equal($"{ids[0].Id}", Values(r["search"]));
        var withFile = r["withFile"]!.AsArray().Single()!;
        Assert.Equal(ids[2].Id.ToString(), withFile["id"]!.GetValue<string>());
        Assert.Equal("a.csv", withFile["attachments"]![0]!["filename"]!.GetValue<string>());

        var found = r["found"]!;
        Assert.Equal(ids[4].Id.ToString(), found["id"]!.GetValue<string>());
        Assert.Equal("<p>five <i>html</i></p>", found["body"]!.GetValue<string>());
        Assert.Equal("erin@example.com", found["from"]![0]!["email"]!.GetValue<string>());
        Assert.Contains("Message-ID", found["headerNames"]!.AsArray().Select(h => h!.GetValue<string>()));

        var updated = r["updated"]!;
        Assert.False(updated["unread"]!.GetValue<bool>());
        Assert.True(updated["starred"]!.GetValue<bool>());
        Assert.Equal("archive", Values(updated["folders"]));
        Assert.Equal("sdk", updated["metadata"]!["key1"]!.GetValue<string>());
        var stored = (await server.Mailbox.Messages.GetAsync(grant.Id, ids[4].Id, CancellationToken.None))!;
        Assert.Equal((await server.Mailbox.FolderAsync(grant.Id, SystemFolder.ArchiveRole)).Id, stored.FolderId);
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, stored.Flags);
        Assert.Equal("trash", (await server.Mailbox.Messages.GetAsync(grant.Id, ids[0].Id, CancellationToken.None))!.FolderPublicId);

        AssertApiError(r["missing"], 404, "not_found_error");
        AssertApiError(r["badFilter"], 400, "invalid_request_error");
    }

    [Fact]
    public async Task Send_attachments_drafts_and_threads_through_the_SDK()
    {
        var server = await ApiServer.GetAsync();
        var grant = await Seed.GrantAsync(server);

        var r = await NodeSdk.RunAsync(server, "send-drafts-threads.cjs", new Dictionary<string, string> { ["GRANT"] = grant.Id.ToString() });

        var sent = r["sent"]!;
        var sentId = Guid.Parse(sent["id"]!.GetValue<string>());
        Assert.Equal("sent", Values(sent["folders"]));
        Assert.Equal(grant.Email, sent["from"]![0]!["email"]!.GetValue<string>());
        Assert.Equal("audit@example.com", sent["bcc"]![0]!["email"]!.GetValue<string>());
        Assert.Equal("sdk-send", sent["metadata"]!["key2"]!.GetValue<string>());
        Assert.Equal(grant.Id.ToString(), sent["grantId"]!.GetValue<string>());
        Assert.Equal(["audit@example.com", "bob@example.com"], await SendTests.RecipientsAsync(server, sentId));
        Assert.Contains(await server.Mailbox.EventsAsync(grant.Id), e => e.Type == "message.created" && e.ObjectId == sentId.ToString());

        Assert.Equal(3.5 * 1024 * 1024, r["large"]!["attachment"]!["size"]!.GetValue<long>());
        Assert.Equal(r["bigSha"]!.GetValue<string>(), r["largeSha"]!.GetValue<string>());
        Assert.Equal("hello from the nylas sdk\n", r["smallBytes"]!.GetValue<string>());
        Assert.Equal("hello.txt", r["meta"]!["filename"]!.GetValue<string>());
        Assert.Equal(25, r["meta"]!["size"]!.GetValue<long>());

        Assert.Equal(sent["threadId"]!.GetValue<string>(), r["reply"]!["threadId"]!.GetValue<string>());
        var sentRecord = (await server.Mailbox.Messages.GetAsync(grant.Id, sentId, CancellationToken.None))!;
        Assert.Equal(sentRecord.MessageId, r["reply"]!["inReplyTo"]!.GetValue<string>());

        var draftId = r["draft"]!["id"]!.GetValue<string>();
        Assert.Equal("draft", r["draft"]!["object"]!.GetValue<string>());
        Assert.True(r["draft"]!["starred"]!.GetValue<bool>());
        Assert.Equal("drafts", Values(r["draft"]!["folders"]));
        Assert.Equal(draftId, Values(r["drafts"]));
        Assert.Equal("<p>draft body</p>", r["foundDraft"]!["body"]!.GetValue<string>());
        Assert.Equal(draftId, r["updatedDraft"]!["id"]!.GetValue<string>());
        Assert.Equal("SDK draft v2", r["updatedDraft"]!["subject"]!.GetValue<string>());
        Assert.Equal("<p>draft body</p>", r["updatedDraft"]!["body"]!.GetValue<string>());
        Assert.Equal("sent", Values(r["sentDraft"]!["folders"]));
        Assert.Equal("SDK draft v2", r["sentDraft"]!["subject"]!.GetValue<string>());
        Assert.Empty(r["draftsAfter"]!.AsArray());
        Assert.Equal(["dave@example.com"], await SendTests.RecipientsAsync(server, Guid.Parse(r["sentDraft"]!["id"]!.GetValue<string>())));

        Assert.Equal(3, r["threads"]!.AsArray().Count); // hello + its reply, the large one, the sent draft
        var thread = r["thread"]!;
        Assert.Equal(sent["threadId"]!.GetValue<string>(), thread["id"]!.GetValue<string>());
        Assert.Equal($"{sentId},{r["reply"]!["id"]!.GetValue<string>()}", Values(thread["messageIds"]));
        Assert.Equal("SDK hello", thread["subject"]!.GetValue<string>());
        Assert.Equal(r["reply"]!["id"]!.GetValue<string>(), thread["latestId"]!.GetValue<string>());
        Assert.True(r["threadUpdated"]!["unread"]!.GetValue<bool>());
        Assert.True(r["threadUpdated"]!["starred"]!.GetValue<bool>());
        Assert.Equal("trash", Values(r["deletedThreadFolders"]));
        AssertApiError(r["noRecipients"], 400, "invalid_request_error");
    }

    private static void AssertApiError(JsonNode? error, int status, string type)
    {
        Assert.True(error!["failed"]!.GetValue<bool>(), error.ToJsonString());
        Assert.Equal("NylasApiError", error["name"]!.GetValue<string>());
        Assert.Equal(status, error["statusCode"]!.GetValue<int>());
        Assert.Equal(type, error["type"]!.GetValue<string>());
        Assert.True(Guid.TryParse(error["requestId"]!.GetValue<string>(), out _), "the SDK reads X-Request-Id into its errors");
    }
}
