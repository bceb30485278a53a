using System.Net;
using System.Text.Json.Nodes;
using AgentMail.Tests.Api.Support;
using MailboxChanges = AgentMail.Mailbox.Changes;

namespace AgentMail.Tests.Api;

/// <summary>POST /v3/connect/custom and /v3/grants: shapes, id patterns, app passwords, events.</summary>
public sealed class GrantEndpointTests
{
    private const string Password = "Abcdefgh1234567890xyz";

    [Fact]
    public async Task Connect_creates_an_agent_account_and_returns_201_with_the_grant()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var email = ApiCalls.Unique();

        var response = await client.ApiPostAsync("/v3/connect/custom",
            new { provider = "nylas", name = "Sales Agent", settings = new { email, app_password = Password } });

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var grant = response.Data;
        var id = Guid.Parse(grant["id"]!.GetValue<string>());
        Assert.Equal(email, grant["email"]!.GetValue<string>());
        Assert.Equal("Sales Agent", grant["name"]!.GetValue<string>());
        Assert.Equal("nylas", grant["provider"]!.GetValue<string>());
        Assert.Equal("valid", grant["grant_status"]!.GetValue<string>());
        Assert.True(grant["has_app_password"]!.GetValue<bool>());
        Assert.Equal(0, grant["used_bytes"]!.GetValue<long>());
        Assert.InRange(grant["created_at"]!.GetValue<long>(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        Assert.DoesNotContain(Password, response.Text);
        Assert.DoesNotContain("\"app_password\"", response.Text);
        Assert.Equal(["request_id", "data"], response.Json!.AsObject().Select(p => p.Key));

        var stored = await server.Mailbox.Grants.GetAsync(id, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.True(stored.HasAppPassword);
        var events = await server.Mailbox.EventsAsync(id);
        Assert.Equal(("grant.created", id.ToString()), (events.Single().Type, events.Single().ObjectId));
        // The account signs in over IMAP/SMTP with that password.
        Assert.True((await server.Mailbox.Authenticator.AuthenticateAsync(email, Password, IPAddress.Loopback, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Connect_without_app_password_creates_a_grant_that_cannot_sign_in()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();

        var response = await client.ApiPostAsync("/v3/connect/custom", new { provider = "nylas", settings = new { email = ApiCalls.Unique() } });

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.False(response.Data["has_app_password"]!.GetValue<bool>());
        Assert.Null(response.Data["name"]);
    }

    [Theory]
    [InlineData("{\"settings\": {\"email\": \"x@agentmail.test\"}}", "'provider' is required and must be \"nylas\".")]
    [InlineData("{\"provider\": \"google\", \"settings\": {\"refresh_token\": \"x\"}}", "'provider' must be \"nylas\" (an Agent Account hosted here), not \"google\".")]
    [InlineData("{\"provider\": \"nylas\"}", "'settings' is required, with at least 'email'.")]
    [InlineData("{\"provider\": \"nylas\", \"settings\": {}}", "'settings.email' is required.")]
    [InlineData("{\"provider\": \"nylas\", \"settings\": {\"email\": \"not-an-address\"}}", "'not-an-address' is not an e-mail address: it needs a local part, '@' and a domain.")]
    [InlineData("{\"provider\": \"nylas\", \"settings\": {\"email\": \"ok@agentmail.test\", \"app_password\": \"short1A\"}}", "app_password must be at least 18 characters long (got 7).")]
    [InlineData("{\"provider\": \"nylas\", \"settings\": {\"email\": \"ok@agentmail.test\", \"app_password\": \"abcdefghijklmnopqrs1\"}}", "app_password must contain at least one upper-case letter (A-Z).")]
    [InlineData("{\"provider\": \"nylas\", \"settings\": {\"email\": \"ok@agentmail.test\", \"app_password\": \"ABCDEFGHIJKLMNOPQRSa\"}}", "app_password must contain at least one digit (0-9).")]
    [InlineData("{\"provider\": \"nylas\", \"settings\": {\"email\": \"ok@agentmail.test\", \"app_password\": \"Abcdefghijklmnopq 1rs\"}}", "app_password must not contain spaces.")]
    [InlineData("{\"provider\": \"nylas\", \"settings\": {\"email\": \"ok@agentmail.test\"}, \"quota_bytes\": -1}", "'quota_bytes' must not be negative.")]
    public async Task Connect_refuses_bad_input_with_a_400_naming_the_rule(string body, string message)
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();

        var response = await client.ApiSendRawAsync(HttpMethod.Post, "/v3/connect/custom", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request_error", response.ErrorType);
        Assert.Equal(message, response.ErrorMessage);
        Assert.Null(await server.Mailbox.Grants.FindByEmailAsync("ok@agentmail.test", CancellationToken.None));
    }

    [Fact]
    public async Task Connect_for_an_existing_address_is_409()
    {
        using var client = (await ApiServer.GetAsync()).CreateClient();
        var email = ApiCalls.Unique();
        Assert.Equal(HttpStatusCode.Created, (await client.ApiPostAsync("/v3/connect/custom", new { provider = "nylas", settings = new { email } })).Status);

        var again = await client.ApiPostAsync("/v3/connect/custom", new { provider = "nylas", settings = new { email = email.ToUpperInvariant() } });

        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("conflict", again.ErrorType);
    }

    [Fact]
    public async Task A_grant_is_found_by_every_id_pattern()
    {
        using var client = (await ApiServer.GetAsync()).CreateClient();
        var (id, email) = await CreateAsync(client);

        foreach (var pattern in new[] { id, $"grant:{id}", email, email.ToUpperInvariant(), $"email:{email}", Uri.EscapeDataString(email) })
        {
            var response = await client.ApiGetAsync($"/v3/grants/{pattern}");
            Assert.Equal(HttpStatusCode.OK, response.Status);
            Assert.Equal(id, response.Data["id"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000", 404, "not_found_error")]
    [InlineData("nobody@agentmail.test", 404, "not_found_error")]
    [InlineData("grant:not-a-guid", 404, "not_found_error")]
    [InlineData("email:no-at-sign", 404, "not_found_error")]
    [InlineData("random-text", 404, "not_found_error")]
    [InlineData("me", 400, "invalid_request_error")]
    [InlineData("external:user-1", 400, "invalid_request_error")]
    public async Task An_unknown_or_unusable_grant_id_is_refused(string grantId, int status, string type)
    {
        using var client = (await ApiServer.GetAsync()).CreateClient();

        var response = await client.ApiGetAsync($"/v3/grants/{grantId}");

        Assert.Equal(status, (int)response.Status);
        Assert.Equal(type, response.ErrorType);
    }

    [Fact]
    public async Task The_list_filters_sorts_and_pages_by_offset()
    {
        using var client = (await ApiServer.GetAsync()).CreateClient();
        var (first, email) = await CreateAsync(client);
        var (second, _) = await CreateAsync(client);

        var byEmail = await client.ApiGetAsync($"/v3/grants?email={Uri.EscapeDataString(email.ToUpperInvariant())}");
        Assert.Equal(HttpStatusCode.OK, byEmail.Status);
        Assert.Equal([first], byEmail.Data.AsArray().Select(g => g!["id"]!.GetValue<string>()));
        Assert.Equal(10, byEmail.Json!["limit"]!.GetValue<int>());
        Assert.Equal(0, byEmail.Json!["offset"]!.GetValue<int>());

        // Other tests create grants meanwhile: a creation between the two reads shifts the offsets, so
        // the pair is read again until the newest grant is the same before and after.
        for (var attempt = 1; ; attempt++)
        {
            var newest = await client.ApiGetAsync("/v3/grants?limit=2&order_by=desc");
            var ids = newest.Data.AsArray().Select(g => g!["id"]!.GetValue<string>()).ToList();
            Assert.Equal(2, ids.Count);
            var next = await client.ApiGetAsync("/v3/grants?limit=1&offset=1&order_by=desc");
            var stillNewest = (await client.ApiGetAsync("/v3/grants?limit=1&order_by=desc")).Data.AsArray().Single()!["id"]!.GetValue<string>();
            if (stillNewest != ids[0] && attempt < 5)
                continue;
            Assert.Equal(ids[1], next.Data.AsArray().Single()!["id"]!.GetValue<string>());
            break;
        }

        var recent = await client.ApiGetAsync($"/v3/grants?limit=200&since={DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()}");
        Assert.Contains(second, recent.Data.AsArray().Select(g => g!["id"]!.GetValue<string>()));
        var old = await client.ApiGetAsync("/v3/grants?before=1000");
        Assert.Empty(old.Data.AsArray());
        var none = await client.ApiGetAsync("/v3/grants?provider=google");
        Assert.Empty(none.Data.AsArray());
    }

    [Fact]
    public async Task Patch_sets_rotates_and_removes_the_app_password_and_renames()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var (id, email) = await CreateAsync(client);
        const string rotated = "Zyxwvutsrq9876543210abc";

        var set = await client.ApiPatchAsync($"/v3/grants/{email}", new { name = "Renamed", settings = new { app_password = Password } });
        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.True(set.Data["has_app_password"]!.GetValue<bool>());
        Assert.Equal("Renamed", set.Data["name"]!.GetValue<string>());
        Assert.True((await server.Mailbox.Authenticator.AuthenticateAsync(email, Password, IPAddress.Loopback, CancellationToken.None)).Succeeded);

        var rotate = await client.ApiPatchAsync($"/v3/grants/{id}", new { settings = new { email, app_password = rotated } });
        Assert.Equal(HttpStatusCode.OK, rotate.Status);
        Assert.Equal("Renamed", rotate.Data["name"]!.GetValue<string>());
        Assert.False((await server.Mailbox.Authenticator.AuthenticateAsync(email, Password, IPAddress.Loopback, CancellationToken.None)).Succeeded);
        Assert.True((await server.Mailbox.Authenticator.AuthenticateAsync(email, rotated, IPAddress.Loopback, CancellationToken.None)).Succeeded);
        Assert.Equal(2, await server.Mailbox.ScalarAsync<int>("SELECT credential_version FROM grants WHERE id = $1", Guid.Parse(id)));

        var remove = await client.ApiPatchAsync($"/v3/grants/{id}", new { settings = new { } });
        Assert.Equal(HttpStatusCode.OK, remove.Status);
        Assert.False(remove.Data["has_app_password"]!.GetValue<bool>());
        Assert.False((await server.Mailbox.Authenticator.AuthenticateAsync(email, rotated, IPAddress.Loopback, CancellationToken.None)).Succeeded);

        var events = (await server.Mailbox.EventsAsync(Guid.Parse(id))).Select(e => e.Type);
        Assert.Equal(["grant.created", "grant.updated", "grant.updated", "grant.updated"], events);
    }

    [Fact]
    public async Task Patch_ends_open_sessions_through_the_change_feed()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var (id, _) = await CreateAsync(client, Password);
        var changes = new List<MailboxChanges.MailboxChange>();
        var heard = new TaskCompletionSource();
        await using var subscription = await server.Mailbox.Changes.SubscribeAsync(Guid.Parse(id), change =>
        {
            lock (changes)
                changes.Add(change);
            if (change.Kind == MailboxChanges.ChangeKind.Credentials)
                heard.TrySetResult();
        }, CancellationToken.None);

        var response = await client.ApiPatchAsync($"/v3/grants/{id}", new { settings = new { app_password = "New1Password2Is3Long" } });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        await heard.Task.WaitAsync(TimeSpan.FromSeconds(10));
        lock (changes)
            Assert.Equal(2, changes.Single(c => c.Kind == MailboxChanges.ChangeKind.Credentials).CredentialVersion);
    }

    [Theory]
    [InlineData("{\"settings\": {\"app_password\": \"tooShort1\"}}", "app_password must be at least 18 characters long (got 9).")]
    [InlineData("{\"settings\": {\"email\": \"other@agentmail.test\"}}", "'settings.email' cannot be changed; create a new grant for another address.")]
    [InlineData("{\"name\": 12}", "'name' must be a string.")]
    [InlineData("{\"settings\": []}", "'settings' must be an object.")]
    public async Task Patch_refuses_bad_input_and_changes_nothing(string body, string message)
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var (id, email) = await CreateAsync(client, Password);

        var response = await client.ApiSendRawAsync(HttpMethod.Patch, $"/v3/grants/{id}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(message, response.ErrorMessage);
        Assert.True((await server.Mailbox.Authenticator.AuthenticateAsync(email, Password, IPAddress.Loopback, CancellationToken.None)).Succeeded);
        Assert.Single(await server.Mailbox.EventsAsync(Guid.Parse(id)));
    }

    [Fact]
    public async Task Delete_removes_the_grant_and_answers_with_the_request_id_only()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var (id, email) = await CreateAsync(client);

        var response = await client.ApiDeleteAsync($"/v3/grants/{email}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["request_id"], response.Json!.AsObject().Select(p => p.Key));
        Assert.Equal(HttpStatusCode.NotFound, (await client.ApiGetAsync($"/v3/grants/{id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.ApiDeleteAsync($"/v3/grants/{id}")).Status);
        Assert.Equal("grant.deleted", (await server.Mailbox.EventsAsync(Guid.Parse(id))).Last().Type);
    }

    internal static async Task<(string Id, string Email)> CreateAsync(HttpClient client, string? appPassword = null)
    {
        var email = ApiCalls.Unique();
        var settings = new JsonObject { ["email"] = email };
        if (appPassword is not null)
            settings["app_password"] = appPassword;
        var response = await client.ApiPostAsync("/v3/connect/custom", new JsonObject { ["provider"] = "nylas", ["settings"] = settings }.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, response.Status);
        return (response.Data["id"]!.GetValue<string>(), email);
    }
}
