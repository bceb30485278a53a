using System.Net;
using AgentMail.Mailbox.Storage;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

/// <summary>Answers when the API cannot or will not serve: rate limits and an unreachable store.</summary>
public sealed class ServiceLimitsTests
{
    [Fact]
    public async Task Over_the_rate_limit_is_429_with_Retry_After()
    {
        var server = await ApiServer.StartDedicatedAsync(new Dictionary<string, string?>
        {
            ["Api:RateLimitPerSecond"] = "1",
            ["Api:RateLimitBurst"] = "2",
        });
        try
        {
            using var client = server.CreateClient();
            var statuses = new List<HttpStatusCode>();
            ApiResponse? limited = null;
            for (var i = 0; i < 6 && limited is null; i++)
            {
                var response = await client.ApiGetAsync("/v3/grants?limit=1");
                statuses.Add(response.Status);
                if (response.Status == HttpStatusCode.TooManyRequests)
                    limited = response;
            }

            Assert.NotNull(limited);
            Assert.Equal(HttpStatusCode.OK, statuses[0]);
            Assert.Equal("rate_limit_error", limited.ErrorType);
            Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) >= 1);
            Assert.Equal(limited.Headers.GetValues("X-Request-Id").Single(), limited.RequestId);
            // Health is never limited.
            using var health = await client.GetAsync("/alive");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            await server.StopAsync();
        }
    }

    [Fact]
    public async Task An_unreachable_store_is_503_api_error_with_Retry_After()
    {
        var previous = MailboxDatabase.ReadinessWait;
        var server = await ApiServer.StartDedicatedAsync(new Dictionary<string, string?>
        {
            // A port nothing listens on: the store never becomes ready.
            ["ConnectionStrings:mailstore"] = "Host=127.0.0.1;Port=1;Username=postgres;Database=none;Timeout=1",
        });
        try
        {
            MailboxDatabase.ReadinessWait = TimeSpan.FromMilliseconds(200);
            using var client = server.CreateClient();

            var response = await client.ApiGetAsync("/v3/grants");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
            Assert.Equal("api_error", response.ErrorType);
            Assert.Equal("The mailbox store is temporarily unavailable; retry shortly.", response.ErrorMessage);
            Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        }
        finally
        {
            MailboxDatabase.ReadinessWait = previous;
            await server.StopAsync();
        }
    }
}
