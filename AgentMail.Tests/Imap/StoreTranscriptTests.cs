using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Imap.Support;

namespace AgentMail.Tests.Imap;

/// <summary>STORE, COPY, MOVE, EXPUNGE, CLOSE, UNSELECT: responses and what reaches the mailbox core.</summary>
public sealed class StoreTranscriptTests
{
    [Fact]
    public async Task STORE_adds_removes_and_replaces_flags_and_keywords_and_persists_them()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var message = await server.DeliverAsync(grant, "flags");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        Assert.Equal(["* 1 FETCH (FLAGS (\\Seen \\Flagged))", "a OK STORE completed"], await wire.CommandAsync("a", "STORE 1 +FLAGS (\\Seen \\Flagged)"));
        // CLIENTS.md 13: any keyword is kept; the first use of a keyword is announced in FLAGS first.
        Assert.Equal([
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $label1 $MailFlagBit0 NonJunk)",
            "* 1 FETCH (FLAGS (\\Seen \\Flagged $label1 $MailFlagBit0 NonJunk))",
            "b OK STORE completed"], await wire.CommandAsync("b", "STORE 1 +FLAGS ($MailFlagBit0 $label1 NonJunk)"));
        Assert.Equal(["* 1 FETCH (UID 1 FLAGS (\\Seen $label1 $MailFlagBit0 NonJunk))", "c OK UID STORE completed"], await wire.CommandAsync("c", "UID STORE 1 -FLAGS \\Flagged"));
        Assert.Equal(["d OK STORE completed"], await wire.CommandAsync("d", "STORE 1 FLAGS.SILENT (\\Answered $Forwarded)"));
        Assert.Equal([
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $label1 $MailFlagBit0 NonJunk)",
            "* 1 FETCH (FLAGS (\\Answered $Forwarded))", "e OK FETCH completed"], await wire.CommandAsync("e", "FETCH 1 FLAGS"));
        var stored = await server.Mailbox.Messages.GetAsync(grant.Id, message.Id, CancellationToken.None);
        Assert.Equal(MessageFlags.Answered, stored!.Flags);
        Assert.Equal(["$Forwarded"], stored.Keywords);
        Assert.True(stored.Unread);
        Assert.Equal(["f BAD Unknown system flag \\Bogus"], await wire.CommandAsync("f", "STORE 1 +FLAGS (\\Bogus)"));
        Assert.Equal(["g BAD Expected FLAGS, +FLAGS or -FLAGS (optionally .SILENT)"], await wire.CommandAsync("g", "STORE 1 +LABELS (x)"));
        Assert.Equal(["h BAD \\* is not a flag that can be stored"], await wire.CommandAsync("h", "STORE 1 +FLAGS (\\*)"));
        Assert.Equal(["i BAD Missing ')'"], await wire.CommandAsync("i", "STORE 1 +FLAGS (\\Seen"));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Answered $Forwarded))", "j OK STORE completed"], await wire.CommandAsync("j", "STORE 1 +FLAGS (\\Recent)"));
    }

    [Fact]
    public async Task STORE_in_a_mailbox_opened_with_EXAMINE_is_refused_and_changes_nothing()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var message = await server.DeliverAsync(grant, "read-only");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "EXAMINE INBOX");
        Assert.Equal(["a NO [READ-ONLY] The mailbox is read-only (EXAMINE)"], await wire.CommandAsync("a", "STORE 1 +FLAGS (\\Deleted)"));
        Assert.Equal(["b NO [READ-ONLY] The mailbox is read-only (EXAMINE)"], await wire.CommandAsync("b", "EXPUNGE"));
        Assert.Equal(["c NO [READ-ONLY] The mailbox is read-only (EXAMINE); MOVE would remove messages from it"], await wire.CommandAsync("c", "MOVE 1 Archive"));
        Assert.Equal(["d OK CLOSE completed"], await wire.CommandAsync("d", "CLOSE"));
        var stored = await server.Mailbox.Messages.GetAsync(grant.Id, message.Id, CancellationToken.None);
        Assert.Equal(MessageFlags.None, stored!.Flags);
        Assert.Equal("inbox", stored.FolderPublicId);
    }

    [Fact]
    public async Task COPY_and_MOVE_answer_COPYUID_and_MOVE_expunges_the_originals()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var first = await server.DeliverAsync(grant, "one");
        await server.DeliverAsync(grant, "two");
        await server.DeliverAsync(grant, "three");
        var archive = await server.Mailbox.FolderAsync(grant.Id, "archive");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        Assert.Equal([$"a OK [COPYUID {archive.UidValidity} 1:2 1:2] COPY completed"], await wire.CommandAsync("a", "COPY 1:2 Archive"));
        Assert.Equal([
            $"* OK [COPYUID {archive.UidValidity} 1,3 3:4] Moved",
            "* 1 EXPUNGE",
            "* 2 EXPUNGE",
            "b OK UID MOVE completed"], await wire.CommandAsync("b", "UID MOVE 1,3 Archive"));
        Assert.Equal(["* 1 FETCH (UID 2)", "c OK FETCH completed"], await wire.CommandAsync("c", "FETCH 1:* UID"));
        // A move keeps the API id (DESIGN.md) and the message is now in Archive.
        var moved = await server.Mailbox.Messages.GetAsync(grant.Id, first.Id, CancellationToken.None);
        Assert.Equal("archive", moved!.FolderPublicId);
        Assert.Equal(3, moved.Uid);
        // CLIENTS.md 14: UIDs that no longer exist are not an error.
        Assert.Equal(["d OK UID COPY completed"], await wire.CommandAsync("d", "UID COPY 1,3 Archive"));
        Assert.Equal(["e NO [TRYCREATE] Mailbox does not exist; create it first"], await wire.CommandAsync("e", "COPY 1 Nowhere"));
        Assert.Equal(["f NO [CANNOT] The messages are already in this mailbox"], await wire.CommandAsync("f", "MOVE 1 INBOX"));
        Assert.Equal(["g BAD Missing arguments"], await wire.CommandAsync("g", "COPY 1"));
    }

    [Fact]
    public async Task EXPUNGE_moves_deleted_messages_to_Trash_and_purges_them_there()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var keep = await server.DeliverAsync(grant, "keep");
        var gone = await server.DeliverAsync(grant, "gone", flags: MessageFlags.Deleted);
        await server.DeliverAsync(grant, "also gone", flags: MessageFlags.Deleted);
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        Assert.Equal(["* 2 EXPUNGE", "* 2 EXPUNGE", "a OK EXPUNGE completed"], await wire.CommandAsync("a", "EXPUNGE"));
        var trashed = await server.Mailbox.Messages.GetAsync(grant.Id, gone.Id, CancellationToken.None);
        Assert.Equal("trash", trashed!.FolderPublicId);
        Assert.False(trashed.Flags.HasFlag(MessageFlags.Deleted));
        Assert.Equal("inbox", (await server.Mailbox.Messages.GetAsync(grant.Id, keep.Id, CancellationToken.None))!.FolderPublicId);

        await wire.ExpectOkAsync("t", "SELECT Trash");
        Assert.Equal(["* 1 FETCH (FLAGS (\\Deleted))", "b OK STORE completed"], await wire.CommandAsync("b", "STORE 1 +FLAGS (\\Deleted)"));
        Assert.Equal(["c OK UID EXPUNGE completed"], await wire.CommandAsync("c", "UID EXPUNGE 2"));
        Assert.Equal(["* 1 EXPUNGE", "d OK UID EXPUNGE completed"], await wire.CommandAsync("d", "UID EXPUNGE 1:*"));
        Assert.Null(await server.Mailbox.Messages.GetAsync(grant.Id, gone.Id, CancellationToken.None));
        Assert.Equal(["e OK NOOP completed"], await wire.CommandAsync("e", "NOOP"));
        Assert.Equal(["* 1 FETCH (UID 2)", "f OK FETCH completed"], await wire.CommandAsync("f", "FETCH 1:* UID"));
    }

    [Fact]
    public async Task CLOSE_expunges_silently_and_UNSELECT_does_not()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverAsync(grant, "one", flags: MessageFlags.Deleted);
        await server.DeliverAsync(grant, "two", flags: MessageFlags.Deleted);
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        await wire.ExpectOkAsync("a", "STORE 1 -FLAGS (\\Deleted)");
        Assert.Equal(["b OK UNSELECT completed"], await wire.CommandAsync("b", "UNSELECT"));
        Assert.Equal(["* STATUS \"INBOX\" (MESSAGES 2)", "c OK STATUS completed"], await wire.CommandAsync("c", "STATUS INBOX (MESSAGES)"));
        await wire.ExpectOkAsync("d", "SELECT INBOX");
        Assert.Equal(["e OK CLOSE completed"], await wire.CommandAsync("e", "CLOSE"));
        Assert.Equal(["* STATUS \"INBOX\" (MESSAGES 1)", "f OK STATUS completed"], await wire.CommandAsync("f", "STATUS INBOX (MESSAGES)"));
        Assert.Equal(["g NO CLOSE needs a selected mailbox (SELECT or EXAMINE)"], await wire.CommandAsync("g", "CLOSE"));
    }

    [Fact]
    public async Task APPEND_answers_APPENDUID_keeps_flags_and_date_and_reports_EXISTS_to_the_selected_mailbox()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var inbox = await server.Mailbox.FolderAsync(grant.Id, "inbox");
        const string message = "From: me@example.com\r\nSubject: appended\r\nMessage-ID: <appended-1@example.com>\r\n\r\nBody\r\n";
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        await wire.SendAsync($"a APPEND INBOX (\\Seen $label2) \" 5-Mar-2026 14:30:00 +0200\" {{{message.Length}}}\r\n");
        Assert.Equal("+ Ready for literal data", await wire.ReadLineAsync());
        await wire.SendAsync(message + "\r\n");
        Assert.Equal(["* 1 EXISTS", $"a OK [APPENDUID {inbox.UidValidity} 1] APPEND completed"], await wire.ReadUntilTaggedAsync("a"));
        Assert.Equal(["* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $label2)", "* 1 FETCH (FLAGS (\\Seen $label2) INTERNALDATE \" 5-Mar-2026 12:30:00 +0000\")", "b OK FETCH completed"],
            await wire.CommandAsync("b", "FETCH 1 (FLAGS INTERNALDATE)"));
        // CLIENTS.md 14: the same Message-ID again (a client saving what it sent) stores nothing and answers the existing UID.
        Assert.Equal([$"c OK [APPENDUID {inbox.UidValidity} 1] APPEND completed (the message was already there)"],
            await wire.CommandAsync("c", $"APPEND INBOX {{{message.Length}+}}\r\n{message}"));
        Assert.Equal(["* STATUS \"INBOX\" (MESSAGES 1)", "d OK STATUS completed"], await wire.CommandAsync("d", "STATUS INBOX (MESSAGES)"));
        Assert.Equal(["e NO [TRYCREATE] Mailbox does not exist; create it first"], await wire.CommandAsync("e", "APPEND Nowhere {4+}\r\nHi\r\n"));
        Assert.Equal(["f NO [CANNOT] An empty message cannot be stored"], await wire.CommandAsync("f", "APPEND INBOX {0+}\r\n"));
        Assert.Equal(["g BAD Invalid date-time (expected \"dd-Mon-yyyy hh:mm:ss +zzzz\")"], await wire.CommandAsync("g", "APPEND INBOX \"31-Feb-2026 10:00:00 +0000\" {4+}\r\nHi\r\n"));
        Assert.Equal(["h BAD literal8 (~{n}) is not allowed here"], await wire.CommandAsync("h", "LOGIN ~{3+}\r\nabc x"));
    }

    [Fact]
    public async Task APPEND_with_UTF8_literal8_after_ENABLE_UTF8_ACCEPT_as_Thunderbird_sends_it()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var sent = await server.Mailbox.FolderAsync(grant.Id, "sent");
        var message = "From: me@example.com\r\nSubject: Grüße\r\n\r\nÜber\r\n";
        var bytes = System.Text.Encoding.UTF8.GetByteCount(message);
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("a", "ENABLE UTF8=ACCEPT");
        await wire.SendAsync($"b APPEND Sent (\\Seen) UTF8 (~{{{bytes}}}\r\n");
        Assert.Equal("+ Ready for literal data", await wire.ReadLineAsync());
        await wire.SendAsync(message + ")\r\n");
        Assert.Equal($"b OK [APPENDUID {sent.UidValidity} 1] APPEND completed", await wire.ReadLineAsync());
        Assert.Equal([$"c OK [APPENDUID {sent.UidValidity} 2] APPEND completed"],
            await wire.CommandAsync("c", $"APPEND Sent ~{{{bytes}+}}\r\n{message.Replace("Grüße", "Grüsse")}"));
    }

    [Fact]
    public async Task APPEND_too_large_is_refused_before_the_literal_is_read_and_over_quota_is_OVERQUOTA()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        // CLIENTS.md 7: no "+", the client sends nothing more, the session goes on.
        Assert.Equal(["a NO [TOOBIG] Message too large: 30000000 bytes; the limit is 26214400 bytes"], await wire.CommandAsync("a", "APPEND INBOX {30000000}"));
        Assert.Equal(["b OK NOOP completed"], await wire.CommandAsync("b", "NOOP"));
        // A non-synchronizing one is already on its way: read and discarded, then the session goes on.
        await wire.SendAsync("c LOGIN {1100000+}\r\n" + new string('x', 1_100_000) + " y\r\nd NOOP\r\n");
        Assert.Equal("c NO [TOOBIG] Literal too large: commands other than APPEND are limited to 1048576 bytes", await wire.ReadLineAsync());
        Assert.Equal("d OK NOOP completed", await wire.ReadLineAsync());
        var small = await server.CreateAccountAsync("quota", quotaBytes: 100);
        await using var limited = await server.ConnectAsync(small);
        var message = "Subject: big\r\n\r\n" + new string('x', 200) + "\r\n";
        Assert.Equal(["e NO [OVERQUOTA] Storage quota exceeded: 0 of 100 bytes used, 218 more needed."], await limited.CommandAsync("e", $"APPEND INBOX {{{message.Length}+}}\r\n{message}"));
        Assert.Equal(["* QUOTAROOT \"INBOX\" \"\"", "* QUOTA \"\" (STORAGE 0 0)", "f OK GETQUOTAROOT completed"], await limited.CommandAsync("f", "GETQUOTAROOT INBOX"));
        Assert.Equal(["* QUOTA \"\" (STORAGE 0 0)", "g OK GETQUOTA completed"], await limited.CommandAsync("g", "GETQUOTA \"\""));
        Assert.Equal(["h NO [NONEXISTENT] No such quota root (the only one is \"\")"], await limited.CommandAsync("h", "GETQUOTA user"));
        Assert.Equal(["i NO [NOPERM] Quotas are set by the administrator through the API"], await limited.CommandAsync("i", "SETQUOTA \"\" (STORAGE 10)"));
    }
}
