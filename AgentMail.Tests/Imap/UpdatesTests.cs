using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Imap.Support;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Imap;

/// <summary>
/// What other sessions and surfaces change reaches a client — on NOOP, after commands, and pushed
/// during IDLE — exactly as RFC 9051 §7 allows: EXISTS, EXPUNGE, FETCH (UID FLAGS), and nothing
/// else; never EXPUNGE during FETCH, STORE or SEARCH.
/// </summary>
public sealed class UpdatesTests
{
    [Fact]
    public async Task NOOP_reports_new_mail_flag_changes_and_removals_made_through_the_core()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var first = await server.DeliverAsync(grant, "one");
        var second = await server.DeliverAsync(grant, "two");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        Assert.Equal(["a OK NOOP completed"], await wire.CommandAsync("a", "NOOP"));

        await server.DeliverAsync(grant, "three");
        await server.Mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(second.Id), FlagChange.Add(MessageFlags.Seen, "$label3"));
        await server.Mailbox.Messages.MoveAsync(grant.Id, MessageSelection.Ids(first.Id), (await server.Mailbox.FolderAsync(grant.Id, "archive")).Id, CancellationToken.None);
        Assert.Equal([
            "* 1 EXPUNGE",
            "* 2 EXISTS",
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $label3)",
            "* 1 FETCH (UID 2 FLAGS (\\Seen $label3))",
            "b OK NOOP completed"], await wire.CommandAsync("b", "NOOP"));
        Assert.Equal(["c OK NOOP completed"], await wire.CommandAsync("c", "NOOP")); // only what changed (CLIENTS.md 18)
    }

    [Fact]
    public async Task Sessions_of_one_grant_see_each_others_changes_and_not_their_own_twice()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverAsync(grant, "one");
        await server.DeliverAsync(grant, "two");
        await using var a = await server.ConnectAsync(grant);
        await using var b = await server.ConnectAsync(grant);
        await a.ExpectOkAsync("s", "SELECT INBOX (CONDSTORE)");
        await b.ExpectOkAsync("s", "SELECT INBOX");
        var stored = await a.CommandAsync("a1", "STORE 2 +FLAGS (\\Flagged)");
        Assert.Matches("^\\* 2 FETCH \\(FLAGS \\(\\\\Flagged\\) MODSEQ \\([0-9]+\\)\\)$", stored[0]);
        Assert.Equal(["a2 OK NOOP completed"], await a.CommandAsync("a2", "NOOP"));
        Assert.Equal(["* 2 FETCH (UID 2 FLAGS (\\Flagged))", "b1 OK NOOP completed"], await b.CommandAsync("b1", "NOOP"));
    }

    [Fact]
    public async Task No_EXPUNGE_during_FETCH_STORE_or_SEARCH_but_after_UID_commands()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var first = await server.DeliverAsync(grant, "one");
        await server.DeliverAsync(grant, "two");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        await server.Mailbox.Messages.DeleteAsync(grant.Id, MessageSelection.Ids(first.Id), CancellationToken.None);
        await server.DeliverAsync(grant, "three");
        Assert.Equal(["* 2 FETCH (FLAGS ())", "a OK FETCH completed"], await wire.CommandAsync("a", "FETCH 2 FLAGS"));
        Assert.Equal(["* 2 FETCH (FLAGS (\\Seen))", "b OK STORE completed"], await wire.CommandAsync("b", "STORE 2 +FLAGS (\\Seen)"));
        Assert.Equal(["* SEARCH 2", "c OK SEARCH completed"], await wire.CommandAsync("c", "SEARCH SEEN"));
        // A UID command may carry the expunge, and the EXISTS, and the message numbers shift.
        Assert.Equal(["* 1 EXPUNGE", "* 2 EXISTS", "d OK UID SEARCH completed"], await wire.CommandAsync("d", "UID SEARCH SEEN").ContinueWith(t => t.Result.Where(l => !l.StartsWith("* SEARCH", StringComparison.Ordinal)).ToList()));
        Assert.Equal(["* 1 FETCH (UID 2)", "* 2 FETCH (UID 3)", "e OK FETCH completed"], await wire.CommandAsync("e", "FETCH 1:* UID"));
    }

    [Fact]
    public async Task A_flag_change_through_the_core_is_pushed_to_an_idling_client_immediately()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var message = await server.DeliverAsync(grant, "watch me");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        await wire.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await wire.ReadLineAsync());

        // The API's PUT unread=false is this call (DESIGN.md: \Seen is unread=false).
        await server.Mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(message.Id), FlagChange.Add(MessageFlags.Seen));
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Seen))", await wire.ReadLineAsync());
        await server.DeliverAsync(grant, "new");
        Assert.Equal("* 2 EXISTS", await wire.ReadLineAsync());
        await server.Mailbox.Messages.DeleteAsync(grant.Id, MessageSelection.Ids(message.Id), CancellationToken.None);
        Assert.Equal("* 1 EXPUNGE", await wire.ReadLineAsync());
        await wire.SendAsync("DONE\r\n");
        Assert.Equal("i OK IDLE terminated", await wire.ReadLineAsync());
        Assert.Equal(["* 1 FETCH (UID 2)", "j OK FETCH completed"], await wire.CommandAsync("j", "FETCH 1:* UID"));
    }

    [Fact]
    public async Task Commands_pipelined_right_after_DONE_run_in_order()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        await wire.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await wire.ReadLineAsync());
        // iOS 18 sends DONE and its next commands in one packet (CLIENTS.md 4).
        await wire.SendAsync("DONE\r\nn NOOP\r\ni2 IDLE\r\nDONE\r\n");
        Assert.Equal(["i OK IDLE terminated", "n OK NOOP completed", "+ idling", "i2 OK IDLE terminated"], await wire.ReadUntilTaggedAsync("i2"));
        await wire.SendAsync("y IDLE\r\n");
        Assert.Equal("+ idling", await wire.ReadLineAsync());
        await wire.SendAsync("NOOP\r\n");
        Assert.Equal("y BAD Expected DONE to end IDLE", await wire.ReadLineAsync());
        Assert.Equal(["z OK NOOP completed"], await wire.CommandAsync("z", "NOOP"));
    }

    [Fact]
    public async Task IDLE_in_the_authenticated_state_and_after_selecting()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        await wire.SendAsync("a IDLE\r\n");
        Assert.Equal("+ idling", await wire.ReadLineAsync());
        await server.DeliverAsync(grant, "ignored while nothing is selected");
        await wire.SendAsync("done\r\n");
        Assert.Equal("a OK IDLE terminated", await wire.ReadLineAsync());
    }
}
