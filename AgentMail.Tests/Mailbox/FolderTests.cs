using AgentMail.Mailbox;
using AgentMail.Mailbox.Folders;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Mailbox;

public sealed class FolderTests
{
    [Fact]
    public async Task Create_makes_missing_ancestors_and_rename_moves_the_subtree()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();

        var leaf = await mailbox.Folders.CreateAsync(grant.Id, "Clients/Acme/2026", default);
        Assert.Equal("Clients/Acme/2026", leaf.Name);
        var names = (await mailbox.Folders.ListAsync(grant.Id, default)).Select(f => f.Name).ToList();
        Assert.Contains("Clients", names);
        Assert.Contains("Clients/Acme", names);
        Assert.Equal(["folder.created", "folder.created", "folder.created"],
            (await mailbox.EventsAsync(grant.Id)).Where(e => e.Type.StartsWith("folder.", StringComparison.Ordinal)).Select(e => e.Type));

        var acme = (await mailbox.Folders.FindByNameAsync(grant.Id, "Clients/Acme", default))!;
        await mailbox.Folders.RenameAsync(grant.Id, acme.Id, "Archive/Acme", default);
        var after = await mailbox.Folders.ListAsync(grant.Id, default);
        Assert.Contains(after, f => f.Name == "Archive/Acme/2026" && f.Id == leaf.Id && f.UidValidity == leaf.UidValidity);
        var objects = FolderService.ToObjects(after);
        var archive = objects.Single(o => o.Name == "Archive");
        Assert.Equal(1, archive.ChildCount);
        Assert.Equal(archive.Id, objects.Single(o => o.Name == "Archive/Acme").ParentId);
    }

    [Theory]
    [InlineData("/leading")]
    [InlineData("trailing/")]
    [InlineData("a//b")]
    [InlineData("wild*card")]
    [InlineData("per%cent")]
    [InlineData("tab\there")]
    [InlineData("   ")]
    public async Task Invalid_names_are_refused(string name)
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var error = await Assert.ThrowsAsync<MailboxException>(() => mailbox.Folders.CreateAsync(grant.Id, name, default));
        Assert.Equal(MailboxError.InvalidFolderName, error.Error);
    }

    [Fact]
    public async Task Inbox_is_case_insensitive_and_system_folders_cannot_be_renamed_or_deleted()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        Assert.Equal(MailboxError.FolderAlreadyExists, (await Assert.ThrowsAsync<MailboxException>(() => mailbox.Folders.CreateAsync(grant.Id, "inbox", default))).Error);
        var child = await mailbox.Folders.CreateAsync(grant.Id, "Inbox/Receipts", default);
        Assert.Equal("INBOX/Receipts", child.Name);
        Assert.Equal("inbox", (await mailbox.Folders.FindByNameAsync(grant.Id, "iNbOx", default))!.PublicId);

        var sent = await mailbox.FolderAsync(grant.Id, SystemFolder.SentRole);
        Assert.Equal(MailboxError.SystemFolderImmutable, (await Assert.ThrowsAsync<MailboxException>(() => mailbox.Folders.RenameAsync(grant.Id, sent.Id, "Sent Items", default))).Error);
        Assert.Equal(MailboxError.SystemFolderImmutable, (await Assert.ThrowsAsync<MailboxException>(() => mailbox.Folders.DeleteAsync(grant.Id, sent.Id, default))).Error);
        var parent = (await mailbox.Folders.ListAsync(grant.Id, default)).Single(f => f.Name == "INBOX");
        Assert.Equal(MailboxError.SystemFolderImmutable, (await Assert.ThrowsAsync<MailboxException>(() => mailbox.Folders.DeleteAsync(grant.Id, parent.Id, default))).Error);
    }

    [Fact]
    public async Task A_folder_with_children_is_not_deleted()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        await mailbox.Folders.CreateAsync(grant.Id, "Parent/Child", default);
        var parent = (await mailbox.Folders.FindByNameAsync(grant.Id, "Parent", default))!;
        var error = await Assert.ThrowsAsync<MailboxException>(() => mailbox.Folders.DeleteAsync(grant.Id, parent.Id, default));
        Assert.Equal(MailboxError.FolderHasChildren, error.Error);
        Assert.NotNull(await mailbox.Folders.FindByNameAsync(grant.Id, "Parent", default));
    }
}
