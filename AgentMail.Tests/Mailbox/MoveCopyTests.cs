using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Mailbox;

public sealed class MoveCopyTests
{
    [Fact]
    public async Task Move_keeps_the_api_id_assigns_a_new_uid_and_logs_the_old_uid_as_expunged()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var archive = await mailbox.FolderAsync(grant.Id, SystemFolder.ArchiveRole);
        await mailbox.Messages.AppendAsync(grant.Id, archive.Id, TestMessages.Create("already archived"), new AppendOptions(), default);
        var first = (await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("one"), new AppendOptions(), default)).Message;
        var second = (await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("two"), new AppendOptions { Flags = MessageFlags.Seen }, default)).Message;

        var result = await mailbox.Messages.MoveAsync(grant.Id, MessageSelection.Uids(inbox.Id, new UidRange(1, 2)), archive.Id, default);

        Assert.Equal(archive.UidValidity, result.TargetUidValidity);
        Assert.Equal([first.Id, second.Id], result.Moved.Select(m => m.After.Id));
        Assert.Equal([2L, 3L], result.Moved.Select(m => m.After.Uid)); // after the one already there, in source-UID order
        var moved = await mailbox.Messages.GetAsync(grant.Id, first.Id, default);
        Assert.Equal(archive.Id, moved!.FolderId);
        Assert.Equal("archive", moved.ToObject().Folders.Single());

        var inboxChanges = await mailbox.Changes.ReadFolderChangesAsync(inbox.Id, inbox.HighestModSeq, default);
        Assert.Equal([1L, 2L], inboxChanges.ExpungedUids);
        var inboxAfter = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var archiveAfter = await mailbox.FolderAsync(grant.Id, SystemFolder.ArchiveRole);
        Assert.Equal((0, 0, 0L), (inboxAfter.MessageCount, inboxAfter.UnseenCount, inboxAfter.SizeBytes));
        Assert.Equal((3, 2), (archiveAfter.MessageCount, archiveAfter.UnseenCount));
        Assert.Equal(4, archiveAfter.UidNext);
    }

    [Fact]
    public async Task Copy_creates_a_new_message_that_shares_the_blob()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var custom = await mailbox.Folders.CreateAsync(grant.Id, "Keep", default);
        var content = TestMessages.Create("copy me");
        var source = (await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, content, new AppendOptions { Keywords = ["$label1"] }, default)).Message;

        var result = await mailbox.Messages.CopyAsync(grant.Id, MessageSelection.Ids(source.Id), custom.Id, default);

        var copy = Assert.Single(result.Copied).Copy;
        Assert.NotEqual(source.Id, copy.Id);
        Assert.Equal(1, copy.Uid);
        Assert.Equal(custom.Id, copy.FolderId);
        Assert.Equal(source.ThreadId, copy.ThreadId);
        Assert.Equal(["$label1"], copy.Keywords);
        Assert.Equal(source.BlobSha256, copy.BlobSha256);
        Assert.Equal(1L, await mailbox.ScalarAsync<long>("SELECT count(*) FROM blobs WHERE sha256 = $1", content.Sha256));
        Assert.Equal(2, await mailbox.ScalarAsync<int>("SELECT ref_count FROM blobs WHERE sha256 = $1", content.Sha256));
        Assert.NotNull(await mailbox.Messages.GetAsync(grant.Id, source.Id, default)); // the original stays

        // Deleting one copy for good keeps the bytes the other still needs.
        await mailbox.Folders.DeleteAsync(grant.Id, custom.Id, default);
        using var stream = new MemoryStream();
        await mailbox.Blobs.CopyAllAsync(content.Sha256, stream, default);
        Assert.Equal(content.Raw.ToArray(), stream.ToArray());
    }

    [Fact]
    public async Task Copy_and_move_of_uids_that_no_longer_exist_change_nothing()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var junk = await mailbox.FolderAsync(grant.Id, SystemFolder.JunkRole);

        var moved = await mailbox.Messages.MoveAsync(grant.Id, MessageSelection.Uids(inbox.Id, new UidRange(5, 9)), junk.Id, default);
        var copied = await mailbox.Messages.CopyAsync(grant.Id, MessageSelection.Uids(inbox.Id, new UidRange(5, 9)), junk.Id, default);

        Assert.Empty(moved.Moved);
        Assert.Empty(copied.Copied);
        Assert.Equal(junk.HighestModSeq, (await mailbox.FolderAsync(grant.Id, SystemFolder.JunkRole)).HighestModSeq);
        Assert.DoesNotContain(await mailbox.EventsAsync(grant.Id), e => e.Type.StartsWith("message.", StringComparison.Ordinal));
    }
}
