using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Imap.Support;

namespace AgentMail.Tests.Imap;

/// <summary>SEARCH keys, ESEARCH, SEARCHRES, SORT and THREAD, as exact transcripts.</summary>
public sealed class SearchTranscriptTests
{
    /// <summary>Five messages with distinct flags, senders, subjects, dates, sizes and bodies.</summary>
    private static async Task<(ImapTestServer Server, ImapWire Wire, List<MessageRecord> Messages)> MailboxAsync()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var messages = new List<MessageRecord>
        {
            await server.DeliverAsync(grant, "Quarterly report", from: "Alice Smith <alice@example.com>", body: "The numbers look great this quarter.",
                internalDate: new(2026, 1, 10, 9, 0, 0, TimeSpan.Zero), flags: MessageFlags.Seen, messageId: "root@x"),
            await server.DeliverAsync(grant, "Re: Quarterly report", from: "bob@example.org", body: "Agreed, ship it.",
                internalDate: new(2026, 1, 11, 9, 0, 0, TimeSpan.Zero), flags: MessageFlags.Seen | MessageFlags.Answered, messageId: "reply1@x", inReplyTo: "root@x", references: ["root@x"]),
            await server.DeliverAsync(grant, "Lunch?", from: "carol@example.net", body: "Pizza at noon tomorrow.",
                internalDate: new(2026, 1, 12, 9, 0, 0, TimeSpan.Zero), flags: MessageFlags.Flagged, keywords: ["$label1"], messageId: "lunch@x"),
            await server.DeliverAsync(grant, "Re: Quarterly report", from: "Alice Smith <alice@example.com>", body: "Thanks Bob!" + new string('.', 500),
                internalDate: new(2026, 1, 13, 9, 0, 0, TimeSpan.Zero), messageId: "reply2@x", inReplyTo: "reply1@x", references: ["root@x", "reply1@x"]),
            await server.DeliverAsync(grant, "Invoice 42", from: "billing@example.com", body: "Amount due: 42 EUR",
                internalDate: new(2026, 1, 14, 9, 0, 0, TimeSpan.Zero), flags: MessageFlags.Deleted, messageId: "invoice@x"),
        };
        var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        return (server, wire, messages);
    }

    [Fact]
    public async Task Address_search_finds_names_the_JSON_text_escapes()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverAsync(grant, "quoted", from: "\"Pat \\\"Q\\\" O'Brien\" <pat@example.com>");
        await server.DeliverAsync(grant, "plain", from: "Pat Plain <plain@example.com>");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        // In the stored JSON the name's quotes are escaped (\"), so a text prefilter would miss these:
        // a value with a quote takes the exact per-address test only.
        Assert.Equal(["* SEARCH 1", "a OK SEARCH completed"], await wire.CommandAsync("a", "SEARCH FROM \"Pat \\\"Q\\\"\""));
        Assert.Equal(["* SEARCH 1", "b OK SEARCH completed"], await wire.CommandAsync("b", "SEARCH FROM \"\\\"Q\\\" O'Brien <pat@\""));
        Assert.Equal(["* SEARCH 1 2", "c OK SEARCH completed"], await wire.CommandAsync("c", "SEARCH FROM pat"));
    }

    [Fact]
    public async Task Flag_date_size_address_subject_and_text_keys()
    {
        var (_, wire, messages) = await MailboxAsync();
        await using var _w = wire;
        async Task Search(string criteria, string expected)
        {
            var lines = await wire.CommandAsync("t", "SEARCH " + criteria);
            Assert.Equal([expected, "t OK SEARCH completed"], lines);
        }
        await Search("ALL", "* SEARCH 1 2 3 4 5");
        await Search("SEEN", "* SEARCH 1 2");
        await Search("UNSEEN", "* SEARCH 3 4 5");
        await Search("ANSWERED", "* SEARCH 2");
        await Search("UNANSWERED FLAGGED", "* SEARCH 3");
        await Search("DELETED", "* SEARCH 5");
        await Search("UNDELETED UNDRAFT", "* SEARCH 1 2 3 4");
        await Search("KEYWORD $label1", "* SEARCH 3");
        await Search("UNKEYWORD $LABEL1", "* SEARCH 1 2 4 5");
        await Search("NEW", "* SEARCH");
        await Search("OLD", "* SEARCH 1 2 3 4 5");
        await Search("RECENT", "* SEARCH");
        await Search("BEFORE 12-Jan-2026", "* SEARCH 1 2");
        await Search("ON 12-Jan-2026", "* SEARCH 3");
        await Search("SINCE \"13-Jan-2026\"", "* SEARCH 4 5");
        // The Date header TestMessages writes is fixed (Sat, 21 Nov 2026 10:00:00 +0000), not the clock's today.
        const string today = "21-Nov-2026";
        await Search($"SENTON {today}", "* SEARCH 1 2 3 4 5");
        await Search($"SENTSINCE {today}", "* SEARCH 1 2 3 4 5");
        await Search("SENTSINCE 1-Jan-2100", "* SEARCH");
        await Search("DRAFT", "* SEARCH");
        await Search("BCC anyone", "* SEARCH");
        await Search("SENTBEFORE 1-Jan-2026", "* SEARCH");
        await Search("LARGER 400", "* SEARCH 4");
        await Search("SMALLER 400", "* SEARCH 1 2 3 5");
        await Search("FROM alice", "* SEARCH 1 4");
        await Search("FROM \"Smith <alice@\"", "* SEARCH 1 4");
        await Search("TO agent@agentmail", "* SEARCH 1 2 3 4 5");
        await Search("CC anyone", "* SEARCH");
        await Search("SUBJECT quarterly", "* SEARCH 1 2 4");
        await Search("SUBJECT \"re: quart\"", "* SEARCH 2 4");
        await Search("BODY pizza", "* SEARCH 3");
        await Search("BODY \"ship it\"", "* SEARCH 2");
        // The index holds words: a value is their phrase, its last word a prefix (the nearest to a substring).
        await Search("BODY \"numbers look gr\"", "* SEARCH 1");
        await Search("BODY \"look numbers\"", "* SEARCH");
        await Search("TEXT alice@example.com", "* SEARCH 1 4");
        await Search("TEXT invoice", "* SEARCH 5");
        await Search("TEXT billing", "* SEARCH 5");
        await Search("BODY \"\"", "* SEARCH 1 2 3 4 5");
        await Search("HEADER Message-ID <lunch@x>", "* SEARCH 3");
        await Search("HEADER In-Reply-To root@x", "* SEARCH 2");
        await Search("HEADER References reply1", "* SEARCH 4");
        await Search("HEADER X-Missing \"\"", "* SEARCH");
        await Search("OR FROM carol HEADER References root@x", "* SEARCH 2 3 4");
        await Search("NOT SEEN", "* SEARCH 3 4 5");
        await Search("OR SEEN FLAGGED", "* SEARCH 1 2 3");
        await Search("(SEEN ANSWERED) OR 2 3", "* SEARCH 2");
        await Search("(SEEN ANSWERED) OR 1 3", "* SEARCH");
        await Search("2:4", "* SEARCH 2 3 4");
        await Search("UID 4:*", "* SEARCH 4 5");
        await Search("NOT (UID 1:3)", "* SEARCH 4 5");
        await Search($"EMAILID {messages[2].Id}", "* SEARCH 3");
        await Search($"THREADID {messages[0].ThreadId}", "* SEARCH 1 2 4");
        await Search("CHARSET UTF-8 SUBJECT lunch", "* SEARCH 3");
        Assert.Equal(["u NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset KOI8-R"], await wire.CommandAsync("u", "SEARCH CHARSET KOI8-R ALL"));
        Assert.Equal(["v BAD Unknown search key FOO"], await wire.CommandAsync("v", "SEARCH FOO"));
        Assert.Equal(["w BAD Missing ')'"], await wire.CommandAsync("w", "SEARCH (SEEN"));
        Assert.Equal(["x BAD Invalid date (expected dd-Mon-yyyy)"], await wire.CommandAsync("x", "SEARCH SINCE 2026-01-01"));
        Assert.Equal(["y BAD Invalid message sequence number: 9 (the mailbox has 5 messages)"], await wire.CommandAsync("y", "SEARCH 9"));
        Assert.Equal(["* SEARCH 2 4 5", "z OK UID SEARCH completed"], await wire.CommandAsync("z", "UID SEARCH UNFLAGGED NOT UID 1"));
    }

    [Fact]
    public async Task ESEARCH_return_options_and_the_saved_result()
    {
        var (_, wire, _) = await MailboxAsync();
        await using var _w = wire;
        Assert.Equal(["* ESEARCH (TAG \"a\") MIN 3 MAX 5 COUNT 3 ALL 3:5", "a OK SEARCH completed"], await wire.CommandAsync("a", "SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN"));
        Assert.Equal(["* ESEARCH (TAG \"b\") UID ALL 1:2", "b OK UID SEARCH completed"], await wire.CommandAsync("b", "UID SEARCH RETURN () SEEN"));
        Assert.Equal(["* ESEARCH (TAG \"c\") COUNT 0", "c OK SEARCH completed"], await wire.CommandAsync("c", "SEARCH RETURN (COUNT MIN) NEW"));
        // RFC 5182: SAVE alone returns nothing; "$" then names the saved messages.
        Assert.Equal(["d OK SEARCH completed"], await wire.CommandAsync("d", "SEARCH RETURN (SAVE) FROM alice"));
        Assert.Equal(["* 1 FETCH (UID 1)", "* 4 FETCH (UID 4)", "e OK FETCH completed"], await wire.CommandAsync("e", "FETCH $ UID"));
        Assert.Equal(["* SEARCH 4", "f OK SEARCH completed"], await wire.CommandAsync("f", "SEARCH $ UNSEEN"));
        Assert.Equal(["* ESEARCH (TAG \"g\") MIN 3", "g OK SEARCH completed"], await wire.CommandAsync("g", "SEARCH RETURN (SAVE MIN) UNSEEN"));
        Assert.Equal(["* 3 FETCH (UID 3)", "h OK UID FETCH completed"], await wire.CommandAsync("h", "UID FETCH $ UID"));
        Assert.Equal(["i BAD Unknown SEARCH return option"], await wire.CommandAsync("i", "SEARCH RETURN (PARTIAL) ALL"));
        await wire.ExpectOkAsync("j", "UNSELECT");
        await wire.ExpectOkAsync("k", "SELECT INBOX");
        Assert.Equal(["l OK FETCH completed"], await wire.CommandAsync("l", "FETCH $ UID"));
    }

    [Fact]
    public async Task IMAP4rev2_sessions_always_get_ESEARCH()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverAsync(grant, "one");
        await using var wire = await server.ConnectAsync(grant, rev2: true);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        Assert.Equal(["* ESEARCH (TAG \"a\") ALL 1", "a OK SEARCH completed"], await wire.CommandAsync("a", "SEARCH ALL"));
        Assert.Equal(["* ESEARCH (TAG \"b\") UID", "b OK UID SEARCH completed"], await wire.CommandAsync("b", "UID SEARCH DELETED"));
    }

    [Fact]
    public async Task SORT_orders_by_each_criterion_with_REVERSE_and_sequence_ties()
    {
        var (_, wire, _) = await MailboxAsync();
        await using var _w = wire;
        Assert.Equal(["* SORT 5 4 3 2 1", "a OK SORT completed"], await wire.CommandAsync("a", "SORT (REVERSE ARRIVAL) UTF-8 ALL"));
        Assert.Equal(["* SORT 5 3 1 2 4", "b OK SORT completed"], await wire.CommandAsync("b", "SORT (SUBJECT) US-ASCII ALL"));
        Assert.Equal(["* SORT 1 4 5 2 3", "c OK SORT completed"], await wire.CommandAsync("c", "SORT (FROM) UTF-8 ALL"));
        Assert.Equal(["* SORT 4 2 1 5 3", "d OK SORT completed"], await wire.CommandAsync("d", "SORT (REVERSE SIZE) UTF-8 ALL"));
        Assert.Equal(["* SORT 4 5", "e OK UID SORT completed"], await wire.CommandAsync("e", "UID SORT (DATE) UTF-8 UNSEEN UNFLAGGED"));
        Assert.Equal(["f NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset LATIN1"], await wire.CommandAsync("f", "SORT (DATE) LATIN1 ALL"));
        Assert.Equal(["g BAD Unknown sort criterion"], await wire.CommandAsync("g", "SORT (COLOR) UTF-8 ALL"));
    }

    [Fact]
    public async Task THREAD_REFERENCES_and_ORDEREDSUBJECT()
    {
        var (_, wire, _) = await MailboxAsync();
        await using var _w = wire;
        // All have the same Date header, so ties go by sequence number (RFC 5256 §2.2 step 6).
        Assert.Equal(["* THREAD (1 2 4)(3)(5)", "a OK THREAD completed"], await wire.CommandAsync("a", "THREAD REFERENCES UTF-8 ALL"));
        Assert.Equal(["* THREAD (1 (2)(4))(3)(5)", "b OK THREAD completed"], await wire.CommandAsync("b", "THREAD ORDEREDSUBJECT UTF-8 ALL"));
        Assert.Equal(["* THREAD (2 4)(3)", "c OK UID THREAD completed"], await wire.CommandAsync("c", "UID THREAD REFERENCES UTF-8 UNDELETED NOT UID 1"));
        Assert.Equal(["* THREAD", "d OK THREAD completed"], await wire.CommandAsync("d", "THREAD REFERENCES UTF-8 NEW"));
        Assert.Equal(["e BAD Unknown threading algorithm (REFERENCES or ORDEREDSUBJECT)"], await wire.CommandAsync("e", "THREAD SUBJECT UTF-8 ALL"));
    }
}
