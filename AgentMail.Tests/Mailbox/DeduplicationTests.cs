using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Mailbox;

public sealed class DeduplicationTests
{
    [Fact]
    public async Task Append_of_a_known_message_id_returns_the_existing_message_and_creates_nothing()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var sent = await mailbox.FolderAsync(grant.Id, SystemFolder.SentRole);
        var original = await mailbox.Messages.AppendAsync(grant.Id, sent.Id, TestMessages.Create("sent", messageId: "same@example.com"), new AppendOptions(), default);
        var eventsBefore = await mailbox.EventsAsync(grant.Id);
        var threadsBefore = await mailbox.ScalarAsync<long>("SELECT count(*) FROM threads WHERE grant_id = $1", grant.Id);
        var folderBefore = await mailbox.FolderAsync(grant.Id, SystemFolder.SentRole);

        // The client's own copy differs in bytes (say, a header it added) but not in Message-ID.
        var again = await mailbox.Messages.AppendAsync(grant.Id, sent.Id,
            TestMessages.Create("sent", messageId: "same@example.com", body: "client copy"), new AppendOptions(), default);

        Assert.True(again.Deduplicated);
        Assert.Equal(original.Message.Id, again.Message.Id);
        Assert.Equal(original.Message.Uid, again.Message.Uid);
        Assert.Equal(sent.UidValidity, again.UidValidity);
        var folderAfter = await mailbox.FolderAsync(grant.Id, SystemFolder.SentRole);
        Assert.Equal((folderBefore.MessageCount, folderBefore.UidNext, folderBefore.HighestModSeq),
            (folderAfter.MessageCount, folderAfter.UidNext, folderAfter.HighestModSeq));
        Assert.Equal(eventsBefore.Count, (await mailbox.EventsAsync(grant.Id)).Count);
        Assert.Equal(threadsBefore, await mailbox.ScalarAsync<long>("SELECT count(*) FROM threads WHERE grant_id = $1", grant.Id));
    }

    [Fact]
    public async Task Submitting_a_known_message_id_again_queues_it_again_against_the_existing_Sent_copy()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var content = TestMessages.Create("resent", messageId: "resent@example.com");

        var first = await mailbox.Messages.SubmitAsync(grant.Id, content, grant.Email, ["a@example.com"], default);
        var second = await mailbox.Messages.SubmitAsync(grant.Id, content, grant.Email, ["b@example.com", "B@example.com"], default);

        Assert.False(first.Deduplicated);
        Assert.True(second.Deduplicated);
        Assert.Equal(first.SentCopy.Id, second.SentCopy.Id);
        Assert.NotEqual(first.OutboundId, second.OutboundId);
        foreach (var (outbound, recipient) in new[] { (first.OutboundId, "a@example.com"), (second.OutboundId, "b@example.com") })
        {
            Assert.Equal(recipient, await mailbox.ScalarAsync<string>(
                "SELECT string_agg(recipient, ',') FROM outbound_recipients WHERE outbound_id = $1", outbound));
            Assert.Equal(first.SentCopy.Id, await mailbox.ScalarAsync<Guid>("SELECT message_id FROM outbound_messages WHERE id = $1", outbound));
        }
        // One reference for the Sent copy, one for each queued delivery.
        Assert.Equal(3, await mailbox.ScalarAsync<int>("SELECT ref_count FROM blobs WHERE sha256 = $1", content.Sha256));
        Assert.Equal(1L, await mailbox.ScalarAsync<long>("SELECT count(*) FROM threads WHERE grant_id = $1", grant.Id));
    }

    [Fact]
    public async Task The_same_message_id_in_another_folder_is_a_separate_message_in_the_same_thread()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var archive = await mailbox.FolderAsync(grant.Id, SystemFolder.ArchiveRole);
        var a = await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("x", messageId: "twice@example.com"), new AppendOptions(), default);
        var b = await mailbox.Messages.AppendAsync(grant.Id, archive.Id, TestMessages.Create("x", messageId: "twice@example.com"), new AppendOptions(), default);

        Assert.False(b.Deduplicated);
        Assert.NotEqual(a.Message.Id, b.Message.Id);
        Assert.Equal(a.Message.ThreadId, b.Message.ThreadId);
    }
}
