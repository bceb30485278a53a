using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Storage;
using AgentMail.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMail.Tests.Mailbox;

public sealed class BlobLifecycleTests
{
    [Fact]
    public async Task A_duplicate_append_does_not_upload_its_bytes()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var sent = await mailbox.FolderAsync(grant.Id, SystemFolder.SentRole);
        await mailbox.Messages.AppendAsync(grant.Id, sent.Id, TestMessages.Create("mine", messageId: "dup-upload@example.com"), new AppendOptions(), default);
        var clientCopy = TestMessages.Create("mine", messageId: "dup-upload@example.com", body: "with the client's own headers");

        var again = await mailbox.Messages.AppendAsync(grant.Id, sent.Id, clientCopy, new AppendOptions(), default);

        Assert.True(again.Deduplicated);
        Assert.Equal(0L, await mailbox.ScalarAsync<long>("SELECT count(*) FROM blobs WHERE sha256 = $1", clientCopy.Sha256));
    }

    [Fact]
    public async Task Maintenance_removes_uploaded_blobs_nothing_references_but_keeps_referenced_ones()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var kept = TestMessages.Create("kept");
        await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, kept, new AppendOptions(), default);
        var orphan = TestMessages.Create("uploaded, then the append was refused");
        await Blobs.UploadAsync(mailbox.Services.GetRequiredService<MailboxDatabase>(), orphan, default);
        Assert.Equal(0, await mailbox.ScalarAsync<int>("SELECT ref_count FROM blobs WHERE sha256 = $1", orphan.Sha256));

        var maintenance = mailbox.Services.GetRequiredService<MailboxMaintenance>();
        await maintenance.RemoveUnreferencedBlobsAsync(TimeSpan.FromHours(1), default);
        Assert.Equal(1L, await mailbox.ScalarAsync<long>("SELECT count(*) FROM blobs WHERE sha256 = $1", orphan.Sha256)); // within its grace period
        await maintenance.RemoveUnreferencedBlobsAsync(TimeSpan.Zero, default);

        Assert.Equal(0L, await mailbox.ScalarAsync<long>("SELECT count(*) FROM blobs WHERE sha256 = $1", orphan.Sha256));
        Assert.Equal(1L, await mailbox.ScalarAsync<long>("SELECT count(*) FROM blobs WHERE sha256 = $1", kept.Sha256));
    }

    [Fact]
    public async Task Appending_content_while_its_last_copy_is_purged_keeps_the_store_consistent()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var trash = await mailbox.FolderAsync(grant.Id, SystemFolder.TrashRole);

        for (var round = 0; round < 15; round++)
        {
            var content = TestMessages.Create($"round {round}");
            var doomed = (await mailbox.Messages.AppendAsync(grant.Id, trash.Id, content, new AppendOptions(), default)).Message;
            var purge = mailbox.Messages.DeleteAsync(grant.Id, MessageSelection.Ids(doomed.Id), default);
            var append = mailbox.Messages.AppendAsync(grant.Id, inbox.Id, content, new AppendOptions(), default);
            await Task.WhenAll(purge, append);

            Assert.Single((await purge).Purged);
            var survivor = await mailbox.Messages.GetAsync(grant.Id, (await append).Message.Id, default);
            Assert.NotNull(survivor);
            Assert.Equal(1, await mailbox.ScalarAsync<int>("SELECT ref_count FROM blobs WHERE sha256 = $1", content.Sha256));
            using var bytes = new MemoryStream();
            await mailbox.Blobs.CopyAllAsync(content.Sha256, bytes, default);
            Assert.Equal(content.Raw.ToArray(), bytes.ToArray());
        }
    }
}
