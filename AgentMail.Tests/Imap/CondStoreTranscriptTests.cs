using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Imap.Support;

namespace AgentMail.Tests.Imap;

/// <summary>CONDSTORE and QRESYNC (RFC 7162): MODSEQ everywhere it belongs, conditional STORE, VANISHED.</summary>
public sealed class CondStoreTranscriptTests
{
    [Fact]
    public async Task HIGHESTMODSEQ_starts_at_1_and_SELECT_CONDSTORE_reports_it()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        var lines = await wire.CommandAsync("a", "SELECT Drafts (CONDSTORE)");
        Assert.Contains("* OK [HIGHESTMODSEQ 1] Highest", lines); // CLIENTS.md 11: never 0
        Assert.Equal("a OK [READ-WRITE] SELECT completed", lines[^1]);
        Assert.Equal(["* STATUS \"Drafts\" (HIGHESTMODSEQ 1)", "b OK STATUS completed"], await wire.CommandAsync("b", "STATUS Drafts (HIGHESTMODSEQ)"));
    }

    [Fact]
    public async Task STORE_returns_MODSEQ_even_silent_and_UNCHANGEDSINCE_reports_MODIFIED()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var m1 = await server.DeliverAsync(grant, "one");
        await server.DeliverAsync(grant, "two");
        var m3 = await server.DeliverAsync(grant, "three");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("e", "ENABLE CONDSTORE");
        var select = await wire.ExpectOkAsync("s", "SELECT INBOX");
        Assert.Contains($"* OK [HIGHESTMODSEQ {m3.ModSeq}] Highest", select);
        var next = m3.ModSeq + 1;
        Assert.Equal([$"* 1 FETCH (MODSEQ ({next}))", "a OK STORE completed"], await wire.CommandAsync("a", "STORE 1 +FLAGS.SILENT (\\Seen)"));
        Assert.Equal([$"* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ ({next + 1}))", "b OK UID STORE completed"], await wire.CommandAsync("b", "UID STORE 2 +FLAGS (\\Flagged)"));
        // RFC 7162 §3.1.3 example 5: messages changed since UNCHANGEDSINCE are left alone and listed.
        Assert.Equal([$"* 3 FETCH (MODSEQ ({next + 2}))", "c OK [MODIFIED 1:2] Conditional STORE failed"],
            await wire.CommandAsync("c", $"STORE 1:3 (UNCHANGEDSINCE {m3.ModSeq}) +FLAGS.SILENT (\\Deleted)"));
        Assert.Equal(["d OK [MODIFIED 1] Conditional STORE failed"], await wire.CommandAsync("d", "UID STORE 1 (UNCHANGEDSINCE 1) -FLAGS (\\Seen)"));
        Assert.Equal([$"* 1 FETCH (FLAGS (\\Seen) MODSEQ ({next}))", "f OK FETCH completed"], await wire.CommandAsync("f", "FETCH 1 (FLAGS MODSEQ)"));
        Assert.NotNull(m1);
    }

    [Fact]
    public async Task FETCH_CHANGEDSINCE_and_SEARCH_MODSEQ()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverAsync(grant, "one");
        var m2 = await server.DeliverAsync(grant, "two");
        await server.DeliverAsync(grant, "three");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX (CONDSTORE)");
        await wire.ExpectOkAsync("a", "STORE 1 +FLAGS.SILENT ($Important)");
        var changed = m2.ModSeq + 2;
        Assert.Equal(["* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important)", $"* 1 FETCH (UID 1 FLAGS ($Important) MODSEQ ({changed}))", $"* 3 FETCH (UID 3 FLAGS () MODSEQ ({m2.ModSeq + 1}))", "b OK UID FETCH completed"],
            await wire.CommandAsync("b", $"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {m2.ModSeq})"));
        Assert.Equal([$"* SEARCH 1 3 (MODSEQ {changed})", "c OK SEARCH completed"], await wire.CommandAsync("c", $"SEARCH MODSEQ {m2.ModSeq + 1}"));
        Assert.Equal([$"* SEARCH 1 (MODSEQ {changed})", "d OK SEARCH completed"], await wire.CommandAsync("d", $"SEARCH MODSEQ \"/flags/\\\\draft\" all {changed}"));
        Assert.Equal([$"* ESEARCH (TAG \"e\") COUNT 3 MODSEQ {changed}", "e OK SEARCH completed"], await wire.CommandAsync("e", "SEARCH RETURN (COUNT) MODSEQ 1"));
    }

    [Fact]
    public async Task QRESYNC_SELECT_reports_VANISHED_EARLIER_and_changed_flags_and_EXPUNGE_becomes_VANISHED()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var m1 = await server.DeliverAsync(grant, "one");
        var m2 = await server.DeliverAsync(grant, "two");
        var m3 = await server.DeliverAsync(grant, "three");
        var m4 = await server.DeliverAsync(grant, "four");
        var inbox = await server.Mailbox.FolderAsync(grant.Id, "inbox");
        var cached = m4.ModSeq;
        // What happened while the client was away: one deleted, one flagged.
        await server.Mailbox.Messages.DeleteAsync(grant.Id, MessageSelection.Ids(m2.Id), CancellationToken.None);
        await server.Mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(m3.Id), FlagChange.Add(MessageFlags.Flagged));
        var now = await server.Mailbox.FolderAsync(grant.Id, "inbox");

        await using var wire = await server.ConnectAsync(grant);
        Assert.Equal(["a BAD The QRESYNC parameter needs ENABLE QRESYNC first (RFC 7162 section 3.2.5)"],
            await wire.CommandAsync("a", $"SELECT INBOX (QRESYNC ({inbox.UidValidity} {cached}))"));
        await wire.ExpectOkAsync("b", "ENABLE QRESYNC");
        var select = await wire.CommandAsync("c", $"SELECT INBOX (QRESYNC ({inbox.UidValidity} {cached} 1:4))");
        Assert.Contains($"* OK [HIGHESTMODSEQ {now.HighestModSeq}] Highest", select);
        Assert.Equal([
            "* VANISHED (EARLIER) 2",
            $"* 2 FETCH (UID 3 FLAGS (\\Flagged) MODSEQ ({now.HighestModSeq}))",
            "c OK [READ-WRITE] SELECT completed"], select[^3..]);
        // A different UIDVALIDITY means the cache is useless: no VANISHED, no FETCH.
        var stale = await wire.CommandAsync("d", $"SELECT INBOX (QRESYNC (1 {cached}))");
        Assert.Equal("* OK [CLOSED] Previous mailbox is now closed", stale[0]);
        Assert.DoesNotContain(stale, l => l.Contains("VANISHED", StringComparison.Ordinal) || l.Contains("FETCH", StringComparison.Ordinal));

        await wire.ExpectOkAsync("e", "STORE 1,3 +FLAGS.SILENT (\\Deleted)");
        var expunge = await wire.CommandAsync("f", "EXPUNGE");
        Assert.Equal("* VANISHED 1,4", expunge[0]);
        Assert.Matches("^f OK \\[HIGHESTMODSEQ [0-9]+\\] EXPUNGE completed$", expunge[1]);
        Assert.Equal(["* VANISHED (EARLIER) 1:2,4", $"* 1 FETCH (UID 3 MODSEQ ({now.HighestModSeq}))", "g OK UID FETCH completed"],
            await wire.CommandAsync("g", $"UID FETCH 1:* (UID) (CHANGEDSINCE {cached} VANISHED)"));
        Assert.Equal(["h BAD VANISHED needs UID FETCH with CHANGEDSINCE (RFC 7162 section 3.2.6)"], await wire.CommandAsync("h", "FETCH 1 (UID) (CHANGEDSINCE 1 VANISHED)"));
        Assert.NotNull(m1);
    }

    [Fact]
    public async Task EXPUNGE_carries_HIGHESTMODSEQ_once_CONDSTORE_is_on()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverAsync(grant, "one", flags: MessageFlags.Deleted);
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX (CONDSTORE)");
        var lines = await wire.CommandAsync("a", "EXPUNGE");
        var folder = await server.Mailbox.FolderAsync(grant.Id, "inbox");
        Assert.Equal(["* 1 EXPUNGE", $"a OK [HIGHESTMODSEQ {folder.HighestModSeq}] EXPUNGE completed"], lines);
    }
}
