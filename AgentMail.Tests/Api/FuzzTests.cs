using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AgentMail.Api;
using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Json;
using AgentMail.Api.Infrastructure.Paging;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Api.Support;
using Microsoft.Extensions.Options;

namespace AgentMail.Tests.Api;

/// <summary>
/// Random and mutated input, bounded so the suite stays fast (fixed seeds: a failure replays).
/// The promise: a parser either accepts or answers a 4xx <see cref="ApiException"/> — never another
/// exception — and the server answers every request with the JSON error envelope, never a 5xx, and
/// keeps serving.
/// </summary>
public sealed class FuzzTests
{
    private static readonly string[] ValidBodies =
    [
        """{"provider": "nylas", "settings": {"email": "a@b.test", "app_password": "Secret-Password-1234"}, "name": "A"}""",
        """{"unread": false, "starred": true, "folders": ["inbox"], "metadata": {"k": "v"}}""",
        """{"name": "Projects/2026", "parent_id": "inbox"}""",
        """{"to": [{"email": "a@b.test", "name": "A"}], "cc": [], "subject": "s", "body": "<p>b</p>", "reply_to_message_id": "x", "custom_headers": [{"name": "X-A", "value": "1"}], "metadata": {"a": "b"}}""",
    ];

    [Fact]
    public void The_JSON_body_parser_accepts_or_answers_400_for_any_mutation()
    {
        var random = new Random(4004);
        for (var i = 0; i < 20_000; i++)
        {
            var input = Mutate(random, Encoding.UTF8.GetBytes(ValidBodies[i % ValidBodies.Length]));
            Expect400OrSuccess(() => JsonBody.Parse(input, ApiJson.Default.ConnectRequest));
            Expect400OrSuccess(() => JsonBody.Parse(input, ApiJson.Default.UpdateMessageRequest));
            Expect400OrSuccess(() => JsonBody.Parse(input, ApiJson.Default.FolderRequest));
            Expect400OrSuccess(() => JsonBody.Parse(input, ApiJson.Default.OutgoingRequest, "'message'"));
            Expect400OrSuccess(() => JsonBody.Parse(input, ApiJson.Default.UpdateGrantRequest));
        }
    }

    [Fact]
    public void Page_tokens_refuse_every_forgery_with_a_400()
    {
        var tokens = new PageTokens(Options.Create(new ApiOptions { Keys = ["fuzz-key"] }));
        var valid = Encoding.ASCII.GetBytes(tokens.Create("messages|g|", PagePositions.Keyset(DateTimeOffset.UnixEpoch, Guid.NewGuid())));
        var random = new Random(4005);
        for (var i = 0; i < 20_000; i++)
        {
            var input = Encoding.Latin1.GetString(Mutate(random, valid));
            if (input.Length == 0 || input == Encoding.ASCII.GetString(valid)) // no token is the first page
                continue;
            var error = Assert.Throws<ApiException>(() => tokens.Read(input, "messages|g|", PagePositions.KeysetLength));
            Assert.Equal(400, error.StatusCode);
        }
    }

    [Fact]
    public async Task Mutated_requests_get_the_envelope_never_a_5xx()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var message = await Seed.AppendAsync(server, grant.Id, Seed.Message("Fuzz"));
        var draft = await Seed.AppendAsync(server, grant.Id, Seed.Message("Draft"), SystemFolder.DraftsRole, MessageFlags.Draft);
        var g = $"/v3/grants/{grant.Id}";
        var targets = new (HttpMethod Method, string Path, string Body)[]
        {
            (HttpMethod.Put, $"{g}/messages/{message.Id}", ValidBodies[1]),
            (HttpMethod.Put, $"{g}/threads/{message.ThreadId}", ValidBodies[1]),
            (HttpMethod.Post, $"{g}/folders", ValidBodies[2]),
            (HttpMethod.Post, $"{g}/messages/send", ValidBodies[3]),
            (HttpMethod.Post, $"{g}/drafts", ValidBodies[3]),
            (HttpMethod.Put, $"{g}/drafts/{draft.Id}", ValidBodies[3]),
            (HttpMethod.Patch, g, ValidBodies[0]),
            (HttpMethod.Post, "/v3/connect/custom", ValidBodies[0]),
        };
        const string query = "limit=5&unread=true&in=inbox&from=alice@example.com&received_after=1700000000&fields=include_headers&select=id,subject&search_query_native=hello";
        var random = new Random(4006);
        for (var i = 0; i < 240; i++)
        {
            var (method, path, body) = targets[i % targets.Length];
            var mutated = Mutate(random, Encoding.UTF8.GetBytes(body));
            using var content = new ByteArrayContent(mutated);
            content.Headers.ContentType = new("application/json");
            Check(await client.ApiSendAsync(method, path, content), $"{method} {path} {Encoding.UTF8.GetString(mutated)}");

            var list = i % 3 == 0 ? "threads" : i % 3 == 1 ? "messages" : "drafts";
            var q = Encoding.Latin1.GetString(Mutate(random, Encoding.ASCII.GetBytes(query)));
            var escaped = string.Concat(q.Select(c => c is '&' or '=' || char.IsAsciiLetterOrDigit(c) ? c.ToString() : Uri.EscapeDataString(c.ToString())));
            Check(await client.ApiGetAsync($"{g}/{list}?{escaped}"), $"GET {list}?{q}");
        }

        // Still serving, and the message is still there.
        Assert.Equal(HttpStatusCode.OK, (await client.ApiGetAsync($"{g}/messages/{message.Id}")).Status);
    }

    [Fact]
    public async Task Mutated_multipart_sends_and_drafts_get_the_envelope_never_a_5xx()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var g = $"/v3/grants/{grant.Id}";
        const string boundary = "fuzz-7d1f";
        var valid = Encoding.UTF8.GetBytes(
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"message\"\r\nContent-Type: application/json\r\n\r\n{ValidBodies[3]}\r\n" +
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"file0\"; filename=\"r\u00e9sum\u00e9.txt\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n" +
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename*=UTF-8''logo%20%E2%9C%93.png\r\nContent-Type: image/png\r\n\r\n\u0089PNG\r\n" +
            $"--{boundary}--\r\n");
        string[] contentTypes = [$"multipart/form-data; boundary={boundary}", "multipart/form-data", $"multipart/form-data; boundary=\"{boundary}\"; boundary=x",
            "multipart/form-data; boundary=" + new string('b', 200), $"multipart/mixed; boundary={boundary}"];
        var random = new Random(4007);
        var accepted = 0;
        for (var i = 0; i < 200; i++)
        {
            var path = i % 2 == 0 ? $"{g}/messages/send" : $"{g}/drafts";
            var body = i < 2 ? valid : Mutate(random, valid);
            using var content = new ByteArrayContent(body);
            var contentType = i < 2 || random.Next(4) > 0 ? contentTypes[0] : contentTypes[random.Next(contentTypes.Length)];
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            var response = await client.ApiSendAsync(HttpMethod.Post, path, content);
            Check(response, $"POST {path} ({contentType}) {Encoding.Latin1.GetString(body)}");
            if ((int)response.Status < 300)
                accepted++;
            if (i < 2)
                Assert.True((int)response.Status < 300, response.ToString()); // the unmutated request is valid
        }
        Assert.InRange(accepted, 2, 199); // mutations are both accepted and refused: the fuzzing reaches past the first check

        // Still serving.
        Assert.Equal(HttpStatusCode.OK, (await client.ApiGetAsync($"{g}/messages?limit=1")).Status);
    }

    private static void Check(ApiResponse response, string request)
    {
        Assert.True((int)response.Status < 500, $"{request}\n=> {response}");
        if ((int)response.Status >= 400)
        {
            Assert.True(response.Json?["error"]?["type"] is JsonValue && response.Json?["request_id"] is JsonValue, $"{request}\n=> {response}");
            Assert.False(string.IsNullOrEmpty(response.ErrorMessage), $"{request}\n=> {response}");
        }
    }

    private static void Expect400OrSuccess(Action parse)
    {
        try
        {
            parse();
        }
        catch (ApiException e)
        {
            Assert.Equal(400, e.StatusCode);
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        }
    }

    /// <summary>A few random edits (flip, insert, delete, duplicate a span, splice JSON tokens) of a valid input, or random bytes.</summary>
    private static byte[] Mutate(Random random, byte[] valid)
    {
        if (random.Next(10) == 0)
        {
            var noise = new byte[random.Next(0, 64)];
            random.NextBytes(noise);
            return noise;
        }
        var bytes = new List<byte>(valid);
        byte[][] tokens = [.. new[] { "{", "}", "[", "]", ",", ":", "\"", "null", "true", "1e999", "-0", "\"\\u0000\"", "\"\\ud800\"", "\r\n", "{\"a\":" }.Select(Encoding.UTF8.GetBytes)];
        for (var edits = random.Next(1, 4); edits > 0 && bytes.Count > 0; edits--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes.Insert(at, (byte)random.Next(256)); break;
                case 2: bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 8))); break;
                case 3: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(bytes.Count - at, random.Next(1, 16)))); break;
                default: bytes.InsertRange(at, tokens[random.Next(tokens.Length)]); break;
            }
        }
        return [.. bytes];
    }
}
