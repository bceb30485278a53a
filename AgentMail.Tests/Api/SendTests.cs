using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AgentMail.Mailbox.Folders;
using AgentMail.Mime;
using AgentMail.Mime.Summary;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

/// <summary>POST /messages/send: the Sent copy, the outbound queue, events, replies, multipart, Idempotency-Key.</summary>
public sealed class SendTests
{
    [Fact]
    public async Task Json_send_stores_in_Sent_queues_every_recipient_and_fires_message_created()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);

        var response = await client.ApiPostAsync($"/v3/grants/{grant.Email}/messages/send", new
        {
            to = new[] { new { name = "Bob", email = "bob@example.com" } },
            cc = new[] { new { email = "carol@example.com" } },
            bcc = new[] { new { email = "audit@example.com" } },
            reply_to = new[] { new { email = "replies@agentmail.test" } },
            from = new[] { new { name = "Sales Agent", email = grant.Email.ToUpperInvariant() } },
            subject = "Quarterly numbers ✓",
            body = "<p>Hello <b>Bob</b></p>",
            custom_headers = new[] { new { name = "X-Campaign", value = "q4" } },
            metadata = new { key1 = "crm-7" },
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["request_id", "grant_id", "data"], response.Json!.AsObject().Select(p => p.Key));
        Assert.Equal(grant.Id.ToString(), response.Json!["grant_id"]!.GetValue<string>());
        var data = response.Data;
        var id = Guid.Parse(data["id"]!.GetValue<string>());
        Assert.Equal("""["sent"]""", data["folders"]!.ToJsonString());
        Assert.False(data["unread"]!.GetValue<bool>());
        Assert.Equal("Quarterly numbers ✓", data["subject"]!.GetValue<string>());
        Assert.Equal($$"""[{"name":"Sales Agent","email":"{{grant.Email}}"}]""", data["from"]!.ToJsonString());
        Assert.Equal("""[{"name":"Bob","email":"bob@example.com"}]""", data["to"]!.ToJsonString());
        Assert.Equal("""[{"email":"audit@example.com"}]""", data["bcc"]!.ToJsonString());
        Assert.Equal("""[{"email":"replies@agentmail.test"}]""", data["reply_to"]!.ToJsonString());
        Assert.Equal("<p>Hello <b>Bob</b></p>", data["body"]!.GetValue<string>());
        Assert.Equal("""{"key1":"crm-7"}""", data["metadata"]!.ToJsonString());

        var sent = await server.Mailbox.Messages.GetAsync(grant.Id, id, CancellationToken.None);
        Assert.Equal((await server.Mailbox.FolderAsync(grant.Id, SystemFolder.SentRole)).Id, sent!.FolderId);
        Assert.EndsWith("@mail.agentmail.test", sent.MessageId);
        var raw = (await server.Mailbox.Blobs.ReadAllAsync(sent.BlobSha256, CancellationToken.None))!;
        var headers = MessageHeaders.Read(raw, MimeParser.Parse(raw), decodeEncodedWords: true);
        Assert.Equal("audit@example.com", headers.Single(h => h.Name == "Bcc").Value); // kept in the Sent copy
        Assert.Equal("q4", headers.Single(h => h.Name == "X-Campaign").Value);
        Assert.Contains(headers, h => h.Name == "Content-Type" && h.Value.StartsWith("multipart/alternative", StringComparison.Ordinal));

        var recipients = await RecipientsAsync(server, id);
        Assert.Equal(["audit@example.com", "bob@example.com", "carol@example.com"], recipients);
        Assert.Equal(grant.Email, await server.Mailbox.ScalarAsync<string>("SELECT envelope_from FROM outbound_messages WHERE message_id = $1", id));
        var created = (await server.Mailbox.EventsAsync(grant.Id)).Single(e => e.Type == "message.created");
        Assert.Equal(id.ToString(), created.ObjectId);
        Assert.Equal("crm-7", JsonNode.Parse(created.Payload)!["metadata"]!["key1"]!.GetValue<string>());
    }

    [Fact]
    public async Task Plain_text_send_and_a_missing_from_use_the_grant_address()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);

        var response = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send",
            new { to = new[] { new { email = "bob@example.com" } }, subject = "plain", body = "line 1\nline <2>", is_plaintext = true });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal($$"""[{"email":"{{grant.Email}}"}]""", response.Data["from"]!.ToJsonString());
        Assert.Equal("line 1<br>line &lt;2&gt;", response.Data["body"]!.GetValue<string>().Replace("\r\n", "\n").Replace("\n", ""));
    }

    [Fact]
    public async Task A_reply_carries_In_Reply_To_and_References_and_joins_the_thread()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var first = await Seed.AppendAsync(server, grant.Id, Seed.Message("Proposal", messageId: "root@vendor.test"));
        var second = await Seed.AppendAsync(server, grant.Id, Seed.Message("Re: Proposal", messageId: "second@vendor.test", inReplyTo: "root@vendor.test"));
        Assert.Equal(first.ThreadId, second.ThreadId);

        var byId = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send?fields=include_basic_headers",
            new { to = new[] { new { email = "vendor@vendor.test" } }, subject = "Re: Proposal", body = "Yes.", reply_to_message_id = second.Id.ToString() });
        var byHeader = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send",
            new { to = new[] { new { email = "vendor@vendor.test" } }, subject = "Re: Proposal", body = "Also.", reply_to_message_id = "<root@vendor.test>" });

        Assert.Equal(HttpStatusCode.OK, byId.Status);
        Assert.Equal(second.ThreadId.ToString(), byId.Data["thread_id"]!.GetValue<string>());
        Assert.Equal("second@vendor.test", byId.Data["in_reply_to"]!.GetValue<string>());
        var headers = byId.Data["headers"]!.AsArray().ToDictionary(h => h!["name"]!.GetValue<string>(), h => h!["value"]!.GetValue<string>());
        Assert.Equal(["Message-ID", "In-Reply-To", "References"], headers.Keys);
        Assert.Equal("<second@vendor.test>", headers["In-Reply-To"]);
        Assert.Equal("<root@vendor.test> <second@vendor.test>", headers["References"]);
        Assert.Equal(first.ThreadId.ToString(), byHeader.Data["thread_id"]!.GetValue<string>());
        Assert.Equal("root@vendor.test", byHeader.Data["in_reply_to"]!.GetValue<string>());

        var unknown = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send",
            new { to = new[] { new { email = "vendor@vendor.test" } }, reply_to_message_id = Guid.NewGuid().ToString() });
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
    }

    [Fact]
    public async Task Json_attachments_are_attached_with_their_names_and_types()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var pdf = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();

        var response = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send", new
        {
            to = new[] { new { email = "bob@example.com" } },
            subject = "files",
            body = "<p>logo: <img src=\"cid:logo1\"></p>",
            attachments = new object[]
            {
                new { filename = "report.pdf", content_type = "application/pdf", content = Convert.ToBase64String(pdf) },
                new { filename = "logo.png", content_type = "image/png", content = Convert.ToBase64String([137, 80, 78, 71]), content_id = "logo1", content_disposition = "inline" },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var attachments = response.Data["attachments"]!.AsArray();
        var report = attachments.Single(a => a!["filename"]!.GetValue<string>() == "report.pdf")!;
        Assert.Equal(3000, report["size"]!.GetValue<long>());
        Assert.False(report["is_inline"]!.GetValue<bool>());
        var logo = attachments.Single(a => a!["filename"]!.GetValue<string>() == "logo.png")!;
        Assert.True(logo["is_inline"]!.GetValue<bool>());
        Assert.Equal("logo1", logo["content_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Multipart_send_with_curl_attaches_the_file_parts()
    {
        var server = await ApiServer.GetAsync();
        var grant = await Seed.GrantAsync(server);
        var file = Path.Combine(Path.GetTempPath(), $"agentmail-{Guid.NewGuid():N}.bin");
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
        await File.WriteAllBytesAsync(file, bytes);
        try
        {
            var message = """{"to":[{"email":"bob@example.com"}],"subject":"big file","body":"<p>attached</p>","metadata":{"key2":"mp"}}""";
            var result = await Curl.RunAsync("-X", "POST", "-H", $"Authorization: Bearer {ApiServer.ApiKey}",
                "-F", $"message={message};type=application/json", "-F", $"file0=@{file};type=application/x-custom;filename=data.bin",
                new Uri(server.BaseAddress, $"/v3/grants/{grant.Id}/messages/send").ToString());

            Assert.Equal(0, result.ExitCode);
            Assert.True(result.Status == 200, result.Text);
            var data = JsonNode.Parse(result.Text)!["data"]!;
            var attachment = data["attachments"]!.AsArray().Single()!;
            Assert.Equal("data.bin", attachment["filename"]!.GetValue<string>());
            Assert.StartsWith("application/x-custom", attachment["content_type"]!.GetValue<string>());
            Assert.Equal(bytes.Length, attachment["size"]!.GetValue<long>());
            Assert.Equal("""{"key2":"mp"}""", data["metadata"]!.ToJsonString());
            var sent = await server.Mailbox.Messages.GetAsync(grant.Id, Guid.Parse(data["id"]!.GetValue<string>()), CancellationToken.None);
            var raw = (await server.Mailbox.Blobs.ReadAllAsync(sent!.BlobSha256, CancellationToken.None))!;
            var structure = MimeParser.Parse(raw);
            Assert.Equal(bytes, MessageBody.DecodeContent(raw, structure.FindPart(attachment["id"]!.GetValue<string>())!));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_same_Idempotency_Key_and_request_replays_the_first_answer_and_sends_once()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var key = Guid.NewGuid().ToString();
        var body = """{"to":[{"email":"bob@example.com"}],"subject":"once","body":"only once"}""";
        void WithKey(HttpRequestMessage r) => r.Headers.Add("Idempotency-Key", key);

        var first = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send", body, WithKey);
        var retry = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send", body, WithKey);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.False(first.Headers.Contains("Idempotent-Response"));
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Response").Single());
        Assert.Equal(first.Text, retry.Text);
        Assert.Equal(1, (await server.Mailbox.FolderAsync(grant.Id, SystemFolder.SentRole)).MessageCount);
        Assert.Single(await server.Mailbox.EventsAsync(grant.Id), e => e.Type == "message.created");

        var other = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send", body.Replace("only once", "changed"), WithKey);
        Assert.Equal(HttpStatusCode.Conflict, other.Status);
        Assert.Equal("api.invalid_idempotent_request", other.ErrorType);
        Assert.Equal(1, (await server.Mailbox.FolderAsync(grant.Id, SystemFolder.SentRole)).MessageCount);

        // The same key is another grant's own key.
        var otherGrant = await Seed.GrantAsync(server);
        Assert.Equal(HttpStatusCode.OK, (await client.ApiPostAsync($"/v3/grants/{otherGrant.Id}/messages/send", body, WithKey)).Status);
    }

    [Fact]
    public async Task A_key_still_in_flight_is_409_and_an_expired_key_is_free_again()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        const string body = """{"to":[{"email":"bob@example.com"}],"subject":"in flight"}""";
        var digest = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("json\n" + body));
        await server.Mailbox.ScalarAsync<object>("INSERT INTO api_idempotency_keys (grant_id, key, request_hash) VALUES ($1, 'busy', $2) RETURNING 1", grant.Id, digest);
        await server.Mailbox.ScalarAsync<object>(
            "INSERT INTO api_idempotency_keys (grant_id, key, request_hash, status_code, response, created_at) VALUES ($1, 'old', $2, 200, '{}'::bytea, now() - interval '2 hours') RETURNING 1",
            grant.Id, digest);

        var busy = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send", body, r => r.Headers.Add("Idempotency-Key", "busy"));
        var old = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send", body, r => r.Headers.Add("Idempotency-Key", "old"));

        Assert.Equal(HttpStatusCode.Conflict, busy.Status);
        Assert.Equal("api.concurrent_idempotent_request", busy.ErrorType);
        Assert.Equal(HttpStatusCode.OK, old.Status);
        Assert.False(old.Headers.Contains("Idempotent-Response"));
        Assert.Equal(1, (await server.Mailbox.FolderAsync(grant.Id, SystemFolder.SentRole)).MessageCount);
    }

    [Fact]
    public async Task A_refusal_is_remembered_for_its_key_too()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var body = """{"to":[{"email":"not an address"}]}""";
        void WithKey(HttpRequestMessage r) => r.Headers.Add("Idempotency-Key", "refused-1");

        var first = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send", body, WithKey);
        var retry = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send", body, WithKey);

        Assert.Equal(HttpStatusCode.BadRequest, first.Status);
        Assert.Equal(HttpStatusCode.BadRequest, retry.Status);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Response").Single());
        Assert.Equal(first.Text, retry.Text);
    }

    [Fact]
    public async Task A_multipart_retry_with_a_new_boundary_is_the_same_request()
    {
        var server = await ApiServer.GetAsync();
        var grant = await Seed.GrantAsync(server);
        var message = """{"to":[{"email":"bob@example.com"}],"subject":"mp retry"}""";
        var url = new Uri(server.BaseAddress, $"/v3/grants/{grant.Id}/messages/send").ToString();
        string[] Args() => ["-X", "POST", "-H", $"Authorization: Bearer {ApiServer.ApiKey}", "-H", "Idempotency-Key: mp-1",
            "-F", $"message={message};type=application/json", "-F", "file0=@/etc/hostname;type=text/plain", url];

        var first = await Curl.RunAsync(Args());
        var retry = await Curl.RunAsync(Args());

        Assert.Equal(200, first.Status);
        Assert.Equal(200, retry.Status);
        Assert.Equal("true", retry.Headers["Idempotent-Response"]);
        Assert.Equal(first.Text, retry.Text);
        Assert.Equal(1, (await server.Mailbox.FolderAsync(grant.Id, SystemFolder.SentRole)).MessageCount);
    }

    [Theory]
    [InlineData("""{}""", 400, "invalid_request_error", "At least one recipient is needed in 'to', 'cc' or 'bcc'.")]
    [InlineData("""{"to": []}""", 400, "invalid_request_error", "At least one recipient is needed in 'to', 'cc' or 'bcc'.")]
    [InlineData("""{"to": [{"name": "x"}]}""", 400, "invalid_request_error", "'to[0].email' is required.")]
    [InlineData("""{"to": [{"email": "bob@example.com"}], "cc": [{"email": "no-at"}]}""", 400, "invalid_request_error", "'cc[0].email': 'no-at' is not an e-mail address: it needs a local part, '@' and a domain.")]
    [InlineData("""{"to": [{"email": "a <b>@x.test"}]}""", 400, "invalid_request_error", "'to[0].email': 'a <b>@x.test' is not a valid address: the local part may hold letters, digits and !#$%&'*+/=?^_`{|}~.- with no leading, trailing or double dots.")]
    [InlineData("""{"to": [{"email": "bob@example.com"}], "from": [{"email": "ceo@bank.test"}]}""", 400, "invalid_request_error", null)]
    [InlineData("""{"to": "bob@example.com"}""", 400, "invalid_request_error", "'to' must be an array.")]
    [InlineData("""{"to": [{"email": 5}]}""", 400, "invalid_request_error", "'to[0].email' must be a string.")]
    [InlineData("""{"to": [{"email": "bob@example.com"}], "is_plaintext": "yes"}""", 400, "invalid_request_error", "'is_plaintext' must be true or false.")]
    [InlineData("""{"to": [{"email": "bob@example.com"}], "attachments": [{"filename": "a"}]}""", 400, "invalid_request_error", "'attachments[0].content' is required: the file's bytes, Base64-encoded.")]
    [InlineData("""{"to": [{"email": "bob@example.com"}], "attachments": [{"filename": "a", "content": "!!!"}]}""", 400, "invalid_request_error", "'attachments[0].content' is not valid Base64.")]
    [InlineData("""{"to": [{"email": "bob@example.com"}], "send_at": 1900000000}""", 400, "invalid_request_error", "'send_at' (scheduled send) is not supported: send when the message should go.")]
    [InlineData("""{"to": [{"email": "bob@example.com"}], "tracking_options": {"opens": true}}""", 400, "invalid_request_error", "'tracking_options' is not supported: AgentMail does not track opens or clicks.")]
    [InlineData("""{"to": [{"email": "bob@example.com"}], "custom_headers": [{"name": "Subject", "value": "x"}]}""", 400, "invalid_request_error", "'custom_headers[0]': The Subject header is set through its own property.")]
    [InlineData("""{"to": [{"email": "bob@example.com"}], "custom_headers": [{"name": "X-A", "value": "a\r\nBcc: evil@x.test"}]}""", 400, "invalid_request_error", "'custom_headers[0]': The value of X-A contains a line break or NUL.")]
    [InlineData("""{"to": [{"email": "bob@example.com"}], "reply_to_message_id": "<>"}""", 400, "invalid_request_error", "'reply_to_message_id' must be a message id or a Message-ID header value.")]
    [InlineData("""{"to": [{"email": "bob@example.com"}]""", 400, "invalid_request_error", "The request body is not valid JSON (line 1, byte 38).")]
    public async Task Bad_send_requests_are_refused_and_send_nothing(string body, int status, string type, string? message)
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);

        var response = await client.ApiSendRawAsync(HttpMethod.Post, $"/v3/grants/{grant.Id}/messages/send", body);

        Assert.Equal(status, (int)response.Status);
        Assert.Equal(type, response.ErrorType);
        Assert.Equal(message ?? $"'from[0].email' must be the grant's own address ({grant.Email}).", response.ErrorMessage);
        Assert.Equal(0, (await server.Mailbox.FolderAsync(grant.Id, SystemFolder.SentRole)).MessageCount);
        Assert.Equal(0L, await server.Mailbox.ScalarAsync<long>("SELECT count(*) FROM outbound_messages WHERE grant_id = $1", grant.Id));
    }

    [Fact]
    public async Task A_bad_Idempotency_Key_is_400()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);

        var response = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send", """{"to":[{"email":"bob@example.com"}]}""",
            r => r.Headers.Add("Idempotency-Key", new string('k', 257)));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("api.invalid_idempotency_key", response.ErrorType);
    }

    [Fact]
    public async Task Over_the_quota_is_403_and_over_the_size_limits_413()
    {
        var server = await ApiServer.StartDedicatedAsync(new Dictionary<string, string?> { ["Mailbox:MaxMessageBytes"] = "60000" });
        try
        {
            using var client = server.CreateClient();
            var grant = await server.Mailbox.CreateGrantAsync(quotaBytes: 500, prefix: "quota");
            var small = await client.ApiPostAsync($"/v3/grants/{grant.Id}/messages/send", new { to = new[] { new { email = "bob@example.com" } }, body = new string('x', 600) });
            Assert.Equal(HttpStatusCode.Forbidden, small.Status);
            Assert.Equal("quota_exceeded_error", small.ErrorType);

            var roomy = await Seed.GrantAsync(server);
            var tooBigMessage = await client.ApiPostAsync($"/v3/grants/{roomy.Id}/messages/send", new
            {
                to = new[] { new { email = "bob@example.com" } },
                attachments = new[] { new { filename = "a.bin", content = Convert.ToBase64String(new byte[50_000]) } },
            });
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBigMessage.Status);
            Assert.StartsWith("The message is ", tooBigMessage.ErrorMessage);

            var tooBigBody = await client.ApiSendRawAsync(HttpMethod.Post, $"/v3/grants/{roomy.Id}/messages/send",
                $$"""{"to":[{"email":"bob@example.com"}],"body":"{{new string('y', 1_200_000)}}"}""");
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBigBody.Status);
            Assert.Equal("payload_too_large_error", tooBigBody.ErrorType);

            using var form = new MultipartFormDataContent { { new StringContent("""{"to":[{"email":"bob@example.com"}]}"""), "message" } };
            form.Add(new ByteArrayContent(new byte[1_300_000]), "file0", "big.bin");
            var tooBigForm = await client.ApiSendAsync(HttpMethod.Post, $"/v3/grants/{roomy.Id}/messages/send", form);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBigForm.Status);
            Assert.Equal("payload_too_large_error", tooBigForm.ErrorType);
            Assert.Equal(0, (await server.Mailbox.FolderAsync(roomy.Id, SystemFolder.SentRole)).MessageCount);
        }
        finally
        {
            await server.StopAsync();
        }
    }

    internal static async Task<List<string>> RecipientsAsync(ApiServer server, Guid sentId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(server.Mailbox.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT r.recipient FROM outbound_recipients r JOIN outbound_messages o ON o.id = r.outbound_id WHERE o.message_id = $1 ORDER BY 1", connection);
        command.Parameters.AddWithValue(sentId);
        var list = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            list.Add(reader.GetString(0));
        return list;
    }
}
