extern alias imap;

using imap::AgentMail.Imap.Search;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Imap.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMail.Tests.Imap;

/// <summary>
/// SEARCH on dates, sizes, subjects and addresses is answered from the process's in-memory copy of
/// those fields (<see cref="FolderContentCache"/>): the same answers as the store gives, messages
/// that arrive later included, expunged ones never reported, within its size budget.
/// </summary>
public sealed class SearchCacheTests
{
    private static readonly string[] Criteria =
    [
        "FROM alice", "FROM \"Alice Smith <alice@\"", "NOT FROM alice", "TO team", "CC boss", "BCC nobody", "SUBJECT report",
        "HEADER Subject LUNCH", "HEADER From example.org", "OR SUBJECT lunch FROM billing", "SINCE 12-Jan-2026", "BEFORE 12-Jan-2026",
        "ON 13-Jan-2026", "SENTSINCE 1-Jan-2026", "LARGER 900", "SMALLER 900", "2:4 FROM alice", "UID 1:3 NOT SUBJECT quarterly",
        "FROM \"\"", "ALL", "SUBJECT \"Re: Quarterly\" SINCE 11-Jan-2026 NOT LARGER 5000",
        "FROM \"Smith \"", "SUBJECT nothing-matches 99", "OR ALL 99",
    ];

    private static async Task<Grant> SeedAsync(ImapTestServer server)
    {
        var grant = await server.CreateAccountAsync("cache");
        await server.DeliverAsync(grant, "Quarterly report", from: "Alice Smith <alice@example.com>", body: "Numbers.",
            internalDate: new(2026, 1, 10, 9, 0, 0, TimeSpan.Zero));
        await server.DeliverAsync(grant, "Re: Quarterly report", from: "bob@example.org", body: "Agreed." + new string('.', 900),
            internalDate: new(2026, 1, 11, 9, 0, 0, TimeSpan.Zero));
        await server.DeliverAsync(grant, "Lunch?", from: "carol@example.net", body: "Pizza.", internalDate: new(2026, 1, 12, 9, 0, 0, TimeSpan.Zero));
        await server.DeliverAsync(grant, "Re: Quarterly report", from: "Alice Smith <alice@example.com>", body: "Thanks!",
            internalDate: new(2026, 1, 13, 9, 0, 0, TimeSpan.Zero));
        await server.DeliverAsync(grant, "Invoice 42", from: "billing@example.com", body: "Due.", internalDate: new(2026, 1, 14, 9, 0, 0, TimeSpan.Zero));
        return grant;
    }

    [Fact]
    public async Task Cached_answers_equal_the_stores_for_every_content_key()
    {
        var cached = await ImapTestServer.GetSharedAsync();
        await using var uncached = await ImapTestServer.StartAsync(new Dictionary<string, string?> { ["Imap:SearchCacheMessages"] = "0" });
        var grant = await SeedAsync(cached);
        await using var withCache = await cached.ConnectAsync(grant);
        await using var withoutCache = await uncached.ConnectAsync(grant);
        await withCache.ExpectOkAsync("s", "SELECT INBOX");
        await withoutCache.ExpectOkAsync("s", "SELECT INBOX");

        var answers = new List<string>();
        foreach (var criteria in Criteria)
        {
            var expected = await withoutCache.CommandAsync("t", "SEARCH " + criteria);
            Assert.Equal(expected, await withCache.CommandAsync("t", "SEARCH " + criteria));
            answers.Add(expected[0]);
        }
        Assert.Contains("* SEARCH 1 4", answers); // FROM alice: the comparison is not between two empty answers
        Assert.Equal("* SEARCH 1 4", answers[Array.IndexOf(Criteria, "FROM \"Smith \"")]); // the space before "<alice@…>"
        Assert.StartsWith("t BAD", answers[Array.IndexOf(Criteria, "OR ALL 99")]); // an invalid set is BAD, matches or not
        // OR with a key neither SQL nor the cache answers: the whole OR is evaluated on the rows, addresses alike.
        Assert.Equal(["* SEARCH 1 4", "r OK SEARCH completed"], await withCache.CommandAsync("r", "SEARCH OR FROM \"Smith <alice@\" HEADER X-Nothing zzz"));
        Assert.Equal(["* SEARCH 2", "q OK SEARCH completed"], await withCache.CommandAsync("q", "SEARCH OR TO nobody-here FROM \"bob@example.org\" NOT HEADER X-Nothing zzz"));
        Assert.Equal(0, uncached.Services.GetRequiredService<FolderContentCache>().CachedMessages);
        Assert.True(cached.Services.GetRequiredService<FolderContentCache>().CachedMessages >= 5);
    }

    [Fact]
    public async Task Messages_that_arrive_later_are_found_and_expunged_ones_are_not()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await SeedAsync(server);
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        Assert.Equal(["* SEARCH 1 4", "a OK SEARCH completed"], await wire.CommandAsync("a", "SEARCH FROM alice"));

        var late = await server.DeliverAsync(grant, "Late", from: "Alice Smith <alice@example.com>");
        var first = (await server.Mailbox.Messages.GetByUidsAsync(grant.Id, (await server.Mailbox.FolderAsync(grant.Id, "inbox")).Id, [UidRange.Single(1)], default)).Single();
        await server.Mailbox.Messages.MoveAsync(grant.Id, MessageSelection.Ids(first.Id), (await server.Mailbox.FolderAsync(grant.Id, "archive")).Id, CancellationToken.None);
        Assert.Equal(["* 1 EXPUNGE", "* 5 EXISTS", "b OK NOOP completed"], await wire.CommandAsync("b", "NOOP"));
        Assert.Equal(6, late.Uid);
        Assert.Equal(["* SEARCH 3 5", "c OK SEARCH completed"], await wire.CommandAsync("c", "SEARCH FROM alice"));
        Assert.Equal(["* SEARCH 4 6", "d OK UID SEARCH completed"], await wire.CommandAsync("d", "UID SEARCH FROM alice"));

        // The moved message, under its new UID in Archive.
        Assert.Equal("f OK [READ-ONLY] EXAMINE completed", (await wire.CommandAsync("f", "EXAMINE Archive"))[^1]);
        Assert.Equal(["* SEARCH 1", "g OK SEARCH completed"], await wire.CommandAsync("g", "SEARCH SUBJECT quarterly"));
    }

    [Fact]
    public async Task A_folder_that_mail_keeps_leaving_is_read_again_from_scratch()
    {
        await using var server = await ImapTestServer.StartAsync();
        var cache = server.Services.GetRequiredService<FolderContentCache>();
        var grant = await server.CreateAccountAsync("leaving");
        var delivered = new List<MessageRecord>();
        for (var i = 0; i < 70; i++)
            delivered.Add(await server.DeliverAsync(grant, $"Passing {i}", from: "alice@example.com"));
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        Assert.Equal("* SEARCH " + string.Join(' ', Enumerable.Range(1, 70)), (await wire.CommandAsync("a", "SEARCH FROM alice"))[0]);
        Assert.Equal(70, cache.CachedMessages);

        await server.Mailbox.Messages.MoveAsync(grant.Id, MessageSelection.Ids([.. delivered.Skip(1).Select(m => m.Id)]),
            (await server.Mailbox.FolderAsync(grant.Id, "archive")).Id, CancellationToken.None);
        await server.DeliverAsync(grant, "Staying", from: "alice@example.com");
        await wire.ExpectOkAsync("n", "NOOP");
        Assert.Equal(["* SEARCH 1 2", "b OK SEARCH completed"], await wire.CommandAsync("b", "SEARCH FROM alice"));
        Assert.Equal(2, cache.CachedMessages); // 69 rows of messages gone: the folder was read again, only what is there
    }

    [Fact]
    public async Task Over_its_budget_the_cache_evicts_the_least_recently_searched_folder_and_skips_one_too_big()
    {
        await using var server = await ImapTestServer.StartAsync(new Dictionary<string, string?> { ["Imap:SearchCacheMessages"] = "6" });
        var cache = server.Services.GetRequiredService<FolderContentCache>();
        var grant = await SeedAsync(server);
        for (var i = 0; i < 3; i++)
            await server.DeliverAsync(grant, $"Archived {i}", role: "archive", from: "alice@example.com");
        for (var i = 0; i < 7; i++)
            await server.DeliverAsync(grant, $"Junk {i}", role: "junk", from: "spam@example.com");
        await using var wire = await server.ConnectAsync(grant);

        await wire.ExpectOkAsync("s1", "SELECT INBOX");
        Assert.Equal(["* SEARCH 1 4", "a OK SEARCH completed"], await wire.CommandAsync("a", "SEARCH FROM alice"));
        Assert.Equal(5, cache.CachedMessages);
        await wire.ExpectOkAsync("s2", "SELECT Archive");
        Assert.Equal(["* SEARCH 1 2 3", "b OK SEARCH completed"], await wire.CommandAsync("b", "SEARCH FROM alice"));
        Assert.Equal(3, cache.CachedMessages); // INBOX evicted for Archive
        await wire.ExpectOkAsync("s3", "SELECT Junk");
        Assert.Equal(["* SEARCH 7", "c OK SEARCH completed"], await wire.CommandAsync("c", "SEARCH SUBJECT \"Junk 6\""));
        Assert.Equal(3, cache.CachedMessages); // 7 messages: over the budget, answered by the store
    }
}
