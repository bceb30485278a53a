using System.Threading.Channels;
using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Mailbox;

public sealed class ChangeFeedTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Another_instance_hears_a_change_through_redis()
    {
        await using var writer = await MailboxHarness.CreateAsync();
        await using var listener = await MailboxHarness.CreateAsync(); // its own Redis connection and feed
        var grant = await writer.CreateGrantAsync();
        var inbox = await writer.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var heard = Channel.CreateUnbounded<MailboxChange>();
        await using var subscription = await listener.Changes.SubscribeAsync(grant.Id, c => heard.Writer.TryWrite(c));

        var stored = await writer.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("ping"), new AppendOptions(), default);

        var change = await heard.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(new MailboxChange(grant.Id, ChangeKind.Messages, inbox.Id, stored.Message.ModSeq), change);
    }

    [Fact]
    public async Task A_listener_in_the_same_instance_hears_its_own_commits_without_redis()
    {
        await using var mailbox = await MailboxHarness.CreateAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = "127.0.0.1:1,connectTimeout=200", // nothing listens there
        });
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var heard = Channel.CreateUnbounded<MailboxChange>();
        await using var subscription = await mailbox.Changes.SubscribeAsync(grant.Id, c => heard.Writer.TryWrite(c));

        var stored = await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("local"), new AppendOptions(), default);

        Assert.Equal(stored.Message.ModSeq, (await heard.Reader.ReadAsync().AsTask().WaitAsync(Patience)).ModSeq);
    }

    [Fact]
    public async Task Catch_up_by_modseq_returns_what_a_missed_notification_announced()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var a = (await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("a"), new AppendOptions(), default)).Message;
        var b = (await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("b"), new AppendOptions(), default)).Message;
        var known = (await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole)).HighestModSeq;

        // While nobody listens: a new message, a flag change and an expunge.
        var c = (await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("c"), new AppendOptions(), default)).Message;
        await mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(a.Id), FlagChange.Add(MessageFlags.Flagged, "$label1"));
        await mailbox.Messages.MoveAsync(grant.Id, MessageSelection.Ids(b.Id), (await mailbox.FolderAsync(grant.Id, SystemFolder.ArchiveRole)).Id, default);

        var changes = await mailbox.Changes.ReadFolderChangesAsync(inbox.Id, known, default);

        Assert.Equal([a.Uid, c.Uid], changes.Changed.Select(m => m.Uid));
        var flagged = changes.Changed.Single(m => m.Uid == a.Uid);
        Assert.Equal(MessageFlags.Flagged, flagged.Flags);
        Assert.Equal(["$label1"], flagged.Keywords);
        Assert.Equal([b.Uid], changes.ExpungedUids);
        Assert.Equal((await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole)).HighestModSeq, changes.HighestModSeq);
        Assert.True(changes.HighestModSeq > known);
        Assert.Empty((await mailbox.Changes.ReadFolderChangesAsync(inbox.Id, changes.HighestModSeq, default)).Changed);
    }

    [Fact]
    public async Task Rotating_the_app_password_announces_the_new_credential_version()
    {
        await using var writer = await MailboxHarness.CreateAsync();
        await using var listener = await MailboxHarness.CreateAsync();
        var grant = await writer.CreateGrantAsync(appPassword: "Initial-Passw0rd-123");
        var heard = Channel.CreateUnbounded<MailboxChange>();
        await using var subscription = await listener.Changes.SubscribeAsync(grant.Id, c => heard.Writer.TryWrite(c));

        var rotated = await writer.Grants.UpdateAsync(grant.Id, new GrantUpdate { AppPassword = "Rotated-Passw0rd-456" }, default);

        var change = await heard.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(ChangeKind.Credentials, change.Kind);
        Assert.Equal(rotated.CredentialVersion, change.CredentialVersion);
        Assert.Equal(grant.CredentialVersion + 1, rotated.CredentialVersion);
    }
}
