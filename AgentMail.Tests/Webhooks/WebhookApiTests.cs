using System.Net;
using System.Text.Json.Nodes;
using AgentMail.Mailbox.Events;
using AgentMail.Tests.Api.Support;
using AgentMail.Tests.Webhooks.Support;
using AgentMail.Webhooks.Core.Security;

namespace AgentMail.Tests.Webhooks;

/// <summary>/v3/webhooks as Nylas defines it: create with the challenge, read, update, delete, rotate the secret.</summary>
public sealed class WebhookApiTests(WebhookApiFixture fixture) : IClassFixture<WebhookApiFixture>
{
    private WebhookReceiver Receiver => fixture.Context.Receiver;

    [Fact]
    public async Task Create_verifies_the_url_with_the_challenge_and_returns_the_secret_once()
    {
        using var client = fixture.CreateClient();
        var url = Receiver.Url("create");

        var created = await client.ApiPostAsync("/v3/webhooks", new
        {
            trigger_types = new[] { "message.created", "message.updated", "message.created" },
            webhook_url = url,
            description = "Production hook",
            notification_email_addresses = new[] { "ops@example.com" },
        });

        Assert.Equal(HttpStatusCode.OK, created.Status);
        var data = created.Data;
        Assert.Equal(["id", "description", "trigger_types", "webhook_url", "webhook_secret", "status", "notification_email_addresses",
            "compressed_delivery", "status_updated_at", "created_at", "updated_at"], data.AsObject().Select(p => p.Key));
        Assert.Equal(url, data["webhook_url"]!.GetValue<string>());
        Assert.Equal("active", data["status"]!.GetValue<string>());
        Assert.Equal(["message.created", "message.updated"], data["trigger_types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("Production hook", data["description"]!.GetValue<string>());
        Assert.Equal(["ops@example.com"], data["notification_email_addresses"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.False(data["compressed_delivery"]!.GetValue<bool>());
        var secret = data["webhook_secret"]!.GetValue<string>();
        Assert.Matches("^[A-Za-z0-9_-]{43}$", secret);

        // The challenge came first: a GET with ?challenge= that the receiver echoed.
        var challenge = Assert.Single(Receiver.Requests, r => r.Path == "/create" && r.Method == "GET");
        Assert.Matches("^\\?challenge=[0-9a-f]{32}$", challenge.Query);

        var id = data["id"]!.GetValue<string>();
        var fetched = await client.ApiGetAsync($"/v3/webhooks/{id}");
        Assert.Equal(HttpStatusCode.OK, fetched.Status);
        Assert.Null(fetched.Data["webhook_secret"]);
        Assert.Equal(url, fetched.Data["webhook_url"]!.GetValue<string>());
        var listed = await client.ApiGetAsync("/v3/webhooks");
        Assert.Contains(listed.Data.AsArray(), w => w!["id"]!.GetValue<string>() == id && w["webhook_secret"] is null);
        Assert.Null(listed.Json!["next_cursor"]);
        Assert.Equal(secret, (await fixture.Context.Destinations.GetAsync(Guid.Parse(id), default))!.Secret);
    }

    [Theory]
    [InlineData("wrong-echo", "the receiver answered \"not the challenge\" instead of echoing the challenge value exactly")]
    [InlineData("404", "the challenge request was answered with HTTP 404, not 200")]
    [InlineData("redirect", "the challenge request was answered with a 302 redirect, which is not followed")]
    [InlineData("hang", "no complete response within 1 s.")]
    public async Task A_url_that_fails_the_challenge_is_refused_with_a_clear_error_and_nothing_is_created(string path, string reason)
    {
        ReceiverBehavior behavior = path switch
        {
            "wrong-echo" => new ReceiverBehavior.WrongChallenge("not the challenge"),
            "404" => new ReceiverBehavior.Status(404),
            "redirect" => new ReceiverBehavior.Redirect("https://example.com/"),
            _ => ReceiverBehavior.Hang,
        };
        Receiver.Always("challenge-" + path, behavior);
        using var client = fixture.CreateClient();
        var url = Receiver.Url("challenge-" + path);

        var response = await client.ApiPostAsync("/v3/webhooks", new { trigger_types = new[] { "message.created" }, webhook_url = url });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request_error", response.ErrorType);
        Assert.Equal($"Could not verify 'webhook_url': {reason}. The destination is verified with GET {url}?challenge=<value>, " +
            "which must answer 200 with exactly <value> as its body within 1 s.", response.ErrorMessage);
        var listed = await client.ApiGetAsync("/v3/webhooks");
        Assert.DoesNotContain(listed.Data.AsArray(), w => w!["webhook_url"]!.GetValue<string>() == url);
    }

    [Theory]
    [InlineData("""{"webhook_url": "https://example.com/h"}""", "'trigger_types' must list at least one trigger type: message.created, message.updated, message.deleted, message.bounced, message.delivered, folder.created, folder.updated, folder.deleted, grant.created, grant.updated, grant.deleted.")]
    [InlineData("""{"trigger_types": [], "webhook_url": "https://example.com/h"}""", "'trigger_types' must list at least one trigger type: message.created, message.updated, message.deleted, message.bounced, message.delivered, folder.created, folder.updated, folder.deleted, grant.created, grant.updated, grant.deleted.")]
    [InlineData("""{"trigger_types": ["message.created", "calendar.created", "bogus", "bogus"], "webhook_url": "https://example.com/h"}""", "Unknown trigger types in 'trigger_types': 'calendar.created', 'bogus'. Supported: message.created, message.updated, message.deleted, message.bounced, message.delivered, folder.created, folder.updated, folder.deleted, grant.created, grant.updated, grant.deleted.")]
    [InlineData("""{"trigger_types": ["Message.Created"], "webhook_url": "https://example.com/h"}""", "Unknown trigger type in 'trigger_types': 'Message.Created'. Supported: message.created, message.updated, message.deleted, message.bounced, message.delivered, folder.created, folder.updated, folder.deleted, grant.created, grant.updated, grant.deleted.")]
    [InlineData("""{"trigger_types": [null], "webhook_url": "https://example.com/h"}""", "Unknown trigger type in 'trigger_types': 'null'. Supported: message.created, message.updated, message.deleted, message.bounced, message.delivered, folder.created, folder.updated, folder.deleted, grant.created, grant.updated, grant.deleted.")]
    [InlineData("""{"trigger_types": ["message.created"]}""", "'webhook_url' is required.")]
    [InlineData("""{"trigger_types": ["message.created"], "webhook_url": "ftp://example.com/h"}""", "'webhook_url' must use http or https, not ftp.")]
    [InlineData("""{"trigger_types": ["message.created"], "webhook_url": "javascript:alert(1)"}""", "'webhook_url' must use http or https, not javascript.")]
    [InlineData("""{"trigger_types": ["message.created"], "webhook_url": "https://admin:hunter2@example.com/h"}""", "'webhook_url' must not contain credentials (user:password@).")]
    [InlineData("""{"trigger_types": ["message.created"], "webhook_url": "not a url"}""", "'webhook_url' is not an absolute URL.")]
    [InlineData("""{"trigger_types": "message.created", "webhook_url": "https://example.com/h"}""", "'trigger_types' must be an array.")]
    [InlineData("""{"trigger_types": ["message.created"], "webhook_url": 42}""", "'webhook_url' must be a string.")]
    [InlineData("""{"trigger_types": ["message.created"], "webhook_url": "https://example.com/h", "compressed_delivery": "yes"}""", "'compressed_delivery' must be true or false.")]
    [InlineData("""{"trigger_types": ["message.created"], "webhook_url": "https://example.com/h", "notification_email_addresses": ["not-an-address"]}""", "'notification_email_addresses[0]': 'not-an-address' is not an e-mail address: it needs a local part, '@' and a domain.")]
    public async Task Malformed_create_requests_are_400s_that_say_what_is_wrong(string body, string message)
    {
        using var client = fixture.CreateClient();
        var requestsBefore = Receiver.Requests.Count;

        var response = await client.ApiPostAsync("/v3/webhooks", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request_error", response.ErrorType);
        Assert.Equal(message, response.ErrorMessage);
        Assert.Equal(requestsBefore, Receiver.Requests.Count);
    }

    [Fact]
    public async Task Oversized_and_overlong_input_is_refused()
    {
        using var client = fixture.CreateClient();
        var longDescription = await client.ApiPostAsync("/v3/webhooks", new { trigger_types = new[] { "message.created" }, webhook_url = Receiver.Url("long"), description = new string('d', 1025) });
        Assert.Equal(HttpStatusCode.BadRequest, longDescription.Status);
        Assert.Equal("'description' must be at most 1024 characters.", longDescription.ErrorMessage);

        var longUrl = await client.ApiPostAsync("/v3/webhooks", new { trigger_types = new[] { "message.created" }, webhook_url = Receiver.Url(new string('u', 3000)) });
        Assert.Equal("'webhook_url' is longer than 2048 characters.", longUrl.ErrorMessage);

        var huge = await client.ApiPostAsync("/v3/webhooks", new { trigger_types = new[] { "message.created" }, webhook_url = Receiver.Url("huge"), description = new string('d', 2 * 1024 * 1024) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.Status);
        Assert.Equal("payload_too_large_error", huge.ErrorType);
    }

    [Fact]
    public async Task A_second_destination_for_the_same_url_is_a_conflict()
    {
        using var client = fixture.CreateClient();
        var body = new { trigger_types = new[] { "folder.created" }, webhook_url = Receiver.Url("twice") };
        Assert.Equal(HttpStatusCode.OK, (await client.ApiPostAsync("/v3/webhooks", body)).Status);
        var second = await client.ApiPostAsync("/v3/webhooks", body);
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Equal($"A webhook destination for {Receiver.Url("twice")} already exists.", second.ErrorMessage);
    }

    [Fact]
    public async Task Update_changes_only_the_fields_given_and_verifies_a_new_url()
    {
        using var client = fixture.CreateClient();
        var id = await CreateAsync(client, "update-old", ["folder.created"]);

        var renamed = await client.ApiPutAsync($"/v3/webhooks/{id}", new { description = "Renamed", compressed_delivery = true });
        Assert.Equal(HttpStatusCode.OK, renamed.Status);
        Assert.Equal("Renamed", renamed.Data["description"]!.GetValue<string>());
        Assert.True(renamed.Data["compressed_delivery"]!.GetValue<bool>());
        Assert.Equal(["folder.created"], renamed.Data["trigger_types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(Receiver.Url("update-old"), renamed.Data["webhook_url"]!.GetValue<string>());
        Assert.Null(renamed.Data["webhook_secret"]);

        // Empty fields do not overwrite.
        var unchanged = await client.ApiPutAsync($"/v3/webhooks/{id}", new { description = "", trigger_types = Array.Empty<string>() });
        Assert.Equal("Renamed", unchanged.Data["description"]!.GetValue<string>());
        Assert.Equal(["folder.created"], unchanged.Data["trigger_types"]!.AsArray().Select(t => t!.GetValue<string>()));

        Receiver.Always("update-refuses", new ReceiverBehavior.Status(404));
        var refused = await client.ApiPutAsync($"/v3/webhooks/{id}", new { webhook_url = Receiver.Url("update-refuses") });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.StartsWith("Could not verify 'webhook_url': the challenge request was answered with HTTP 404", refused.ErrorMessage);
        Assert.Equal(Receiver.Url("update-old"), (await client.ApiGetAsync($"/v3/webhooks/{id}")).Data["webhook_url"]!.GetValue<string>());

        var moved = await client.ApiPutAsync($"/v3/webhooks/{id}", new { webhook_url = Receiver.Url("update-new"), trigger_types = new[] { "folder.deleted" } });
        Assert.Equal(HttpStatusCode.OK, moved.Status);
        Assert.Equal(Receiver.Url("update-new"), moved.Data["webhook_url"]!.GetValue<string>());
        Assert.Equal(["folder.deleted"], moved.Data["trigger_types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Contains(Receiver.Requests, r => r.Path == "/update-new" && r.Method == "GET" && r.Query.StartsWith("?challenge=", StringComparison.Ordinal));

        var unknown = await client.ApiPutAsync($"/v3/webhooks/{id}", new { trigger_types = new[] { "event.created" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.StartsWith("Unknown trigger type in 'trigger_types': 'event.created'.", unknown.ErrorMessage);
    }

    [Fact]
    public async Task Pause_and_reactivation_which_passes_the_challenge_again()
    {
        using var client = fixture.CreateClient();
        var id = await CreateAsync(client, "pausing", ["folder.created"]);
        var created = (await client.ApiGetAsync($"/v3/webhooks/{id}")).Data;

        var paused = await client.ApiPutAsync($"/v3/webhooks/{id}", new { status = "pause" });
        Assert.Equal("pause", paused.Data["status"]!.GetValue<string>());
        Assert.True(paused.Data["status_updated_at"]!.GetValue<long>() >= created["status_updated_at"]!.GetValue<long>());

        var invalid = await client.ApiPutAsync($"/v3/webhooks/{id}", new { status = "failed" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.Equal("'status' must be 'active' or 'pause' ('failing' and 'failed' are set by delivery health), not 'failed'.", invalid.ErrorMessage);

        var challenges = Receiver.Requests.Count(r => r.Path == "/pausing" && r.Method == "GET");
        Receiver.Script("pausing", new ReceiverBehavior.WrongChallenge("nope"));
        var refused = await client.ApiPutAsync($"/v3/webhooks/{id}", new { status = "active" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("pause", (await client.ApiGetAsync($"/v3/webhooks/{id}")).Data["status"]!.GetValue<string>());

        var active = await client.ApiPutAsync($"/v3/webhooks/{id}", new { status = "active" });
        Assert.Equal(HttpStatusCode.OK, active.Status);
        Assert.Equal("active", active.Data["status"]!.GetValue<string>());
        Assert.Equal(challenges + 2, Receiver.Requests.Count(r => r.Path == "/pausing" && r.Method == "GET"));
    }

    [Fact]
    public async Task Delete_removes_the_destination()
    {
        using var client = fixture.CreateClient();
        var id = await CreateAsync(client, "deleted", ["folder.created"]);

        var deleted = await client.ApiDeleteAsync($"/v3/webhooks/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal("success", deleted.Data["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(deleted.RequestId));

        Assert.Equal(HttpStatusCode.NotFound, (await client.ApiGetAsync($"/v3/webhooks/{id}")).Status);
        var again = await client.ApiDeleteAsync($"/v3/webhooks/{id}");
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Equal($"No webhook destination with id '{id}'.", again.ErrorMessage);
    }

    [Theory]
    [InlineData("GET", "/v3/webhooks/not-a-uuid")]
    [InlineData("GET", "/v3/webhooks/00000000-0000-0000-0000-000000000000")]
    [InlineData("DELETE", "/v3/webhooks/00000000-0000-0000-0000-000000000000")]
    [InlineData("POST", "/v3/webhooks/rotate-secret/00000000-0000-0000-0000-000000000000")]
    [InlineData("GET", "/v3/webhooks/00000000-0000-0000-0000-000000000000/deliveries")]
    public async Task Unknown_destinations_are_404(string method, string path)
    {
        using var client = fixture.CreateClient();
        var response = await client.ApiSendAsync(new HttpMethod(method), path);
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("not_found_error", response.ErrorType);
    }

    [Fact]
    public async Task Without_the_api_key_nothing_is_shown()
    {
        using var client = fixture.Api.CreateClient(apiKey: null);
        var response = await client.ApiGetAsync("/v3/webhooks");
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task Rotate_secret_returns_a_new_secret_that_signs_the_next_delivery()
    {
        using var client = fixture.CreateClient();
        var created = await client.ApiPostAsync("/v3/webhooks", new { trigger_types = new[] { "folder.created" }, webhook_url = Receiver.Url("rotate-api") });
        var id = created.Data["id"]!.GetValue<string>();
        var oldSecret = created.Data["webhook_secret"]!.GetValue<string>();
        var grant = await fixture.Context.CreateGrantAsync();
        await fixture.Context.Mailbox.Folders.CreateAsync(grant.Id, "Before rotation", default);
        var before = Assert.Single(await Receiver.WaitForPostsAsync("rotate-api", 1));
        Assert.True(before.IsSignedWith(oldSecret));

        var rotated = await client.ApiPostAsync($"/v3/webhooks/rotate-secret/{id}", null);
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var newSecret = rotated.Data["webhook_secret"]!.GetValue<string>();
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal(id, rotated.Data["id"]!.GetValue<string>());

        await fixture.Context.Mailbox.Folders.CreateAsync(grant.Id, "After rotation", default);
        var after = (await Receiver.WaitForPostsAsync("rotate-api", 2))[1];
        Assert.Equal("After rotation", ReceivedNotification.Parse(after).Object.GetProperty("name").GetString());
        Assert.True(after.IsSignedWith(newSecret));
        Assert.False(after.IsSignedWith(oldSecret));
    }

    private async Task<string> CreateAsync(HttpClient client, string path, string[] triggers)
    {
        var created = await client.ApiPostAsync("/v3/webhooks", new { trigger_types = triggers, webhook_url = Receiver.Url(path) });
        Assert.Equal(HttpStatusCode.OK, created.Status);
        return created.Data["id"]!.GetValue<string>();
    }
}
