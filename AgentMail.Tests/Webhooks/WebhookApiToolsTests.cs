using System.Net;
using System.Text.Json;
using AgentMail.Mailbox.Events;
using AgentMail.Tests.Api.Support;
using AgentMail.Tests.Webhooks.Support;
using AgentMail.Webhooks.Core.Deliveries;

namespace AgentMail.Tests.Webhooks;

/// <summary>mock-payload, send-test-event, and (beyond Nylas) the delivery log with replay.</summary>
public sealed class WebhookApiToolsTests(WebhookApiFixture fixture) : IClassFixture<WebhookApiFixture>
{
    private WebhookReceiver Receiver => fixture.Context.Receiver;

    [Fact]
    public async Task Mock_payload_returns_the_notification_a_receiver_would_get()
    {
        using var client = fixture.CreateClient();
        var response = await client.ApiPostAsync("/v3/webhooks/mock-payload", new { trigger_type = "message.updated", webhook_url = "https://example.com/h" });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var envelope = response.Data;
        Assert.Equal(["specversion", "type", "source", "id", "time", "webhook_delivery_attempt", "data"], envelope.AsObject().Select(p => p.Key));
        Assert.Equal("message.updated", envelope["type"]!.GetValue<string>());
        Assert.Equal(WebhookTestContext.ApplicationId, envelope["data"]!["application_id"]!.GetValue<string>());
        Assert.Equal("message", envelope["data"]!["object"]!["object"]!.GetValue<string>());
        Assert.NotNull(envelope["data"]!["object"]!["body"]);

        var truncated = await client.ApiPostAsync("/v3/webhooks/mock-payload", new { trigger_type = "message.created.truncated" });
        Assert.Null(truncated.Data["data"]!["object"]!["body"]);

        var unknown = await client.ApiPostAsync("/v3/webhooks/mock-payload", new { trigger_type = "calendar.created" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.StartsWith("Unknown 'trigger_type' 'calendar.created'. Supported: message.created,", unknown.ErrorMessage);
        var missing = await client.ApiPostAsync("/v3/webhooks/mock-payload", new { });
        Assert.StartsWith("'trigger_type' is required", missing.ErrorMessage);
    }

    [Fact]
    public async Task Send_test_event_posts_a_notification_signed_with_the_mock_secret()
    {
        using var client = fixture.CreateClient();
        var response = await client.ApiPostAsync("/v3/webhooks/send-test-event", new { trigger_type = "folder.created", webhook_url = Receiver.Url("test-event") });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("success", response.Data.GetValue<string>());
        var post = Assert.Single(Receiver.Posts("test-event"));
        Assert.True(post.IsSignedWith("mock-webhook-secret"));
        var notification = ReceivedNotification.Parse(post);
        Assert.Equal("folder.created", notification.Type);
        Assert.Equal("mock-id", notification.Id);

        Receiver.Always("test-event-fails", new ReceiverBehavior.Status(503));
        var failed = await client.ApiPostAsync("/v3/webhooks/send-test-event", new { trigger_type = "grant.created", webhook_url = Receiver.Url("test-event-fails") });
        Assert.Equal(HttpStatusCode.BadRequest, failed.Status);
        Assert.Equal($"The test event to {Receiver.Url("test-event-fails")} was not accepted: HTTP 503 Service Unavailable", failed.ErrorMessage);

        var badUrl = await client.ApiPostAsync("/v3/webhooks/send-test-event", new { trigger_type = "grant.created", webhook_url = "file:///etc/passwd" });
        Assert.Equal("'webhook_url' must use http or https, not file.", badUrl.ErrorMessage);
    }

    [Fact]
    public async Task The_delivery_log_shows_every_attempt_and_pages()
    {
        using var client = fixture.CreateClient();
        var created = await client.ApiPostAsync("/v3/webhooks", new { trigger_types = new[] { "folder.created" }, webhook_url = Receiver.Url("log") });
        var id = created.Data["id"]!.GetValue<string>();
        Receiver.Script("log", new ReceiverBehavior.Status(500, "boom"));
        var grant = await fixture.Context.CreateGrantAsync();
        await fixture.Context.Mailbox.Folders.CreateAsync(grant.Id, "Logged 1", default);
        await fixture.Context.Mailbox.Folders.CreateAsync(grant.Id, "Logged 2", default);
        await WebhookTestContext.EventuallyAsync(() => fixture.Context.DeliveriesAsync(Guid.Parse(id)),
            d => d.Count == 2 && d.All(x => x.Status == DeliveryStatus.Delivered), "both deliveries");

        var all = await client.ApiGetAsync($"/v3/webhooks/{id}/deliveries");
        Assert.Equal(HttpStatusCode.OK, all.Status);
        var deliveries = all.Data.AsArray();
        Assert.Equal(2, deliveries.Count);
        var retried = deliveries.Single(d => d!["attempt_count"]!.GetValue<int>() == 2)!;
        Assert.Equal("delivered", retried["status"]!.GetValue<string>());
        Assert.Equal("folder.created", retried["trigger_type"]!.GetValue<string>());
        Assert.Equal(id, retried["webhook_id"]!.GetValue<string>());
        var attempts = retried["attempts"]!.AsArray();
        Assert.Equal([500, 200], attempts.Select(a => a!["status_code"]!.GetValue<int>()));
        Assert.Equal(["failed", "succeeded"], attempts.Select(a => a!["outcome"]!.GetValue<string>()));
        Assert.Equal("boom", attempts[0]!["response_body"]!.GetValue<string>());
        Assert.Equal("HTTP 500 Internal Server Error", attempts[0]!["error"]!.GetValue<string>());
        Assert.All(attempts, a => Assert.True(a!["duration_ms"]!.GetValue<int>() >= 0 && a["finished_at"]!.GetValue<long>() >= a["started_at"]!.GetValue<long>()));

        var first = await client.ApiGetAsync($"/v3/webhooks/{id}/deliveries?limit=1");
        Assert.Single(first.Data.AsArray());
        var cursor = first.Json!["next_cursor"]!.GetValue<string>();
        var second = await client.ApiGetAsync($"/v3/webhooks/{id}/deliveries?limit=1&page_token={Uri.EscapeDataString(cursor)}");
        Assert.Single(second.Data.AsArray());
        Assert.Null(second.Json!["next_cursor"]);
        Assert.NotEqual(first.Data[0]!["id"]!.GetValue<string>(), second.Data[0]!["id"]!.GetValue<string>());

        var forged = await client.ApiGetAsync($"/v3/webhooks/{id}/deliveries?page_token=AAAA{cursor}");
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        var badLimit = await client.ApiGetAsync($"/v3/webhooks/{id}/deliveries?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.Status);

        var one = await client.ApiGetAsync($"/v3/webhooks/{id}/deliveries/{retried["id"]!.GetValue<string>()}");
        Assert.Equal(retried["id"]!.GetValue<string>(), one.Data["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await client.ApiGetAsync($"/v3/webhooks/{id}/deliveries/{Guid.NewGuid()}")).Status);
    }

    [Fact]
    public async Task Replay_sends_a_delivery_again()
    {
        using var client = fixture.CreateClient();
        var created = await client.ApiPostAsync("/v3/webhooks", new { trigger_types = new[] { "folder.created" }, webhook_url = Receiver.Url("replay-api") });
        var id = created.Data["id"]!.GetValue<string>();
        var grant = await fixture.Context.CreateGrantAsync();
        await fixture.Context.Mailbox.Folders.CreateAsync(grant.Id, "Replay me", default);
        var delivery = (await WebhookTestContext.EventuallyAsync(() => fixture.Context.DeliveriesAsync(Guid.Parse(id)),
            d => d.Count == 1 && d[0].Status == DeliveryStatus.Delivered, "the delivery"))[0];

        var replayed = await client.ApiPostAsync($"/v3/webhooks/{id}/deliveries/{delivery.Id}/replay", null);
        Assert.Equal(HttpStatusCode.OK, replayed.Status);
        Assert.Equal(delivery.Id.ToString(), replayed.Data["id"]!.GetValue<string>());
        var posts = (await Receiver.WaitForPostsAsync("replay-api", 2)).Select(ReceivedNotification.Parse).ToList();
        Assert.Equal(posts[0].Id, posts[1].Id);
        Assert.Equal(2, posts[1].Attempt);

        Assert.Equal(HttpStatusCode.NotFound, (await client.ApiPostAsync($"/v3/webhooks/{id}/deliveries/{Guid.NewGuid()}/replay", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.ApiPostAsync($"/v3/webhooks/{id}/deliveries/not-an-id/replay", null)).Status);
        await client.ApiPutAsync($"/v3/webhooks/{id}", new { status = "pause" });
        var paused = await client.ApiPostAsync($"/v3/webhooks/{id}/deliveries/{delivery.Id}/replay", null);
        Assert.Equal(HttpStatusCode.BadRequest, paused.Status);
        Assert.Equal("The destination is 'pause': set its status to 'active' before replaying deliveries.", paused.ErrorMessage);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/hook", "'webhook_url' is not allowed: 127.0.0.1 is a loopback address; webhooks are only delivered to public addresses.")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "'webhook_url' is not allowed: 169.254.169.254 is a link-local address (cloud metadata lives there); webhooks are only delivered to public addresses.")]
    [InlineData("http://10.0.0.8/hook", "'webhook_url' is not allowed: 10.0.0.8 is a private address; webhooks are only delivered to public addresses.")]
    [InlineData("http://[::1]:8080/hook", "'webhook_url' is not allowed: ::1 is a loopback address; webhooks are only delivered to public addresses.")]
    [InlineData("http://[::ffff:192.168.0.1]/hook", "'webhook_url' is not allowed: ::ffff:192.168.0.1 is a private address; webhooks are only delivered to public addresses.")]
    [InlineData("http://localhost:8080/hook", "'webhook_url' is not allowed: The host localhost resolves to")]
    [InlineData("http://no-such-host.invalid/hook", "'webhook_url' is not allowed: The host no-such-host.invalid does not resolve")]
    public async Task Outside_development_private_and_unresolvable_hosts_are_refused(string url, string message)
    {
        // The shared API server runs with the default configuration: private destinations not allowed.
        using var client = (await ApiServer.GetAsync()).CreateClient();
        var response = await client.ApiPostAsync("/v3/webhooks", new { trigger_types = new[] { "message.created" }, webhook_url = url });
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.StartsWith(message, response.ErrorMessage);
        var test = await client.ApiPostAsync("/v3/webhooks/send-test-event", new { trigger_type = "message.created", webhook_url = url });
        Assert.StartsWith(message, test.ErrorMessage);
    }
}
