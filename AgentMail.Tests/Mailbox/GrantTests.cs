using AgentMail.Mailbox;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Mailbox;

public sealed class GrantTests
{
    [Fact]
    public async Task A_new_grant_has_the_six_system_folders_with_special_use()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var folders = await mailbox.Folders.ListAsync(grant.Id, default);
        Assert.Equal(
            [("inbox", "INBOX", null), ("archive", "Archive", @"\Archive"), ("drafts", "Drafts", @"\Drafts"),
             ("junk", "Junk", @"\Junk"), ("sent", "Sent", @"\Sent"), ("trash", "Trash", @"\Trash")],
            folders.Select(f => (f.PublicId, f.Name, f.System?.SpecialUse)));
        Assert.Equal([@"\Inbox"], FolderService.ToObjects(folders)[0].Attributes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-at-sign")]
    [InlineData("@example.com")]
    [InlineData("user@")]
    [InlineData("user@@example.com")]
    [InlineData("us er@example.com")]
    [InlineData("user.@example.com")]
    [InlineData("user@-example.com")]
    [InlineData("user@exa_mple.com")]
    [InlineData("\"quoted\"@example.com")]
    public async Task Invalid_addresses_are_refused_with_a_specific_message(string email)
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var error = await Assert.ThrowsAsync<MailboxException>(() => mailbox.Grants.CreateAsync(new CreateGrantRequest(email), default));
        Assert.Equal(MailboxError.InvalidEmail, error.Error);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public async Task A_duplicate_address_in_any_case_is_refused()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var error = await Assert.ThrowsAsync<MailboxException>(() =>
            mailbox.Grants.CreateAsync(new CreateGrantRequest(grant.Email.ToUpperInvariant()), default));
        Assert.Equal(MailboxError.GrantAlreadyExists, error.Error);
        Assert.Contains(grant.Email.ToUpperInvariant(), error.Message, StringComparison.Ordinal);
        Assert.Equal(grant.Id, (await mailbox.Grants.ResolveAsync(grant.Email.ToUpperInvariant(), default))!.Id);
    }

    [Fact]
    public async Task Unknown_ids_are_not_found_and_change_nothing()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var unknown = Guid.NewGuid();
        Assert.Null(await mailbox.Grants.GetAsync(unknown, default));
        Assert.Null(await mailbox.Grants.ResolveAsync("not-a-grant", default));
        Assert.Equal(MailboxError.GrantNotFound, (await Assert.ThrowsAsync<MailboxException>(() => mailbox.Grants.UpdateAsync(unknown, new GrantUpdate { Name = "x" }, default))).Error);
        Assert.Equal(MailboxError.GrantNotFound, (await Assert.ThrowsAsync<MailboxException>(() => mailbox.Grants.DeleteAsync(unknown, default))).Error);

        var grant = await mailbox.CreateGrantAsync();
        var other = await mailbox.CreateGrantAsync();
        var otherInbox = await mailbox.FolderAsync(other.Id, SystemFolder.InboxRole);
        var theirs = (await mailbox.Messages.AppendAsync(other.Id, otherInbox.Id, TestMessages.Create("private"), new AppendOptions(), default)).Message;

        // Another grant's folder and message ids are unknown to this grant: tenant isolation in the core.
        Assert.Equal(MailboxError.FolderNotFound, (await Assert.ThrowsAsync<MailboxException>(() =>
            mailbox.Messages.AppendAsync(grant.Id, otherInbox.Id, TestMessages.Create("x"), new AppendOptions(), default))).Error);
        Assert.Null(await mailbox.Messages.GetAsync(grant.Id, theirs.Id, default));
        var flagged = await mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(theirs.Id), FlagChange.Add(MessageFlags.Seen));
        Assert.Empty(flagged.Matched);
        var deleted = await mailbox.Messages.DeleteAsync(grant.Id, MessageSelection.Ids(theirs.Id), default);
        Assert.Empty(deleted.MovedToTrash);
        Assert.True((await mailbox.Messages.GetAsync(other.Id, theirs.Id, default))!.Unread);
        Assert.Null(await mailbox.Folders.GetByIdAsync(grant.Id, otherInbox.Id, default));
    }

    [Fact]
    public async Task Deleting_a_grant_removes_its_mail_and_shared_bytes_it_alone_held()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var other = await mailbox.CreateGrantAsync();
        var shared = TestMessages.Create("to both");
        var mine = TestMessages.Create("only mine");
        await mailbox.Messages.AppendAsync(grant.Id, (await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole)).Id, shared, new AppendOptions(), default);
        await mailbox.Messages.AppendAsync(grant.Id, (await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole)).Id, mine, new AppendOptions(), default);
        await mailbox.Messages.AppendAsync(other.Id, (await mailbox.FolderAsync(other.Id, SystemFolder.InboxRole)).Id, shared, new AppendOptions(), default);

        await mailbox.Grants.DeleteAsync(grant.Id, default);

        Assert.Null(await mailbox.Grants.GetAsync(grant.Id, default));
        Assert.Equal(0L, await mailbox.ScalarAsync<long>("SELECT count(*) FROM folders WHERE grant_id = $1", grant.Id));
        Assert.Equal(0L, await mailbox.ScalarAsync<long>("SELECT count(*) FROM blobs WHERE sha256 = $1", mine.Sha256));
        Assert.Equal(1, await mailbox.ScalarAsync<int>("SELECT ref_count FROM blobs WHERE sha256 = $1", shared.Sha256));
    }
}
