using AgentMail.Mailbox;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Mailbox;

/// <summary>
/// Selecting messages by UID ranges (IMAP's sequence sets, after normalization): one range, several
/// with gaps, none — and never another grant's folder, whatever UIDs are asked for.
/// </summary>
public sealed class UidSelectionTests
{
    [Fact]
    public async Task Ranges_select_exactly_their_uids_and_only_in_the_grants_own_folder()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var stranger = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        for (var i = 1; i <= 12; i++)
            await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create($"message {i}"), new AppendOptions(), default);

        async Task<long[]> Select(Guid grantId, params UidRange[] ranges) =>
            [.. (await mailbox.Messages.GetByUidsAsync(grantId, inbox.Id, ranges, default)).Select(m => m.Uid)];

        Assert.Equal(new long[] { 4, 5, 6 }, await Select(grant.Id, new UidRange(4, 6)));
        Assert.Equal(new long[] { 12 }, await Select(grant.Id, new UidRange(12, long.MaxValue)));
        Assert.Equal(new long[] { 2, 3, 7, 10, 11, 12 }, await Select(grant.Id, new UidRange(10, 20), new UidRange(2, 3), UidRange.Single(7)));
        Assert.Equal(new long[] { 1, 2, 3, 4 }, await Select(grant.Id, new UidRange(3, 1), new UidRange(2, 4))); // reversed and overlapping
        Assert.Empty(await Select(grant.Id, new UidRange(13, 99)));
        Assert.Empty(await Select(grant.Id));

        // Another grant naming this folder's id sees nothing, one range or several.
        Assert.Empty(await Select(stranger.Id, new UidRange(1, long.MaxValue)));
        Assert.Empty(await Select(stranger.Id, new UidRange(1, 2), new UidRange(5, 6)));
        var refused = await Assert.ThrowsAsync<MailboxException>(() => mailbox.Messages.SetFlagsAsync(
            stranger.Id, MessageSelection.Uids(inbox.Id, new UidRange(1, 3)), FlagChange.Add(MessageFlags.Flagged), default));
        Assert.Equal(MailboxError.FolderNotFound, refused.Error);

        // A flag change over several ranges touches exactly those messages.
        await mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Uids(inbox.Id, UidRange.Single(2), new UidRange(8, 9)), FlagChange.Add(MessageFlags.Flagged), default);
        var flagged = (await mailbox.Messages.GetByUidsAsync(grant.Id, inbox.Id, [new UidRange(1, long.MaxValue)], default))
            .Where(m => m.Flags.HasFlag(MessageFlags.Flagged)).Select(m => m.Uid);
        Assert.Equal(new long[] { 2, 8, 9 }, flagged);
    }
}
