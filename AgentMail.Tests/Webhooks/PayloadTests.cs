using System.Text;
using System.Text.Json;
using AgentMail.Webhooks.Core;
using AgentMail.Webhooks.Core.Payloads;
using AgentMail.Webhooks.Core.Security;
using AgentMail.Webhooks.Dispatch;

namespace AgentMail.Tests.Webhooks;

/// <summary>The envelope, truncation, signature and retry schedule as pure functions.</summary>
public sealed class PayloadTests
{
    [Fact]
    public void The_envelope_is_written_in_Nylas_order_with_the_object_as_given()
    {
        var json = NotificationEnvelope.Write(new NotificationHeader("folder.created", "abc", 1_700_000_000, 3, "app"), """{"id":"f","name":"Ünïcode \"q\""}""");
        Assert.Equal("""{"specversion":"1.0","type":"folder.created","source":"/nylas/emails/realtime","id":"abc","time":1700000000,"webhook_delivery_attempt":3,"data":{"application_id":"app","object":{"id":"f","name":"Ünïcode \"q\""}}}""",
            Encoding.UTF8.GetString(json));
    }

    [Fact]
    public void Only_an_object_with_a_body_to_drop_is_truncated()
    {
        var header = new NotificationHeader("message.created", "id", 1, 1, "app");
        var body = new string('b', 5000);
        var (type, json) = NotificationPayload.Create(header, new NotificationObject($$"""{"id":"m","body":"{{body}}"}""", () => """{"id":"m"}"""), 2048);
        Assert.Equal("message.created.truncated", type);
        Assert.Equal("""{"id":"m"}""", JsonDocument.Parse(json).RootElement.GetProperty("data").GetProperty("object").GetRawText());
        Assert.Equal("message.created.truncated", JsonDocument.Parse(json).RootElement.GetProperty("type").GetString());

        var (kept, _) = NotificationPayload.Create(header, new NotificationObject($$"""{"id":"m","body":"{{body}}"}""", () => """{"id":"m"}"""), 1024 * 1024);
        Assert.Equal("message.created", kept);
        var (folder, _) = NotificationPayload.Create(header with { Type = "folder.created" }, new NotificationObject($$"""{"n":"{{body}}"}"""), 2048);
        Assert.Equal("folder.created", folder);
    }

    [Fact]
    public void The_signature_is_lower_hex_hmac_sha256_of_the_exact_bytes()
    {
        // RFC 4231 test case 2.
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            WebhookSignature.Compute("Jefe", "what do ya want for nothing?"u8));
        var request = NotificationPayload.Sign(new Uri("https://example.com"), "{}"u8.ToArray(), gzip: true, "s3cret");
        Assert.True(request.Gzip);
        Assert.True(WebhookSignature.Verify("s3cret", request.Body.Span, request.Signature));
        Assert.True(WebhookSignature.Verify("s3cret", request.Body.Span, request.Signature.ToUpperInvariant()));
        Assert.False(WebhookSignature.Verify("s3cret", "{}"u8, request.Signature));
        Assert.False(WebhookSignature.Verify("s3cret", request.Body.Span, null));
    }

    [Fact]
    public void Mock_payloads_exist_for_every_supported_trigger_and_the_truncated_forms()
    {
        foreach (var type in MockNotifications.Types)
        {
            var json = MockNotifications.Create(type, "app", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000))!;
            var root = JsonDocument.Parse(json).RootElement;
            Assert.Equal(type, root.GetProperty("type").GetString());
            Assert.Equal("mock-id", root.GetProperty("id").GetString());
            Assert.Equal(1_700_000_000, root.GetProperty("time").GetInt64());
            var obj = root.GetProperty("data").GetProperty("object");
            Assert.Equal(type.StartsWith("message.", StringComparison.Ordinal) && !type.EndsWith(".truncated", StringComparison.Ordinal), obj.TryGetProperty("body", out _));
        }
        Assert.Null(MockNotifications.Create("calendar.created", "app", DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Retries_back_off_exponentially_with_jitter_up_to_the_cap()
    {
        var settings = new WebhooksOptions { RetryBaseDelay = TimeSpan.FromSeconds(10), RetryMaxDelay = TimeSpan.FromMinutes(5) };
        var random = new Random(42);
        for (var attempt = 1; attempt <= 12; attempt++)
        {
            var nominal = Math.Min(300, 10 * Math.Pow(2, attempt - 1));
            for (var i = 0; i < 50; i++)
            {
                var delay = RetrySchedule.After(attempt, null, settings, random).TotalSeconds;
                Assert.InRange(delay, nominal * 0.75 - 0.001, Math.Min(300, nominal * 1.25) + 0.001);
            }
        }
        var spread = Enumerable.Range(0, 50).Select(_ => RetrySchedule.After(2, null, settings, random)).Distinct().Count();
        Assert.True(spread > 40, "jitter spreads retries");
        Assert.Equal(TimeSpan.FromMinutes(2), RetrySchedule.After(1, TimeSpan.FromMinutes(2), settings, random));
        Assert.Equal(TimeSpan.FromMinutes(5), RetrySchedule.After(1, TimeSpan.FromHours(2), settings, random));
    }
}
