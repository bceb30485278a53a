using System.Text;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Search;
using AgentMail.Tests.Infrastructure;
using AgentMail.Tests.Mime.Support;
using Npgsql;

namespace AgentMail.Tests.Mailbox;

/// <summary>
/// The full-text index is built in the service (SearchVector) and queried through literals
/// (SearchQuery); these tests hold both to what PostgreSQL itself accepts and evaluates.
/// </summary>
public sealed class FullTextSearchTests
{
    [Theory]
    [InlineData("Hello, World!", new[] { "hello", "world" })]
    [InlineData("billing@vendor.test", new[] { "billing", "vendor", "test" })]
    [InlineData("Grüße aus Köln — Ünïcödé", new[] { "grüße", "aus", "köln", "ünïcödé" })]
    [InlineData("會議 2026-11-22 ×3", new[] { "會議", "2026", "11", "22", "3" })]
    [InlineData("e\u0301te\u0301", new[] { "e\u0301te\u0301" })] // combining marks stay in their word
    [InlineData("a\0b'c\\d\"e", new[] { "a", "b", "c", "d", "e" })]
    [InlineData("𝐀𝐁 x", new[] { "𝐀𝐁", "x" })] // letters outside the BMP, as surrogate pairs
    [InlineData("\ud800 lone surrogate", new[] { "lone", "surrogate" })]
    [InlineData("", new string[0])]
    public void Words_are_runs_of_letters_digits_and_marks_lowercased(string text, string[] expected) =>
        Assert.Equal(expected, SearchWords.Split(text));

    [Fact]
    public void Overlong_runs_are_not_words()
    {
        var text = "short " + new string('x', SearchWords.MaxWordLength + 1) + " " + new string('y', SearchWords.MaxWordLength);
        Assert.Equal(["short", new string('y', SearchWords.MaxWordLength)], SearchWords.Split(text));
    }

    [Fact]
    public void The_vector_lists_each_word_once_with_its_positions()
    {
        Assert.Equal("'to':1,3 'be':2,4 'or':5", SearchVector.Build("To be, to BE or"));
        Assert.Equal("", SearchVector.Build(" ,;"));
    }

    [Fact]
    public async Task Every_corpus_message_and_random_text_makes_a_vector_postgres_accepts_with_exactly_our_words()
    {
        await using var connection = await OpenAsync();
        var texts = TestFiles.Messages().Select(n => MessageContentReader.Read(TestFiles.Read(n)).SearchText).ToList();
        var random = new Random(22);
        for (var i = 0; i < 200; i++)
            texts.Add(RandomText(random, random.Next(0, 3000)));
        texts.Add(string.Join(' ', Enumerable.Repeat("again", 20_000))); // past 256 positions and past position 16383

        foreach (var text in texts)
        {
            var vector = SearchVector.Build(text);
            await using var command = new NpgsqlCommand("SELECT tsvector_to_array($1::tsvector), length($1::tsvector)", connection);
            command.Parameters.AddWithValue(vector);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var stored = reader.GetFieldValue<string[]>(0).Order(StringComparer.Ordinal);
            Assert.Equal(SearchWords.Split(text).Distinct().Order(StringComparer.Ordinal), stored);
        }
    }

    [Theory]
    [InlineData("station", "'station'")]
    [InlineData("charger OR chargers", "'charger' | 'chargers'")]
    [InlineData("station -invoice", "('station' & !('invoice'))")]
    [InlineData("\"see you\" later", "(('see' <-> 'you') & 'later')")]
    [InlineData("billing@vendor.test", "('billing' <-> 'vendor' <-> 'test')")]
    [InlineData("a or or b", "'a' | ('or' & 'b')")] // as websearch_to_tsquery: OR only between two terms
    [InlineData("or a -b or", "('or' & 'a' & !('b') & 'or')")]
    [InlineData("a or !!!", "'a'")]
    [InlineData("a -!!! b", "('a' & !('b'))")]
    [InlineData("a --b", "('a' & 'b')")]
    [InlineData("a or - b", "'a' | !('b')")]
    [InlineData("-\"not this\"", "!('not' <-> 'this')")]
    [InlineData("\"unclosed phrase", "('unclosed' <-> 'phrase')")]
    [InlineData("!!! --- \"\"", null)]
    public void Websearch_syntax_becomes_a_tsquery(string query, string? expected) =>
        Assert.Equal(expected, SearchQuery.Websearch(query));

    [Theory]
    [InlineData("report", "'report':*")]
    [InlineData("quarterly rep", "'quarterly' <-> 'rep':*")]
    [InlineData("--", null)]
    public void Imap_text_becomes_a_phrase_whose_last_word_is_a_prefix(string value, string? expected) =>
        Assert.Equal(expected, SearchQuery.Phrase(value));

    /// <summary>
    /// For queries of plain words, where PostgreSQL's own parser splits words as we do, our
    /// tsquery must select exactly the documents websearch_to_tsquery('simple', …) selects.
    /// </summary>
    [Fact]
    public async Task Websearch_matches_what_postgres_websearch_to_tsquery_matches()
    {
        await using var connection = await OpenAsync();
        var random = new Random(5);
        string[] vocabulary = ["alpha", "beta", "gamma", "delta", "omega"];
        var documents = Enumerable.Range(0, 40)
            .Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(1, 7)).Select(_ => vocabulary[random.Next(vocabulary.Length)])))
            .ToArray();
        for (var i = 0; i < 300; i++)
        {
            var query = string.Join(' ', Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(10) switch
            {
                8 => "-",
                9 => random.Next(2) == 0 ? "!!!" : "\"\"",
                0 => random.Next(3) == 0 ? "OR" : "or",
                1 => "-" + vocabulary[random.Next(vocabulary.Length)],
                2 => $"\"{vocabulary[random.Next(vocabulary.Length)]} {vocabulary[random.Next(vocabulary.Length)]}\"",
                _ => vocabulary[random.Next(vocabulary.Length)],
            }));
            var ours = SearchQuery.Websearch(query);
            await using var command = new NpgsqlCommand("""
                SELECT array_agg(d ORDER BY d) FILTER (WHERE to_tsvector('simple', d) @@ websearch_to_tsquery('simple', $1)),
                       array_agg(d ORDER BY d) FILTER (WHERE v @@ $3::tsquery)
                FROM unnest($4::text[], $2::tsvector[]) AS t(d, v)
                """, connection);
            command.Parameters.AddWithValue(query);
            command.Parameters.AddWithValue(documents.Select(d => SearchVector.Build(d)).ToArray());
            command.Parameters.AddWithValue(ours ?? ""); // the empty tsquery matches nothing, as null means
            command.Parameters.AddWithValue(documents);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            string[] Column(int i) => reader.IsDBNull(i) ? [] : reader.GetFieldValue<string[]>(i);
            Assert.True(Column(0).SequenceEqual(Column(1)), $"query {query} → {ours}");
        }
    }

    [Fact]
    public async Task Hostile_queries_still_make_valid_tsqueries()
    {
        await using var connection = await OpenAsync();
        var random = new Random(9);
        var queries = new List<string> { new('"', 1024), new('-', 1024), string.Concat(Enumerable.Repeat("or ", 300)), string.Concat(Enumerable.Repeat("-\"a b\" ", 140)) };
        for (var i = 0; i < 300; i++)
            queries.Add(RandomText(random, random.Next(1, 1024), "\"-() |&!:*'\\ orOR"));
        foreach (var query in queries)
        {
            foreach (var tsquery in new[] { SearchQuery.Websearch(query), SearchQuery.Phrase(query) })
            {
                if (tsquery is null)
                    continue;
                await using var command = new NpgsqlCommand("SELECT numnode($1::tsquery)", connection);
                command.Parameters.AddWithValue(tsquery);
                Assert.InRange((int)(await command.ExecuteScalarAsync())!, 1, 4 * SearchQuery.MaxWords);
            }
        }
    }

    [Fact]
    public async Task Appends_copies_replaced_drafts_moves_and_purges_keep_the_index_in_step()
    {
        await using var mailbox = await MailboxHarness.CreateAsync();
        var grant = await mailbox.CreateGrantAsync();
        var inbox = await mailbox.FolderAsync(grant.Id, SystemFolder.InboxRole);
        var archive = await mailbox.FolderAsync(grant.Id, SystemFolder.ArchiveRole);
        async Task<string[]> Matching(string word) =>
            (await mailbox.ScalarAsync<Guid[]>("""
                SELECT COALESCE(array_agg(m.id ORDER BY m.id), '{}') FROM messages m
                WHERE m.grant_id = $1 AND m.search @@ $2::tsquery
                """, grant.Id, SearchQuery.Websearch(word)!)).Select(g => g.ToString()).ToArray();

        var original = await mailbox.Messages.AppendAsync(grant.Id, inbox.Id, TestMessages.Create("fruit", body: "A pineapple arrived."), new AppendOptions(), default);
        var copy = (await mailbox.Messages.CopyAsync(grant.Id, MessageSelection.Ids(original.Message.Id), archive.Id, default)).Copied.Single().Copy;
        Assert.Equal(new[] { original.Message.Id, copy.Id }.Order().Select(g => g.ToString()), await Matching("pineapple"));

        await mailbox.Messages.ReplaceContentAsync(grant.Id, original.Message.Id, TestMessages.Create("fruit", body: "A mango instead."), new AppendOptions(), default);
        Assert.Equal([copy.Id.ToString()], await Matching("pineapple"));
        Assert.Equal([original.Message.Id.ToString()], await Matching("mango"));

        await mailbox.Messages.MoveAsync(grant.Id, MessageSelection.Ids(copy.Id), inbox.Id, default); // same id: still indexed
        Assert.Equal([copy.Id.ToString()], await Matching("pineapple"));
        await mailbox.Messages.PurgeAsync(grant.Id, MessageSelection.Ids(copy.Id), default);
        Assert.Empty(await Matching("pineapple"));
    }

    private static async Task<NpgsqlConnection> OpenAsync()
    {
        var servers = await TestServers.GetAsync();
        var connection = new NpgsqlConnection(servers.Postgres.ConnectionString());
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Text from a mix of ASCII, punctuation, accented and CJK letters, lone surrogates and control characters.</summary>
    private static string RandomText(Random random, int length, string extra = "")
    {
        const string pool = "abcXYZ019 \t\r\n.,;:@-_'\"\\/\0éÜßж會議\u0301";
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            var pick = random.Next(20);
            text.Append(pick switch
            {
                0 => (char)random.Next(0xD800, 0xE000), // lone surrogates
                1 => (char)random.Next(0x80, 0x3000),
                2 when extra.Length > 0 => extra[random.Next(extra.Length)],
                _ => pool[random.Next(pool.Length)],
            });
        }
        return text.ToString();
    }
}
