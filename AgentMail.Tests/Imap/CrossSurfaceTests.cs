using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Imap.Support;

namespace AgentMail.Tests.Imap;

/// <summary>
/// IMAP changes are the mailbox core's changes: the API's view (MessageService/FolderService)
/// shows them and the same webhook events are in the outbox. HTTP-level tests come with the API.
/// </summary>
public sealed class CrossSurfaceTests
{
    [Fact]
    public async Task STORE_changes_the_API_state_and_writes_message_updated()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var message = await server.DeliverAsync(grant, "flag me");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        await wire.ExpectOkAsync("a", "STORE 1 +FLAGS (\\Seen \\Flagged)");

        var api = (await server.Mailbox.Messages.GetAsync(grant.Id, message.Id, CancellationToken.None))!.ToObject();
        Assert.False(api.Unread);
        Assert.True(api.Starred);
        var events = await server.Mailbox.EventsAsync(grant.Id);
        var updated = events.Last(e => e.Type == "message.updated");
        Assert.Equal(message.Id.ToString(), updated.ObjectId);
        using var payload = System.Text.Json.JsonDocument.Parse(updated.Payload);
        Assert.False(payload.RootElement.GetProperty("unread").GetBoolean());
        Assert.True(payload.RootElement.GetProperty("starred").GetBoolean());
    }

    [Fact]
    public async Task MOVE_changes_the_message_folder_and_EXPUNGE_puts_it_in_Trash()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var moved = await server.DeliverAsync(grant, "move me");
        var deleted = await server.DeliverAsync(grant, "delete me");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        await wire.ExpectOkAsync("a", "UID MOVE 1 Archive");
        await wire.ExpectOkAsync("b", "UID STORE 2 +FLAGS.SILENT (\\Deleted)");
        await wire.ExpectOkAsync("c", "EXPUNGE");

        Assert.Equal(["archive"], (await server.Mailbox.Messages.GetAsync(grant.Id, moved.Id, CancellationToken.None))!.ToObject().Folders);
        Assert.Equal(["trash"], (await server.Mailbox.Messages.GetAsync(grant.Id, deleted.Id, CancellationToken.None))!.ToObject().Folders);
        var events = await server.Mailbox.EventsAsync(grant.Id);
        Assert.Contains(events, e => e.Type == "message.updated" && e.ObjectId == moved.Id.ToString() && Folders(e.Payload) == "archive");
        Assert.Contains(events, e => e.Type == "message.updated" && e.ObjectId == deleted.Id.ToString() && Folders(e.Payload) == "trash");
    }

    [Fact]
    public async Task CREATE_makes_a_folder_the_API_lists_and_writes_folder_created()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("a", "CREATE Clients/Acme");
        var folders = FolderServiceObjects(await server.Mailbox.Folders.ListAsync(grant.Id, CancellationToken.None));
        var acme = Assert.Single(folders, f => f.Name == "Clients/Acme");
        var parent = Assert.Single(folders, f => f.Name == "Clients");
        Assert.Equal(parent.Id, acme.ParentId);
        var created = (await server.Mailbox.EventsAsync(grant.Id)).Where(e => e.Type == "folder.created").Select(e => e.ObjectId).ToList();
        Assert.Equal([parent.Id, acme.Id], created);
    }

    [Fact]
    public async Task APPEND_creates_the_message_the_API_sees_with_message_created()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        const string message = "From: Me <me@example.com>\r\nTo: you@example.org\r\nSubject: Draft plan\r\n\r\nSteps.\r\n";
        await wire.ExpectOkAsync("a", $"APPEND Drafts (\\Draft) {{{message.Length}+}}\r\n{message}");
        var drafts = await server.Mailbox.FolderAsync(grant.Id, "drafts");
        var stored = Assert.Single(await server.Mailbox.Messages.GetByUidsAsync(grant.Id, drafts.Id, [new UidRange(1, 1)], CancellationToken.None));
        Assert.Equal("Draft plan", stored.Subject);
        Assert.Equal(MessageFlags.Draft, stored.Flags);
        Assert.Contains(await server.Mailbox.EventsAsync(grant.Id), e => e.Type == "message.created" && e.ObjectId == stored.Id.ToString());
    }

    private static string Folders(string payload)
    {
        using var json = System.Text.Json.JsonDocument.Parse(payload);
        return string.Join(',', json.RootElement.GetProperty("folders").EnumerateArray().Select(f => f.GetString()));
    }

    private static IReadOnlyList<AgentMail.Mailbox.Objects.FolderObject> FolderServiceObjects(IReadOnlyList<AgentMail.Mailbox.Folders.Folder> folders) =>
        AgentMail.Mailbox.Folders.FolderService.ToObjects(folders);
}
