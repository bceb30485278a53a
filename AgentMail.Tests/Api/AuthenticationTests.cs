using System.Net;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

/// <summary>Bearer API keys: what is refused, with which envelope, and what needs no key.</summary>
public sealed class AuthenticationTests
{
    [Theory]
    [InlineData(null, "Unauthorized: send your API key as 'Authorization: Bearer <key>'.")]
    [InlineData("Bearer wrong-key", "Unauthorized: the API key is not valid.")]
    [InlineData("Bearer ", "Unauthorized: the API key is not valid.")]
    [InlineData("Basic YWJjOmRlZg==", "Unauthorized: the API key is not valid.")]
    [InlineData("Bearer am_test_key_0123456789abcdeF", "Unauthorized: the API key is not valid.")]
    [InlineData("Bearer am_test_key_0123456789abcde", "Unauthorized: the API key is not valid.")]
    public async Task A_missing_or_wrong_key_is_401_with_the_error_envelope(string? authorization, string message)
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient(apiKey: null);

        var response = await client.ApiSendAsync(HttpMethod.Get, "/v3/grants", configure: r =>
        {
            if (authorization is not null)
                r.Headers.TryAddWithoutValidation("Authorization", authorization);
        });

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("unauthorized", response.ErrorType);
        Assert.Equal(message, response.ErrorMessage);
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), response.RequestId);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(["request_id", "error"], response.Json!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Nothing_changes_without_a_valid_key()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient("Bearer nope");
        var email = ApiCalls.Unique();

        var response = await client.ApiPostAsync("/v3/connect/custom", new { provider = "nylas", settings = new { email } });

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Null(await server.Mailbox.Grants.FindByEmailAsync(email, CancellationToken.None));
    }

    [Fact]
    public async Task Every_configured_key_is_accepted()
    {
        var server = await ApiServer.GetAsync();
        foreach (var key in new[] { ApiServer.ApiKey, ApiServer.SecondApiKey })
        {
            using var client = server.CreateClient(key);
            var response = await client.ApiGetAsync("/v3/grants?limit=1");
            Assert.Equal(HttpStatusCode.OK, response.Status);
        }
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    [InlineData("/openapi/v1.json")]
    public async Task Health_and_the_OpenAPI_document_need_no_key(string path)
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient(apiKey: null);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
