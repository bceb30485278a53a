using System.Text.Json;
using AgentMail.Mailbox;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Mailbox;

/// <summary>Every operation writes exactly one event per changed object, of the right type, in its own transaction.</summary>
public sealed class EventOutboxTests
{
    [Fact]
    public async Task Each_operation_writes_exactly_its_events()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var events = new EventCursor(mailbox, grant.Id);
        Assert.Equal([("grant.created", grant.Id.ToString())], await events.NextAsync());

        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var stored = (await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("a"), new AppendOptions(), default)).Message;
        var id = stored.Id.ToString();
        Assert.Equal([("message.created", id)], await events.NextAsync());

        await mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(stored.Id), FlagChange.Add(MessageFlags.Seen));
        Assert.Equal([("message.updated", id)], await events.NextAsync());

        // A change that changes nothing is no event.
        await mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(stored.Id), FlagChange.Add(MessageFlags.Seen));
        Assert.Empty(await events.NextAsync());

        var folder = await mailbox.Folders.CreateAsync(grant.Id, "Clients", default);
        Assert.Equal([("folder.created", folder.PublicId)], await events.NextAsync());

        await mailbox.Messages.MoveAsync(grant.Id, MessageSelection.Ids(stored.Id), folder.Id, default);
        Assert.Equal([("message.updated", id)], await events.NextAsync());

        var copy = Assert.Single((await mailbox.Messages.CopyAsync(grant.Id, MessageSelection.Ids(stored.Id), inbox.Id, default)).Copied).Copy;
        Assert.Equal([("message.created", copy.Id.ToString())], await events.NextAsync());

        await mailbox.Folders.RenameAsync(grant.Id, folder.Id, "Customers", default);
        Assert.Equal([("folder.updated", folder.PublicId)], await events.NextAsync());

        await mailbox.Messages.DeleteAsync(grant.Id, MessageSelection.Ids(stored.Id), default);
        Assert.Equal([("message.updated", id)], await events.NextAsync()); // moved to Trash
        await mailbox.Messages.DeleteAsync(grant.Id, MessageSelection.Ids(stored.Id), default);
        Assert.Equal([("message.deleted", id)], await events.NextAsync());

        await mailbox.Folders.DeleteAsync(grant.Id, folder.Id, default);
        Assert.Equal([("folder.deleted", folder.PublicId)], await events.NextAsync());

        var submitted = await mailbox.Messages.SubmitAsync(grant.Id, TestMessages.Create("out"), grant.Email, ["someone@example.com"], default);
        Assert.Equal([("message.created", submitted.SentCopy.Id.ToString())], await events.NextAsync());

        await mailbox.Grants.UpdateAsync(grant.Id, new GrantUpdate { Name = "Renamed" }, default);
        Assert.Equal([("grant.updated", grant.Id.ToString())], await events.NextAsync());

        await mailbox.Grants.DeleteAsync(grant.Id, default);
        Assert.Equal([("grant.deleted", grant.Id.ToString())], await events.NextAsync());
    }

    [Fact]
    public async Task The_event_payload_is_the_api_object_as_of_the_change()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var stored = (await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("Quarterly report", from: "boss@example.com"), new AppendOptions(), default)).Message;
        await mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(stored.Id), FlagChange.Add(MessageFlags.Seen | MessageFlags.Flagged));

        var (_, _, payload) = (await mailbox.EventsAsync(grant.Id)).Last();
        using var json = JsonDocument.Parse(payload);
        var root = json.RootElement;
        Assert.Equal("message", root.GetProperty("object").GetString());
        Assert.Equal(stored.Id.ToString(), root.GetProperty("id").GetString());
        Assert.Equal(grant.Id.ToString(), root.GetProperty("grant_id").GetString());
        Assert.False(root.GetProperty("unread").GetBoolean());
        Assert.True(root.GetProperty("starred").GetBoolean());
        Assert.Equal("Quarterly report", root.GetProperty("subject").GetString());
        Assert.Equal("boss@example.com", root.GetProperty("from")[0].GetProperty("email").GetString());
        Assert.Equal("inbox", root.GetProperty("folders")[0].GetString());
    }

    [Fact]
    public async Task Refused_operations_leave_no_event_and_no_rows()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var events = new EventCursor(mailbox, grant.Id);
        await events.NextAsync();
        await mailbox.Folders.CreateAsync(grant.Id, "Dup", default);
        await events.NextAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);

        await Assert.ThrowsAsync<MailboxException>(() => mailbox.Folders.CreateAsync(grant.Id, "Dup", default));
        await Assert.ThrowsAsync<MailboxException>(() => mailbox.Folders.CreateAsync(grant.Id, "Dup/../*", default));
        await Assert.ThrowsAsync<MailboxException>(() => mailbox.Folders.DeleteAsync(grant.Id, inbox.Id, default));
        var badRecipient = TestMessages.Create("never sent");
        await Assert.ThrowsAsync<MailboxException>(() => mailbox.Messages.SubmitAsync(grant.Id, badRecipient, grant.Email, ["not an address"], default));
        await Assert.ThrowsAsync<MailboxException>(() => mailbox.Grants.UpdateAsync(grant.Id, new GrantUpdate { AppPassword = "short" }, default));

        Assert.Empty(await events.NextAsync());
        Assert.Equal(0L, await mailbox.ScalarAsync<long>("SELECT count(*) FROM blobs WHERE sha256 = $1", badRecipient.Sha256));
        Assert.Equal(0L, await mailbox.ScalarAsync<long>("SELECT count(*) FROM outbound_messages WHERE grant_id = $1", grant.Id));
        Assert.Equal(0, (await mailbox.FolderAsync(grant.Id, SystemFolder.SentRole)).MessageCount);
    }

    /// <summary>Reads the events written since the last call.</summary>
    private sealed class EventCursor(MailboxHarness mailbox, Guid grantId)
    {
        private int _seen;

        public async Task<List<(string Type, string ObjectId)>> NextAsync()
        {
            var all = await mailbox.EventsAsync(grantId);
            var next = all.Skip(_seen).Select(e => (e.Type, e.ObjectId)).ToList();
            _seen = all.Count;
            return next;
        }
    }
}
