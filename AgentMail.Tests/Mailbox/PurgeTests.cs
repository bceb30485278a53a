using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Mailbox;

public sealed class PurgeTests
{
    [Fact]
    public async Task Purge_deletes_for_good_from_any_folder_with_one_event_each_and_frees_the_space()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var drafts = await mailbox.FolderAsync(grant.Id, SystemFolder.DraftsRole);
        var content = TestMessages.Create("draft to drop", padToBytes: 3000);
        var draft = (await mailbox.Messages.AppendAsync(grant.Id, drafts.Id, content, new AppendOptions { Flags = MessageFlags.Draft }, default)).Message;

        var purged = await mailbox.Messages.PurgeAsync(grant.Id, MessageSelection.Ids(draft.Id), default);

        Assert.Equal(draft.Id, Assert.Single(purged).Id);
        Assert.Null(await mailbox.Messages.GetAsync(grant.Id, draft.Id, default));
        Assert.Equal(0, (await mailbox.Grants.GetAsync(grant.Id, default))!.UsedBytes);
        Assert.Equal(0L, await mailbox.ScalarAsync<long>("SELECT count(*) FROM blobs WHERE sha256 = $1", content.Sha256));
        Assert.Equal(0, (await mailbox.FolderAsync(grant.Id, SystemFolder.DraftsRole)).MessageCount);
        Assert.Equal([draft.Uid], (await mailbox.Changes.ReadFolderChangesAsync(drafts.Id, drafts.HighestModSeq, default)).ExpungedUids);
        Assert.Equal(["message.created", "message.deleted"], (await mailbox.EventsAsync(grant.Id)).Where(e => e.ObjectId == draft.Id.ToString()).Select(e => e.Type));
    }

    [Fact]
    public async Task Purge_never_reaches_another_grant()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var owner = await mailbox.CreateGrantAsync();
        var other = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(owner.Id, SystemFolder.InboxRole);
        var message = (await mailbox.Messages.AppendAsync(owner.Id, inbox.Id, TestMessages.Create("mine"), new AppendOptions(), default)).Message;

        var purged = await mailbox.Messages.PurgeAsync(other.Id, MessageSelection.Ids(message.Id), default);

        Assert.Empty(purged);
        Assert.NotNull(await mailbox.Messages.GetAsync(owner.Id, message.Id, default));
    }
}
