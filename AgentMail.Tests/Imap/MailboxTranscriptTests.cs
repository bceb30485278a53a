using AgentMail.Tests.Imap.Support;

namespace AgentMail.Tests.Imap;

/// <summary>LIST/LSUB/XLIST, CREATE/DELETE/RENAME/SUBSCRIBE, STATUS and SELECT/EXAMINE, as exact transcripts.</summary>
public sealed class MailboxTranscriptTests
{
    [Fact]
    public async Task LIST_returns_the_six_system_folders_with_special_use_and_children_attributes()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("a", "CREATE Projects/2026");
        Assert.Equal([
            "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
            "* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
            "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
            "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"",
            "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
            "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"",
            "* LIST (\\HasChildren) \"/\" \"Projects\"",
            "* LIST (\\HasNoChildren) \"/\" \"Projects/2026\"",
            "b OK LIST completed"], await wire.CommandAsync("b", "LIST \"\" *"));
        Assert.Equal([
            "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
            "* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
            "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
            "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"",
            "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
            "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"",
            "* LIST (\\HasChildren) \"/\" \"Projects\"",
            "c OK LIST completed"], await wire.CommandAsync("c", "LIST \"\" %"));
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" \"Projects/2026\"", "d OK LIST completed"], await wire.CommandAsync("d", "LIST Projects/ %"));
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" \"INBOX\"", "e OK LIST completed"], await wire.CommandAsync("e", "LIST \"\" inbox"));
        Assert.Equal(["* LIST (\\Noselect) \"/\" \"\"", "f OK LIST completed"], await wire.CommandAsync("f", "LIST \"\" \"\""));
        Assert.Equal(["g OK LIST completed"], await wire.CommandAsync("g", "LIST \"\" Nothing*"));
    }

    [Fact]
    public async Task LIST_EXTENDED_selection_and_return_options_and_LIST_STATUS()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverAsync(grant, "one");
        await server.DeliverAsync(grant, "two", flags: AgentMail.Mailbox.Messages.MessageFlags.Seen);
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("a", "CREATE Lists/Unread");
        await wire.ExpectOkAsync("b", "UNSUBSCRIBE Lists");
        Assert.Equal([
            "* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
            "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
            "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"",
            "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
            "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"",
            "c OK LIST completed"], await wire.CommandAsync("c", "LIST (SPECIAL-USE) \"\" *"));
        Assert.Equal([
            "* LIST (\\HasChildren \\Subscribed) \"/\" \"Lists\"".Replace(" \\Subscribed", ""),
            "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Lists/Unread\"",
            "d OK LIST completed"], await wire.CommandAsync("d", "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" Lists*").ContinueWith(t => t.Result.Select(l => l.Replace(" (\"CHILDINFO\" (\"SUBSCRIBED\"))", "")).ToList()));
        Assert.Equal([
            "* LIST (\\HasChildren) \"/\" \"Lists\" (\"CHILDINFO\" (\"SUBSCRIBED\"))",
            "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Lists/Unread\"",
            "e OK LIST completed"], await wire.CommandAsync("e", "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" Lists*"));
        Assert.Equal([
            "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"INBOX\"",
            "* STATUS \"INBOX\" (MESSAGES 2 UNSEEN 1 SIZE " + (await server.Mailbox.FolderAsync(grant.Id, "inbox")).SizeBytes + ")",
            "* LIST (\\HasNoChildren \\Subscribed \\Sent) \"/\" \"Sent\"",
            "* STATUS \"Sent\" (MESSAGES 0 UNSEEN 0 SIZE 0)",
            "f OK LIST completed"], await wire.CommandAsync("f", "LIST \"\" (INBOX Sent) RETURN (SUBSCRIBED CHILDREN STATUS (MESSAGES UNSEEN SIZE))"));
        Assert.Equal(["g BAD RECURSIVEMATCH needs another selection option"], await wire.CommandAsync("g", "LIST (RECURSIVEMATCH) \"\" *"));
        Assert.Equal(["h BAD Unknown LIST return option"], await wire.CommandAsync("h", "LIST \"\" * RETURN (METADATA)"));
    }

    [Fact]
    public async Task LSUB_and_XLIST_carry_special_use_too()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("a", "CREATE Hidden/Child");
        await wire.ExpectOkAsync("b", "UNSUBSCRIBE Hidden");
        await wire.ExpectOkAsync("c", "UNSUBSCRIBE Junk");
        Assert.Equal([
            "* LSUB (\\HasNoChildren) \"/\" \"INBOX\"",
            "* LSUB (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
            "* LSUB (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
            "* LSUB (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
            "* LSUB (\\HasNoChildren \\Trash) \"/\" \"Trash\"",
            "* LSUB (\\HasNoChildren) \"/\" \"Hidden/Child\"",
            "d OK LSUB completed"], await wire.CommandAsync("d", "LSUB \"\" *"));
        // RFC 3501 §6.3.9: "%" shows an unsubscribed parent of a subscribed child as \Noselect.
        Assert.Contains("* LSUB (\\Noselect \\HasChildren) \"/\" \"Hidden\"", await wire.CommandAsync("e", "LSUB \"\" %"));
        Assert.Equal([
            "* XLIST (\\HasNoChildren \\Inbox) \"/\" \"INBOX\"",
            "* XLIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
            "* XLIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
            "* XLIST (\\HasNoChildren \\Spam) \"/\" \"Junk\"",
            "* XLIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
            "* XLIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"",
            "* XLIST (\\HasChildren) \"/\" \"Hidden\"",
            "* XLIST (\\HasNoChildren) \"/\" \"Hidden/Child\"",
            "f OK XLIST completed"], await wire.CommandAsync("f", "XLIST \"\" *"));
    }

    [Fact]
    public async Task CREATE_DELETE_RENAME_and_their_refusals()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        Assert.Equal(["a OK CREATE completed"], await wire.CommandAsync("a", "CREATE Work/"));
        Assert.Equal(["b NO [ALREADYEXISTS] A folder named 'Work' already exists."], await wire.CommandAsync("b", "CREATE Work"));
        Assert.Equal(["c NO [ALREADYEXISTS] INBOX always exists"], await wire.CommandAsync("c", "CREATE inbox"));
        Assert.Equal(["d NO [CANNOT] A folder name must not contain '%' or '*'."], await wire.CommandAsync("d", "CREATE \"a*b\""));
        await wire.ExpectOkAsync("e", "CREATE Work/Clients/Acme");
        Assert.Equal(["f NO [HASCHILDREN] 'Work' has subfolders; delete them first."], await wire.CommandAsync("f", "DELETE Work"));
        Assert.Equal(["g NO [CANNOT] 'Sent' is a system folder and cannot be deleted"], await wire.CommandAsync("g", "DELETE Sent"));
        Assert.Equal(["h NO [CANNOT] 'INBOX' is a system folder and cannot be deleted"], await wire.CommandAsync("h", "DELETE INBOX"));
        Assert.Equal(["i NO [NONEXISTENT] Mailbox does not exist"], await wire.CommandAsync("i", "DELETE Nope"));
        Assert.Equal(["j OK RENAME completed"], await wire.CommandAsync("j", "RENAME Work Office"));
        Assert.Equal([
            "* LIST (\\HasChildren) \"/\" \"Office\"",
            "* LIST (\\HasChildren) \"/\" \"Office/Clients\"",
            "* LIST (\\HasNoChildren) \"/\" \"Office/Clients/Acme\"",
            "k OK LIST completed"], await wire.CommandAsync("k", "LIST \"\" Office*"));
        Assert.Equal(["l NO [CANNOT] 'Trash' is a system folder and cannot be renamed"], await wire.CommandAsync("l", "RENAME Trash Bin"));
        Assert.Equal(["m NO [ALREADYEXISTS] A folder named 'Office' already exists."], await wire.CommandAsync("m", "RENAME Office/Clients Office"));
        Assert.Equal(["n OK DELETE completed"], await wire.CommandAsync("n", "DELETE Office/Clients/Acme"));
        Assert.Equal(["o NO [NONEXISTENT] Mailbox does not exist"], await wire.CommandAsync("o", "SELECT Office/Clients/Acme"));
    }

    [Fact]
    public async Task RENAME_INBOX_moves_its_messages_and_leaves_it_empty()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverAsync(grant, "a");
        await server.DeliverAsync(grant, "b");
        await using var wire = await server.ConnectAsync(grant);
        Assert.Equal(["a OK RENAME completed: INBOX's messages moved, INBOX is empty"], await wire.CommandAsync("a", "RENAME INBOX \"Old Mail\""));
        Assert.Equal(["* STATUS \"INBOX\" (MESSAGES 0)", "b OK STATUS completed"], await wire.CommandAsync("b", "STATUS INBOX (MESSAGES)"));
        Assert.Equal(["* STATUS \"Old Mail\" (MESSAGES 2)", "c OK STATUS completed"], await wire.CommandAsync("c", "STATUS \"Old Mail\" (MESSAGES)"));
    }

    [Fact]
    public async Task Modified_UTF7_names_round_trip_and_invalid_ones_are_refused()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        // "Café & Friends 😀" and the RFC's Japanese example.
        Assert.Equal(["a OK CREATE completed"], await wire.CommandAsync("a", "CREATE \"Caf&AOk- &- Friends &2D3eAA-\""));
        Assert.Equal(["b OK CREATE completed"], await wire.CommandAsync("b", "CREATE &ZeVnLIqe-"));
        var folders = await server.Mailbox.Folders.ListAsync(grant.Id, CancellationToken.None);
        Assert.Contains(folders, f => f.Name == "Café & Friends 😀");
        Assert.Contains(folders, f => f.Name == "日本語");
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" \"Caf&AOk- &- Friends &2D3eAA-\"", "c OK LIST completed"], await wire.CommandAsync("c", "LIST \"\" Caf*"));
        Assert.Equal(["d NO [CANNOT] Mailbox name is not valid modified UTF-7 (RFC 3501 section 5.1.3): invalid character in modified base64"],
            await wire.CommandAsync("d", "CREATE \"&Jjo!\""));
        Assert.Equal(["e NO [CANNOT] Mailbox name is not valid modified UTF-7 (RFC 3501 section 5.1.3): printable ASCII must not be encoded"],
            await wire.CommandAsync("e", "CREATE &AGEAYgBj-"));
        Assert.Equal(["f NO [CANNOT] Mailbox name is not valid modified UTF-7 (RFC 3501 section 5.1.3): 8-bit characters must be encoded in modified UTF-7"],
            await wire.CommandAsync("f", "CREATE {5+}\r\nCafé"));
        Assert.Equal(["g NO [CANNOT] Mailbox name is not valid modified UTF-7 (RFC 3501 section 5.1.3): adjacent encoded sequences must be one sequence"],
            await wire.CommandAsync("g", "CREATE &AOk-&AOk-"));
    }

    [Fact]
    public async Task After_ENABLE_UTF8_ACCEPT_names_are_plain_UTF8_both_ways()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("a", "ENABLE UTF8=ACCEPT");
        Assert.Equal(["b OK CREATE completed"], await wire.CommandAsync("b", "CREATE \"Café & co\""));
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" \"Café & co\"", "c OK LIST completed"], await wire.CommandAsync("c", "LIST \"\" Caf*"));
        Assert.Contains(await server.Mailbox.Folders.ListAsync(grant.Id, CancellationToken.None), f => f.Name == "Café & co");
    }

    [Fact]
    public async Task Apple_Mail_and_Outlook_folder_names_resolve_to_the_system_folders_and_are_never_created()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        Assert.Equal(["a NO [ALREADYEXISTS] 'Sent Messages' is this account's Sent folder"], await wire.CommandAsync("a", "CREATE \"Sent Messages\""));
        Assert.Equal(["b NO [ALREADYEXISTS] 'Deleted Items' is this account's Trash folder"], await wire.CommandAsync("b", "CREATE \"Deleted Items\""));
        await wire.SendAsync("c APPEND \"Sent Items\" (\\Seen) {21}\r\n");
        Assert.Equal("+ Ready for literal data", await wire.ReadLineAsync());
        await wire.SendAsync("Subject: sent\r\n\r\nHi\r\n\r\n");
        Assert.StartsWith("c OK [APPENDUID ", await wire.ReadLineAsync());
        Assert.Equal(["* STATUS \"Sent\" (MESSAGES 1)", "d OK STATUS completed"], await wire.CommandAsync("d", "STATUS \"Sent Messages\" (MESSAGES)"));
        Assert.Equal(["e OK CREATE completed"], await wire.CommandAsync("e", "CREATE Archives/2026"));
        var names = (await server.Mailbox.Folders.ListAsync(grant.Id, CancellationToken.None)).Select(f => f.Name).ToList();
        Assert.Contains("Archive/2026", names);
        Assert.DoesNotContain(names, n => n.StartsWith("Sent ", StringComparison.Ordinal) || n.StartsWith("Deleted", StringComparison.Ordinal) || n.StartsWith("Archives", StringComparison.Ordinal));
        var select = await wire.CommandAsync("f", "EXAMINE \"Junk E-mail\"");
        Assert.Equal("f OK [READ-ONLY] EXAMINE completed", select[^1]);
    }

    [Fact]
    public async Task SUBSCRIBE_and_UNSUBSCRIBE_change_what_LSUB_shows()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("a", "CREATE Feeds");
        Assert.Equal(["b OK UNSUBSCRIBE completed"], await wire.CommandAsync("b", "UNSUBSCRIBE Feeds"));
        Assert.Equal(["c OK LSUB completed"], await wire.CommandAsync("c", "LSUB \"\" Feeds"));
        Assert.Equal(["d OK SUBSCRIBE completed"], await wire.CommandAsync("d", "SUBSCRIBE Feeds"));
        Assert.Equal(["* LSUB (\\HasNoChildren) \"/\" \"Feeds\"", "e OK LSUB completed"], await wire.CommandAsync("e", "LSUB \"\" Feeds"));
        Assert.Equal(["f NO [NONEXISTENT] Mailbox does not exist"], await wire.CommandAsync("f", "SUBSCRIBE Nowhere"));
    }

    [Fact]
    public async Task STATUS_answers_every_item_from_the_folder_counters()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverAsync(grant, "one", flags: AgentMail.Mailbox.Messages.MessageFlags.Deleted);
        await server.DeliverAsync(grant, "two", flags: AgentMail.Mailbox.Messages.MessageFlags.Seen);
        await server.DeliverAsync(grant, "three");
        var inbox = await server.Mailbox.FolderAsync(grant.Id, "inbox");
        await using var wire = await server.ConnectAsync(grant);
        Assert.Equal([
            $"* STATUS \"INBOX\" (MESSAGES 3 RECENT 0 UIDNEXT 4 UIDVALIDITY {inbox.UidValidity} UNSEEN 2 DELETED 1 SIZE {inbox.SizeBytes} HIGHESTMODSEQ {inbox.HighestModSeq} MAILBOXID (inbox) APPENDLIMIT 26214400)",
            "a OK STATUS completed"], await wire.CommandAsync("a", "STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ MAILBOXID APPENDLIMIT)"));
        Assert.Equal(["b BAD Unknown STATUS item FOO"], await wire.CommandAsync("b", "STATUS INBOX (FOO)"));
        Assert.Equal(["c NO [NONEXISTENT] Mailbox does not exist"], await wire.CommandAsync("c", "STATUS Nope (MESSAGES)"));
        var empty = await server.Mailbox.FolderAsync(grant.Id, "drafts");
        Assert.Equal([$"* STATUS \"Drafts\" (UIDNEXT 1 UIDVALIDITY {empty.UidValidity} HIGHESTMODSEQ 1)", "d OK STATUS completed"],
            await wire.CommandAsync("d", "STATUS Drafts (UIDNEXT UIDVALIDITY HIGHESTMODSEQ)"));
    }

    [Fact]
    public async Task SELECT_and_EXAMINE_report_the_mailbox_as_RFC_9051_lists_it()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverAsync(grant, "seen", flags: AgentMail.Mailbox.Messages.MessageFlags.Seen, keywords: ["$Forwarded"]);
        await server.DeliverAsync(grant, "unseen", keywords: ["$MailFlagBit0"]);
        var inbox = await server.Mailbox.FolderAsync(grant.Id, "inbox");
        await using var wire = await server.ConnectAsync(grant);
        Assert.Equal([
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MailFlagBit0)",
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted",
            "* 2 EXISTS",
            "* 0 RECENT",
            "* OK [UNSEEN 2] First unseen",
            $"* OK [UIDVALIDITY {inbox.UidValidity}] UIDs valid",
            "* OK [UIDNEXT 3] Predicted next UID",
            "* OK [MAILBOXID (inbox)] Ok",
            "a OK [READ-WRITE] SELECT completed"], await wire.CommandAsync("a", "SELECT INBOX"));
        Assert.Equal([
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
            "* OK [PERMANENTFLAGS ()] Read-only mailbox",
            "* 0 EXISTS",
            "* 0 RECENT",
            $"* OK [UIDVALIDITY {(await server.Mailbox.FolderAsync(grant.Id, "sent")).UidValidity}] UIDs valid",
            "* OK [UIDNEXT 1] Predicted next UID",
            "* OK [MAILBOXID (sent)] Ok",
            "b OK [READ-ONLY] EXAMINE completed"], await wire.CommandAsync("b", "EXAMINE Sent"));
        Assert.Equal(["c NO [NONEXISTENT] Mailbox does not exist"], await wire.CommandAsync("c", "SELECT Nope"));
        Assert.Equal(["d NO FETCH needs a selected mailbox (SELECT or EXAMINE)"], await wire.CommandAsync("d", "FETCH 1 FLAGS"));
    }

    [Fact]
    public async Task IMAP4rev2_SELECT_sends_LIST_and_CLOSED_and_no_RECENT()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant, rev2: true);
        await wire.ExpectOkAsync("a", "SELECT INBOX");
        var lines = await wire.CommandAsync("b", "EXAMINE Drafts");
        Assert.Equal("* OK [CLOSED] Previous mailbox is now closed", lines[0]);
        Assert.DoesNotContain(lines, l => l.Contains("RECENT", StringComparison.Ordinal));
        Assert.Contains("* LIST () \"/\" \"Drafts\"", lines);
    }

    [Fact]
    public async Task UIDVALIDITY_is_unique_per_folder_and_survives_renames()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("a", "CREATE Old");
        var before = await wire.ExpectOkAsync("b", "STATUS Old (UIDVALIDITY)");
        await wire.ExpectOkAsync("c", "RENAME Old New");
        var after = await wire.ExpectOkAsync("d", "STATUS New (UIDVALIDITY)");
        Assert.Equal(before[0].Replace("\"Old\"", "\"New\""), after[0]);
        var all = await wire.ExpectOkAsync("e", "LIST \"\" * RETURN (STATUS (UIDVALIDITY))");
        var values = all.Where(l => l.StartsWith("* STATUS", StringComparison.Ordinal)).Select(l => l[(l.LastIndexOf('(') + 1)..]).ToList();
        Assert.Equal(7, values.Count);
        Assert.Equal(values.Count, values.Distinct().Count());
    }
}
