using System.Net;
using System.Text.Json.Nodes;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

/// <summary>GET /messages: order, shape, every filter, paging and its tokens.</summary>
public sealed class MessageListTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Messages_come_newest_first_with_Nylas_fields_and_an_HTML_body()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var older = await Seed.AppendAsync(server, grant.Id, Seed.Message("Older", text: "first"), receivedAt: T0);
        var newer = await Seed.AppendAsync(server, grant.Id,
            Seed.Message("Newer", from: "bob@example.com", fromName: "Bob Example", cc: "carol@example.com", text: "line one\nline <two>", html: "<p>rich <b>body</b></p>"),
            flags: MessageFlags.Seen | MessageFlags.Flagged, receivedAt: T0.AddMinutes(1));

        var response = await client.ApiGetAsync($"/v3/grants/{grant.Id}/messages");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["request_id", "data", "next_cursor"], response.Json!.AsObject().Select(p => p.Key));
        Assert.Null(response.Json!["next_cursor"]);
        var data = response.Data.AsArray();
        Assert.Equal([newer.Id.ToString(), older.Id.ToString()], data.Select(m => m!["id"]!.GetValue<string>()));
        var m = data[0]!;
        Assert.Equal("message", m["object"]!.GetValue<string>());
        Assert.Equal(grant.Id.ToString(), m["grant_id"]!.GetValue<string>());
        Assert.Equal(newer.ThreadId.ToString(), m["thread_id"]!.GetValue<string>());
        Assert.Equal("Newer", m["subject"]!.GetValue<string>());
        Assert.Equal("""[{"name":"Bob Example","email":"bob@example.com"}]""", m["from"]!.ToJsonString());
        Assert.Equal("""[{"email":"agent@agentmail.test"}]""", m["to"]!.ToJsonString());
        Assert.Equal("""[{"email":"carol@example.com"}]""", m["cc"]!.ToJsonString());
        Assert.Equal("[]", m["bcc"]!.ToJsonString());
        Assert.Equal(T0.AddMinutes(1).ToUnixTimeSeconds(), m["date"]!.GetValue<long>());
        Assert.False(m["unread"]!.GetValue<bool>());
        Assert.True(m["starred"]!.GetValue<bool>());
        Assert.Equal("line one line <two>", m["snippet"]!.GetValue<string>());
        Assert.Equal("""["inbox"]""", m["folders"]!.ToJsonString());
        Assert.Equal("<p>rich <b>body</b></p>", m["body"]!.GetValue<string>());
        Assert.Equal("{}", m["metadata"]!.ToJsonString());
        Assert.Null(m["headers"]);
        var plain = data[1]!;
        Assert.True(plain["unread"]!.GetValue<bool>());
        Assert.Equal("first", plain["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pages_follow_next_cursor_to_the_end_without_gaps_or_repeats()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
            ids.Insert(0, (await Seed.AppendAsync(server, grant.Id, Seed.Message($"m{i}"), receivedAt: T0.AddMinutes(i % 3))).Id.ToString());
        // Equal dates are ordered by id, descending, as the keyset is (date, id).
        var expected = (await client.ApiGetAsync($"/v3/grants/{grant.Id}/messages?limit=200")).Data.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Order().ToList(), expected.Order().ToList());

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var response = await client.ApiGetAsync($"/v3/grants/{grant.Id}/messages?limit=3" + (cursor is null ? "" : $"&page_token={Uri.EscapeDataString(cursor)}"));
            Assert.Equal(HttpStatusCode.OK, response.Status);
            seen.AddRange(response.Data.AsArray().Select(m => m!["id"]!.GetValue<string>()));
            cursor = response.Json!["next_cursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task A_page_token_from_other_filters_another_grant_altered_or_too_long_is_400()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var other = await Seed.GrantAsync(server);
        for (var i = 0; i < 3; i++)
        {
            await Seed.AppendAsync(server, grant.Id, Seed.Message($"m{i}"), receivedAt: T0.AddMinutes(i));
            await Seed.AppendAsync(server, other.Id, Seed.Message($"o{i}"), receivedAt: T0.AddMinutes(i));
        }
        var first = await client.ApiGetAsync($"/v3/grants/{grant.Id}/messages?limit=1");
        var token = first.Json!["next_cursor"]!.GetValue<string>();
        // limit and output options may change between pages (the Nylas SDK asks for what remains).
        Assert.Equal(HttpStatusCode.OK, (await client.ApiGetAsync($"/v3/grants/{grant.Id}/messages?limit=2&select=id&page_token={token}")).Status);

        var refused = new[]
        {
            $"/v3/grants/{other.Id}/messages?limit=1&page_token={token}",
            $"/v3/grants/{grant.Id}/messages?limit=1&unread=true&page_token={token}",
            $"/v3/grants/{grant.Id}/messages?limit=1&page_token={token[..^2]}{(token[^2] == 'A' ? 'B' : 'A')}{token[^1]}",
            $"/v3/grants/{grant.Id}/messages?limit=1&page_token=forged",
            $"/v3/grants/{grant.Id}/messages?limit=1&page_token={new string('A', 300)}",
        };
        foreach (var path in refused)
        {
            var response = await client.ApiGetAsync(path);
            Assert.Equal(HttpStatusCode.BadRequest, response.Status);
            Assert.Equal("invalid_request_error", response.ErrorType);
            Assert.Contains("page_token", response.ErrorMessage);
        }
    }

    [Fact]
    public async Task Every_filter_selects_exactly_its_messages()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var archive = await server.Mailbox.FolderAsync(grant.Id, SystemFolder.ArchiveRole);
        var custom = await server.Mailbox.Folders.CreateAsync(grant.Id, "Projects/Apollo", CancellationToken.None);

        var invoice = await Seed.AppendAsync(server, grant.Id,
            Seed.Message("Invoice 100% paid_now", from: "billing@vendor.test", to: "agent@agentmail.test", text: "The charger station invoice is attached.",
                attachment: ("invoice.pdf", "application/pdf", [1, 2, 3])), receivedAt: T0);
        var meeting = await Seed.AppendAsync(server, grant.Id,
            Seed.Message("Meeting tomorrow", from: "Bob@Example.com", to: "team@example.com", cc: "carol@example.com", text: "Let us meet at the station."),
            flags: MessageFlags.Seen | MessageFlags.Flagged, receivedAt: T0.AddHours(1));
        var reply = await Seed.AppendAsync(server, grant.Id,
            Seed.Message("Re: Meeting tomorrow", from: "carol@example.com", to: "bob@example.com", bcc: "audit@example.com", text: "Sounds good, see you.",
                inReplyTo: meeting.MessageId), flags: MessageFlags.Seen, receivedAt: T0.AddHours(2));
        var archived = await Seed.AppendToAsync(server, grant.Id, archive.Id,
            Seed.Message("Old newsletter", from: "news@letters.test", text: "Electric vehicles and chargers."), receivedAt: T0.AddHours(3));
        var project = await Seed.AppendToAsync(server, grant.Id, custom.Id,
            Seed.Message("Apollo plan", from: "bob@example.com", text: "Plan for the moon."), receivedAt: T0.AddHours(4));
        Assert.Equal(meeting.ThreadId, reply.ThreadId);

        async Task Expect(string query, params MessageRecord[] expected)
        {
            var response = await client.ApiGetAsync($"/v3/grants/{grant.Id}/messages?{query}");
            Assert.True(response.Status == HttpStatusCode.OK, $"{query}: {response}");
            Assert.Equal(expected.Select(m => m.Id.ToString()), response.Data.AsArray().Select(m => m!["id"]!.GetValue<string>()));
        }

        await Expect("in=inbox", reply, meeting, invoice);
        await Expect("in=INBOX", reply, meeting, invoice);
        await Expect("in=archive", archived);
        await Expect($"in={custom.PublicId}", project);
        await Expect("in=Projects%2FApollo", project);
        await Expect("unread=true", project, archived, invoice);
        await Expect("unread=false", reply, meeting);
        await Expect("starred=true", meeting);
        await Expect("starred=false", project, archived, reply, invoice);
        await Expect($"thread_id={meeting.ThreadId}", reply, meeting);
        await Expect("thread_id=not-a-thread");
        await Expect("subject=meeting", reply, meeting);
        await Expect("subject=100%25", invoice);
        await Expect("subject=paid_now", invoice);
        await Expect("subject=paid%5Fno", invoice);
        await Expect("subject=_", invoice);
        await Expect("any_email=carol@example.com", reply, meeting);
        await Expect("any_email=news@letters.test,BILLING@vendor.test", archived, invoice);
        await Expect("any_email=audit@example.com", reply);
        await Expect("from=bob@example.com", project, meeting);
        await Expect("to=bob@example.com", reply);
        await Expect("cc=carol@example.com", meeting);
        await Expect("bcc=audit@example.com", reply);
        await Expect("from=bob@example.com&in=inbox", meeting);
        await Expect($"received_after={T0.AddMinutes(30).ToUnixTimeSeconds()}", project, archived, reply, meeting);
        await Expect($"received_before={T0.AddMinutes(90).ToUnixTimeSeconds()}", meeting, invoice);
        await Expect($"received_after={T0.AddMinutes(30).ToUnixTimeSeconds()}&received_before={T0.AddMinutes(90).ToUnixTimeSeconds()}", meeting);
        await Expect("has_attachment=true", invoice);
        await Expect("has_attachment=false", project, archived, reply, meeting);
        await Expect("search_query_native=station", meeting, invoice);
        await Expect("search_query_native=charger%20OR%20chargers", archived, invoice);
        await Expect("search_query_native=station%20-invoice", meeting);
        await Expect("search_query_native=%22see%20you%22", reply);
        await Expect("search_query_native=apollo", project);
        await Expect("search_query_native=billing@vendor.test", invoice);
        await Expect("search_query_native=nothing-matches-this");
        await Expect("search_query_native=station&unread=true", invoice);
    }

    [Theory]
    [InlineData("unread=yes", "'unread' must be true or false.")]
    [InlineData("starred=1", "'starred' must be true or false.")]
    [InlineData("has_attachment=maybe", "'has_attachment' must be true or false.")]
    [InlineData("received_after=yesterday", "'received_after' must be an integer from 0 to 253402300799.")]
    [InlineData("received_before=-5", "'received_before' must be an integer from 0 to 253402300799.")]
    [InlineData("limit=201", "'limit' must be an integer from 1 to 200.")]
    [InlineData("fields=everything", "'fields' must be one of standard, include_headers, include_basic_headers, include_tracking_options, raw_mime.")]
    [InlineData("from=not%20an%20address", "'from' must be an e-mail address.")]
    [InlineData("select=id,nonsense", "'select' names an unknown field 'nonsense'; fields are: attachments, bcc, body, cc, created_at, date, folders, from, grant_id, headers, id, in_reply_to, metadata, object, reply_to, snippet, starred, subject, thread_id, to, unread.")]
    public async Task Bad_filters_are_400_naming_the_parameter(string query, string message)
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);

        var response = await client.ApiGetAsync($"/v3/grants/{grant.Id}/messages?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(message, response.ErrorMessage);
    }

    [Fact]
    public async Task Too_many_any_email_addresses_is_400_and_an_unknown_folder_is_404()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);

        var many = await client.ApiGetAsync($"/v3/grants/{grant.Id}/messages?any_email={string.Join(',', Enumerable.Range(0, 26).Select(i => $"a{i}@x.test"))}");
        Assert.Equal(HttpStatusCode.BadRequest, many.Status);
        Assert.Equal("'any_email' lists 26 addresses; at most 25.", many.ErrorMessage);

        var folder = await client.ApiGetAsync($"/v3/grants/{grant.Id}/messages?in=nowhere");
        Assert.Equal(HttpStatusCode.NotFound, folder.Status);
        Assert.Equal("Folder 'nowhere' (from 'in') not found.", folder.ErrorMessage);
    }

    [Fact]
    public async Task Fields_select_headers_and_raw_mime()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var content = Seed.Message("=?utf-8?q?encoded?= subject", messageId: "abc@vendor.test", inReplyTo: "parent@vendor.test", text: "text body");
        var message = await Seed.AppendAsync(server, grant.Id, content);
        var path = $"/v3/grants/{grant.Id}/messages";

        var selected = await client.ApiGetAsync($"{path}?select=id,subject,unread");
        Assert.Equal($$"""{"id":"{{message.Id}}","subject":"{{message.Subject}}","unread":true}""", selected.Data.AsArray().Single()!.ToJsonString());

        var headers = (await client.ApiGetAsync($"{path}?fields=include_headers")).Data.AsArray().Single()!["headers"]!.AsArray();
        Assert.Contains(headers, h => h!["name"]!.GetValue<string>() == "Message-ID" && h["value"]!.GetValue<string>() == "<abc@vendor.test>");
        Assert.Contains(headers, h => h!["name"]!.GetValue<string>() == "Content-Type");
        Assert.True(headers.Count >= 8);

        var basic = (await client.ApiGetAsync($"{path}?fields=include_basic_headers")).Data.AsArray().Single()!["headers"]!.AsArray();
        Assert.Equal(["Message-ID", "In-Reply-To", "References"], basic.Select(h => h!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).Reverse().OrderBy(n => n == "Message-ID" ? 0 : n == "In-Reply-To" ? 1 : 2));

        var raw = (await client.ApiGetAsync($"{path}?fields=raw_mime")).Data.AsArray().Single()!.AsObject();
        Assert.Equal(["id", "grant_id", "raw_mime", "object"], raw.Select(p => p.Key));
        Assert.Equal(content.Raw.ToArray(), System.Buffers.Text.Base64Url.DecodeFromChars(raw["raw_mime"]!.GetValue<string>()));
    }
}
