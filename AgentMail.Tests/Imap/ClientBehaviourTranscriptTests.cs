extern alias imap;

using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Imap.Support;

namespace AgentMail.Tests.Imap;

/// <summary>
/// Behaviours from CLIENTS.md that no other transcript pins down exactly: Apple Mail's MIME
/// shapes, QRESYNC implying CONDSTORE, VANISHED on NOOP, MOVE of vanished UIDs, UIDNEXT of an
/// emptied folder, the "Deleted Messages" alias and a case-insensitive INBOX.
/// </summary>
public sealed class ClientBehaviourTranscriptTests
{
    /// <summary>Apple Mail: the attachment sits inside multipart/alternative and is marked inline.</summary>
    private const string AppleMail =
        "From: Ann <ann@example.com>\r\n" +
        "Subject: Photo\r\n" +
        "Message-Id: <apple-1@example.com>\r\n" +
        "Mime-Version: 1.0 (Mac OS X Mail 16.0)\r\n" +
        "Content-Type: multipart/alternative; boundary=\"Apple-Mail=_A\"\r\n" +
        "\r\n" +
        "--Apple-Mail=_A\r\n" +
        "Content-Transfer-Encoding: 7bit\r\n" +
        "Content-Type: text/plain; charset=us-ascii\r\n" +
        "\r\n" +
        "See photo.\r\n" +
        "--Apple-Mail=_A\r\n" +
        "Content-Type: multipart/related; type=\"text/html\"; boundary=\"Apple-Mail=_B\"\r\n" +
        "\r\n" +
        "--Apple-Mail=_B\r\n" +
        "Content-Transfer-Encoding: 7bit\r\n" +
        "Content-Type: text/html; charset=us-ascii\r\n" +
        "\r\n" +
        "<p>See photo.</p>\r\n" +
        "--Apple-Mail=_B\r\n" +
        "Content-Transfer-Encoding: base64\r\n" +
        "Content-Disposition: inline; filename=photo.png\r\n" +
        "Content-Type: image/png; name=\"photo.png\"\r\n" +
        "Content-Id: <photo-1@example.com>\r\n" +
        "\r\n" +
        "iVBORw0KGgo=\r\n" +
        "--Apple-Mail=_B--\r\n" +
        "\r\n" +
        "--Apple-Mail=_A--\r\n";

    // The CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1), so "See photo." is 10 octets.
    [Fact]
    public async Task Apple_Mail_inline_attachment_inside_multipart_alternative_has_its_full_BODYSTRUCTURE()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverRawAsync(grant, AppleMail);
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "EXAMINE INBOX");
        Assert.Equal([
            "* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL)" +
            "((\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 17 1 NIL NIL NIL NIL)" +
            "(\"image\" \"png\" (\"name\" \"photo.png\") \"<photo-1@example.com>\" NIL \"base64\" 12 NIL (\"inline\" (\"filename\" \"photo.png\")) NIL NIL)" +
            " \"related\" (\"type\" \"text/html\" \"boundary\" \"Apple-Mail=_B\") NIL NIL NIL)" +
            " \"alternative\" (\"boundary\" \"Apple-Mail=_A\") NIL NIL NIL))",
            "a OK FETCH completed"], await wire.CommandAsync("a", "FETCH 1 BODYSTRUCTURE"));
        Assert.Equal(["* 1 FETCH (BODY[2.2] {12}\r\niVBORw0KGgo=)", "b OK FETCH completed"], await wire.CommandAsync("b", "FETCH 1 BODY.PEEK[2.2]"));
    }

    [Fact]
    public async Task A_message_without_Content_Type_is_text_plain_us_ascii_and_absent_ENVELOPE_fields_are_NIL()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverRawAsync(grant, "Subject: bare\r\n\r\nJust text.\r\n");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "EXAMINE INBOX");
        Assert.Equal([
            "* 1 FETCH (ENVELOPE (NIL \"bare\" NIL NIL NIL NIL NIL NIL NIL NIL) " +
            "BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 12 1 NIL NIL NIL NIL))",
            "a OK FETCH completed"], await wire.CommandAsync("a", "FETCH 1 (ENVELOPE BODYSTRUCTURE)"));
    }

    [Fact]
    public async Task ENABLE_QRESYNC_alone_turns_on_CONDSTORE_for_SELECT_FETCH_and_STORE()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var message = await server.DeliverAsync(grant, "one");
        await using var wire = await server.ConnectAsync(grant);
        Assert.Equal(["* ENABLED QRESYNC", "a OK ENABLE completed"], await wire.CommandAsync("a", "ENABLE QRESYNC"));
        var select = await wire.ExpectOkAsync("b", "SELECT INBOX");
        Assert.Contains($"* OK [HIGHESTMODSEQ {message.ModSeq}] Highest", select);
        Assert.Equal([$"* 1 FETCH (FLAGS (\\Seen) MODSEQ ({message.ModSeq + 1}))", "d OK STORE completed"], await wire.CommandAsync("d", "STORE 1 +FLAGS (\\Seen)"));
        Assert.Equal([$"* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ ({message.ModSeq + 1}))", "e OK UID FETCH completed"],
            await wire.CommandAsync("e", $"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {message.ModSeq})"));
    }

    [Fact]
    public async Task NOOP_under_QRESYNC_reports_another_sessions_removal_as_VANISHED_and_nothing_else()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var first = await server.DeliverAsync(grant, "one");
        await server.DeliverAsync(grant, "two");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("e", "ENABLE QRESYNC");
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        await server.Mailbox.Messages.DeleteAsync(grant.Id, MessageSelection.Ids(first.Id), CancellationToken.None);
        Assert.Equal(["* VANISHED 1", "a OK NOOP completed"], await wire.CommandAsync("a", "NOOP"));
        Assert.Equal(["b OK NOOP completed"], await wire.CommandAsync("b", "NOOP"));
        Assert.Equal(["* 1 FETCH (UID 2)", "c OK FETCH completed"], await wire.CommandAsync("c", "FETCH 1:* UID"));
    }

    [Fact]
    public async Task UID_MOVE_of_UIDs_that_no_longer_exist_is_OK_and_an_emptied_folder_keeps_its_UIDNEXT()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverAsync(grant, "one");
        await server.DeliverAsync(grant, "two");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        await wire.ExpectOkAsync("a", "UID MOVE 1:2 Archive");
        Assert.Equal(["b OK UID MOVE completed"], await wire.CommandAsync("b", "UID MOVE 1:2 Archive"));
        Assert.Equal(["c OK UID MOVE completed"], await wire.CommandAsync("c", "UID MOVE 7 Archive"));
        Assert.Equal(["* STATUS \"INBOX\" (MESSAGES 0 UIDNEXT 3)", "d OK STATUS completed"], await wire.CommandAsync("d", "STATUS INBOX (MESSAGES UIDNEXT)"));
        var reselect = await wire.ExpectOkAsync("e", "SELECT INBOX");
        Assert.Contains("* 0 EXISTS", reselect);
        Assert.Contains("* OK [UIDNEXT 3] Predicted next UID", reselect);
    }

    [Fact]
    public async Task Deleted_Messages_is_the_Trash_folder_and_INBOX_is_case_insensitive()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverAsync(grant, "one");
        await using var wire = await server.ConnectAsync(grant);
        Assert.Equal(["a NO [ALREADYEXISTS] 'Deleted Messages' is this account's Trash folder"], await wire.CommandAsync("a", "CREATE \"Deleted Messages\""));
        var trash = await server.Mailbox.FolderAsync(grant.Id, "trash");
        Assert.Equal([$"* STATUS \"Trash\" (MESSAGES 0 UIDVALIDITY {trash.UidValidity})", "b OK STATUS completed"],
            await wire.CommandAsync("b", "STATUS \"Deleted Messages\" (MESSAGES UIDVALIDITY)"));
        Assert.Equal(["* STATUS \"INBOX\" (MESSAGES 1)", "c OK STATUS completed"], await wire.CommandAsync("c", "STATUS iNbOx (MESSAGES)"));
        Assert.Equal("d OK [READ-WRITE] SELECT completed", (await wire.CommandAsync("d", "SELECT Inbox"))[^1]);
        Assert.DoesNotContain(await server.Mailbox.Folders.ListAsync(grant.Id, CancellationToken.None), f => f.Name.StartsWith("Deleted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Under_CONDSTORE_unsolicited_FETCH_carries_MODSEQ_and_APPEND_to_the_selected_mailbox_reports_EXISTS()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var message = await server.DeliverAsync(grant, "one");
        var inbox = await server.Mailbox.FolderAsync(grant.Id, "inbox");
        await using var a = await server.ConnectAsync(grant);
        await using var b = await server.ConnectAsync(grant);
        await a.ExpectOkAsync("e", "ENABLE CONDSTORE");
        await a.ExpectOkAsync("s", "SELECT INBOX");
        await b.ExpectOkAsync("s", "SELECT INBOX");
        await b.ExpectOkAsync("b1", "STORE 1 +FLAGS.SILENT (\\Flagged)");
        Assert.Equal([$"* 1 FETCH (UID 1 FLAGS (\\Flagged) MODSEQ ({message.ModSeq + 1}))", "a1 OK NOOP completed"], await a.CommandAsync("a1", "NOOP"));
        const string raw = "Subject: appended\r\n\r\nHi\r\n";
        Assert.Equal(["* 2 EXISTS", $"a2 OK [APPENDUID {inbox.UidValidity} 2] APPEND completed"], await a.CommandAsync("a2", $"APPEND INBOX {{{raw.Length}+}}\r\n{raw}"));
        Assert.Equal(["a3 OK NOOP completed"], await a.CommandAsync("a3", "NOOP"));
        // The tagged OK has room for one response code (APPENDUID); the new message's MODSEQ is one FETCH away.
        Assert.Equal([$"* 2 FETCH (UID 2 MODSEQ ({message.ModSeq + 2}))", "a4 OK FETCH completed"], await a.CommandAsync("a4", "FETCH 2 (UID MODSEQ)"));
    }

    [Fact]
    public void Default_timers_keep_NAT_alive_outlast_a_29_minute_IDLE_and_let_polling_clients_stay_connected()
    {
        var options = new imap::AgentMail.Imap.ImapOptions();
        Assert.Equal(TimeSpan.FromMinutes(2), options.IdleKeepaliveInterval); // CLIENTS.md 5: "* OK Still here" every ~2 minutes
        Assert.Equal(TimeSpan.FromMinutes(30), options.MaxIdleDuration);      // RFC 2177: clients re-issue IDLE before 29 minutes
        Assert.True(options.InactivityTimeout >= TimeSpan.FromMinutes(30));    // RFC 9051 §5.4; iOS Mail polls (CLIENTS.md 4)
        Assert.True(options.MaxLineBytes >= 64 * 1024);                        // CLIENTS.md 8
    }

    [Fact]
    public async Task Apple_Mail_and_Thunderbird_keywords_persist_and_a_new_session_sees_them()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var message = await server.DeliverAsync(grant, "colours");
        await using (var wire = await server.ConnectAsync(grant))
        {
            var select = await wire.ExpectOkAsync("s", "SELECT INBOX");
            Assert.Contains("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted", select);
            await wire.ExpectOkAsync("a", "STORE 1 +FLAGS.SILENT ($MailFlagBit1 $MailFlagBit2 $Junk $label5 NonJunk $Forwarded)");
        }
        await using (var wire = await server.ConnectAsync(grant))
        {
            Assert.Contains("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $Junk $label5 $MailFlagBit1 $MailFlagBit2 NonJunk)",
                await wire.ExpectOkAsync("s", "EXAMINE INBOX"));
            Assert.Equal(["* 1 FETCH (FLAGS ($Forwarded $Junk $label5 $MailFlagBit1 $MailFlagBit2 NonJunk))", "b OK FETCH completed"],
                await wire.CommandAsync("b", "FETCH 1 FLAGS"));
        }
        Assert.Equal(6, (await server.Mailbox.Messages.GetAsync(grant.Id, message.Id, CancellationToken.None))!.Keywords.Count);
    }

    [Fact]
    public async Task An_idling_QRESYNC_client_is_pushed_VANISHED_not_EXPUNGE()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var first = await server.DeliverAsync(grant, "one");
        await server.DeliverAsync(grant, "two");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("e", "ENABLE QRESYNC");
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        await wire.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await wire.ReadLineAsync());
        await server.Mailbox.Messages.DeleteAsync(grant.Id, MessageSelection.Ids(first.Id), CancellationToken.None);
        Assert.Equal("* VANISHED 1", await wire.ReadLineAsync());
        await wire.SendAsync("DONE\r\n");
        Assert.Equal("i OK IDLE terminated", await wire.ReadLineAsync());
    }

    [Fact]
    public async Task A_synchronizing_literal_gets_its_continuation_and_an_over_size_one_is_refused_before_it_is_sent()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await ImapWire.ConnectAsync(server.ImapsPort, tls: true);
        await wire.ReadLineAsync();
        await wire.SendAsync($"a LOGIN {{{grant.Email.Length}}}\r\n");
        Assert.Equal("+ Ready for literal data", await wire.ReadLineAsync());
        await wire.SendAsync($"{grant.Email} {{{ImapTestServer.Password.Length}}}\r\n");
        Assert.Equal("+ Ready for literal data", await wire.ReadLineAsync());
        await wire.SendAsync(ImapTestServer.Password + "\r\n");
        Assert.StartsWith("a OK [CAPABILITY ", await wire.ReadLineAsync());
        // No "+": the client sends nothing more and the session goes on.
        Assert.Equal(["b NO [TOOBIG] Literal too large: commands other than APPEND are limited to 1048576 bytes"], await wire.CommandAsync("b", "CREATE {2000000}"));
        Assert.Equal(["c OK NOOP completed"], await wire.CommandAsync("c", "NOOP"));
    }

    [Fact]
    public async Task A_created_folder_starts_at_HIGHESTMODSEQ_1_not_0()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("a", "CREATE Fresh");
        Assert.Equal(["* STATUS \"Fresh\" (MESSAGES 0 UIDNEXT 1 HIGHESTMODSEQ 1)", "b OK STATUS completed"], await wire.CommandAsync("b", "STATUS Fresh (MESSAGES UIDNEXT HIGHESTMODSEQ)"));
        Assert.Contains("* OK [HIGHESTMODSEQ 1] Highest", await wire.ExpectOkAsync("c", "SELECT Fresh (CONDSTORE)"));
    }
}
