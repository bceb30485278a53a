using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Mailbox;

public sealed class UidAllocationTests
{
    [Fact]
    public async Task Eight_concurrent_writers_get_distinct_increasing_uids_and_uidnext_follows()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);

        const int writers = 8, perWriter = 15;
        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var uids = new List<long>();
            for (var i = 0; i < perWriter; i++)
            {
                var stored = await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create($"w{w} m{i}"), new AppendOptions(), default);
                uids.Add(stored.Message.Uid);
            }
            return uids;
        })));

        var all = results.SelectMany(u => u).ToList();
        Assert.Equal(writers * perWriter, all.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, writers * perWriter).Select(i => (long)i), all.Order());
        // Each writer's own appends commit in order, so its UIDs only ever grow.
        Assert.All(results, uids => Assert.Equal(uids.Order(), uids));

        var after = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        Assert.Equal(all.Max() + 1, after.UidNext);
        Assert.Equal(writers * perWriter, after.MessageCount);
        Assert.Equal(inbox.UidValidity, after.UidValidity);
    }

    [Fact]
    public async Task Uidvalidity_is_unique_across_folders_and_grants_and_survives_rename()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var first = await mailbox.CreateGrantAsync();
        var second = await mailbox.CreateGrantAsync();
        var custom = await mailbox.Folders.CreateAsync(first.Id, "Projects", default);

        var folders = (await mailbox.Folders.ListAsync(first.Id, default)).Concat(await mailbox.Folders.ListAsync(second.Id, default)).ToList();
        Assert.Equal(13, folders.Count); // six system folders each, plus Projects
        Assert.Equal(folders.Count, folders.Select(f => f.UidValidity).Distinct().Count());
        Assert.All(folders, f => Assert.InRange(f.UidValidity, 1, uint.MaxValue));

        var renamed = await mailbox.Folders.RenameAsync(first.Id, custom.Id, "Projects 2026", default);
        Assert.Equal(custom.UidValidity, renamed.UidValidity);

        // A folder deleted and created again under the same name is a new folder: new UIDVALIDITY.
        await mailbox.Folders.DeleteAsync(first.Id, custom.Id, default);
        var recreated = await mailbox.Folders.CreateAsync(first.Id, "Projects 2026", default);
        Assert.NotEqual(custom.UidValidity, recreated.UidValidity);
        Assert.DoesNotContain(recreated.UidValidity, folders.Select(f => f.UidValidity));
    }

    [Fact]
    public async Task A_new_folder_starts_at_uidnext_1_and_highestmodseq_1()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var folder = await mailbox.Folders.CreateAsync(grant.Id, "Empty", default);
        Assert.Equal(1, folder.UidNext);
        Assert.Equal(1, folder.HighestModSeq); // never 0 (CLIENTS.md 11)
        Assert.Equal(0, folder.MessageCount);
    }
}
