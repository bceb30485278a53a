using AgentMail.Mailbox;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Mailbox;

public sealed class DeleteAndQuotaTests
{
    [Fact]
    public async Task Delete_moves_to_trash_then_delete_in_trash_purges_and_usage_follows()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var trash = await mailbox.FolderAsync(grant.Id, SystemFolder.TrashRole);
        var content = TestMessages.Create("to be deleted", padToBytes: 4000);
        var message = (await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, content, new AppendOptions { Flags = MessageFlags.Deleted }, default)).Message;
        Assert.Equal(content.Size, (await mailbox.Grants.GetAsync(grant.Id, default))!.UsedBytes);

        var first = await mailbox.Messages.DeleteAsync(grant.Id, MessageSelection.Ids(message.Id), default);
        var inTrash = Assert.Single(first.MovedToTrash).After;
        Assert.Empty(first.Purged);
        Assert.Equal(message.Id, inTrash.Id);
        Assert.Equal(trash.Id, inTrash.FolderId);
        Assert.False(inTrash.Flags.HasFlag(MessageFlags.Deleted)); // cleared, so expunging Trash is a deliberate act
        Assert.Equal([message.Uid], first.RemovedUids(inbox.Id));
        Assert.Equal(content.Size, (await mailbox.Grants.GetAsync(grant.Id, default))!.UsedBytes);

        var second = await mailbox.Messages.DeleteAsync(grant.Id, MessageSelection.Ids(message.Id), default);
        Assert.Equal(message.Id, Assert.Single(second.Purged).Id);
        Assert.Null(await mailbox.Messages.GetAsync(grant.Id, message.Id, default));
        Assert.Equal(0, (await mailbox.Grants.GetAsync(grant.Id, default))!.UsedBytes);
        Assert.Equal(0L, await mailbox.ScalarAsync<long>("SELECT count(*) FROM blobs WHERE sha256 = $1", content.Sha256));
        Assert.Equal([1L], (await mailbox.Changes.ReadFolderChangesAsync(trash.Id, trash.HighestModSeq, default)).ExpungedUids);
    }

    [Fact]
    public async Task Expunge_takes_only_deleted_messages_and_purges_inside_trash()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var trash = await mailbox.FolderAsync(grant.Id, SystemFolder.TrashRole);
        var keep = (await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("keep"), new AppendOptions(), default)).Message;
        var drop = (await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("drop"), new AppendOptions { Flags = MessageFlags.Deleted | MessageFlags.Seen }, default)).Message;
        var outsideRange = (await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("later"), new AppendOptions { Flags = MessageFlags.Deleted }, default)).Message;

        var expunged = await mailbox.Messages.ExpungeAsync(grant.Id, inbox.Id, [new UidRange(1, 2)], default);
        Assert.Equal([drop.Uid], expunged.RemovedUids(inbox.Id));
        Assert.NotNull(await mailbox.Messages.GetAsync(grant.Id, keep.Id, default));
        Assert.Equal(inbox.Id, (await mailbox.Messages.GetAsync(grant.Id, outsideRange.Id, default))!.FolderId);

        // In Trash, \Deleted and EXPUNGE mean gone for good.
        var trashed = Assert.Single(expunged.MovedToTrash).After;
        await mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Uids(trash.Id, UidRange.Single(trashed.Uid)), FlagChange.Add(MessageFlags.Deleted));
        var purged = await mailbox.Messages.ExpungeAsync(grant.Id, trash.Id, null, default);
        Assert.Equal(drop.Id, Assert.Single(purged.Purged).Id);
        Assert.Null(await mailbox.Messages.GetAsync(grant.Id, drop.Id, default));
    }

    [Fact]
    public async Task Store_beyond_the_quota_is_refused_and_leaves_nothing_behind()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync(quotaBytes: 6000);
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("fits", padToBytes: 4000), new AppendOptions(), default);
        var tooMuch = TestMessages.Create("does not fit", padToBytes: 4000);
        var eventsBefore = (await mailbox.EventsAsync(grant.Id)).Count;

        var error = await Assert.ThrowsAsync<MailboxException>(() =>
            mailbox.Messages.AppendAsync(grant.Id, inbox.Id, tooMuch, new AppendOptions(), default));

        Assert.Equal(MailboxError.QuotaExceeded, error.Error);
        Assert.Contains("6000 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole)).MessageCount);
        Assert.Equal(0L, await mailbox.ScalarAsync<long>("SELECT count(*) FROM blobs WHERE sha256 = $1", tooMuch.Sha256));
        Assert.Equal(eventsBefore, (await mailbox.EventsAsync(grant.Id)).Count);

        // Copies count against the quota too.
        var copyError = await Assert.ThrowsAsync<MailboxException>(() =>
            mailbox.Messages.CopyAsync(grant.Id, MessageSelection.Uids(inbox.Id, UidRange.Single(1)), inbox.Id, default));
        Assert.Equal(MailboxError.QuotaExceeded, copyError.Error);
    }

    [Fact]
    public async Task An_oversize_message_is_refused_naming_the_limit()
    {
        await using var mailbox = await MailboxHarness.CreateAsync(new Dictionary<string, string?> { ["Mailbox:MaxMessageBytes"] = "2048" });
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);

        var error = await Assert.ThrowsAsync<MailboxException>(() =>
            mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("big", padToBytes: 3000), new AppendOptions(), default));

        Assert.Equal(MailboxError.MessageTooLarge, error.Error);
        Assert.Contains("maximum is 2048 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole)).MessageCount);
    }
}
