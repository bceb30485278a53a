using System.Net;
using System.Text;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

/// <summary>Nylas's error envelope for everything that goes wrong before an endpoint's own logic.</summary>
public sealed class ErrorEnvelopeTests
{
    [Fact]
    public async Task An_unknown_path_is_404_not_found_error()
    {
        using var client = (await ApiServer.GetAsync()).CreateClient();

        var response = await client.ApiGetAsync("/v3/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("not_found_error", response.ErrorType);
        Assert.Equal("No endpoint /v3/nothing-here exists.", response.ErrorMessage);
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), response.RequestId);
    }

    [Fact]
    public async Task A_wrong_method_is_405_with_the_envelope()
    {
        using var client = (await ApiServer.GetAsync()).CreateClient();

        var response = await client.ApiSendAsync(HttpMethod.Put, "/v3/grants");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
        Assert.Equal("invalid_request_error", response.ErrorType);
    }

    [Fact]
    public async Task Every_request_id_is_new()
    {
        using var client = (await ApiServer.GetAsync()).CreateClient();
        var first = await client.ApiGetAsync("/v3/grants?limit=1");
        var second = await client.ApiGetAsync("/v3/grants?limit=1");
        Assert.NotEqual(first.RequestId, second.RequestId);
        Assert.True(Guid.TryParse(first.RequestId, out _));
    }

    [Theory]
    [InlineData("{\"provider\": \"nylas\", \"settings\": {\"email\": ", "The request body is not valid JSON at 'settings.email' (line 1, byte 45).")]
    [InlineData("{\"provider\": nylas}", "The request body is not valid JSON at 'provider' (line 1, byte 15).")]
    [InlineData("", "The request body is empty; it must be a JSON object.")]
    [InlineData("[]", "The request body must be an object.")]
    [InlineData("\"text\"", "The request body must be an object.")]
    [InlineData("{\"provider\": 5}", "'provider' must be a string.")]
    [InlineData("{\"provider\": \"nylas\", \"settings\": \"x\"}", "'settings' must be an object.")]
    [InlineData("{\"provider\": \"nylas\", \"settings\": {\"email\": true}}", "'settings.email' must be a string.")]
    [InlineData("{\"provider\": \"nylas\", \"settings\": {\"email\": \"a@b.test\"}, \"quota_bytes\": \"big\"}", "'quota_bytes' must be an integer.")]
    [InlineData("{\"provider\": \"nylas\", \"settings\": {\"email\": \"a@b.test\"}, \"quota_bytes\": 1.5}", "'quota_bytes' must be an integer.")]
    public async Task Malformed_JSON_and_wrong_types_are_400_naming_the_field(string body, string message)
    {
        using var client = (await ApiServer.GetAsync()).CreateClient();

        var response = await client.ApiSendRawAsync(HttpMethod.Post, "/v3/connect/custom", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request_error", response.ErrorType);
        Assert.Equal(message, response.ErrorMessage);
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_415()
    {
        using var client = (await ApiServer.GetAsync()).CreateClient();

        var response = await client.ApiSendRawAsync(HttpMethod.Post, "/v3/connect/custom", "provider=nylas", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Equal("invalid_request_error", response.ErrorType);
    }

    [Fact]
    public async Task An_oversized_body_is_413_and_creates_nothing()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var email = ApiCalls.Unique();
        var body = $"{{\"provider\":\"nylas\",\"settings\":{{\"email\":\"{email}\"}},\"name\":\"{new string('x', 1024 * 1024 + 10)}\"}}";

        var response = await client.ApiSendRawAsync(HttpMethod.Post, "/v3/connect/custom", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal("payload_too_large_error", response.ErrorType);
        Assert.Null(await server.Mailbox.Grants.FindByEmailAsync(email, CancellationToken.None));
    }

    [Fact]
    public async Task An_oversized_chunked_body_is_413_too()
    {
        using var client = (await ApiServer.GetAsync()).CreateClient();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"name\":\"" + new string('y', 2 * 1024 * 1024) + "\"}")));
        content.Headers.ContentType = new("application/json");

        var response = await client.ApiSendAsync(HttpMethod.Post, "/v3/connect/custom", content, r => r.Headers.TransferEncodingChunked = true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal("payload_too_large_error", response.ErrorType);
    }

    [Theory]
    [InlineData("/v3/grants?limit=0", "'limit' must be an integer from 1 to 200.")]
    [InlineData("/v3/grants?limit=201", "'limit' must be an integer from 1 to 200.")]
    [InlineData("/v3/grants?limit=ten", "'limit' must be an integer from 1 to 200.")]
    [InlineData("/v3/grants?limit=1&limit=2", "'limit' is given 2 times; give it once.")]
    [InlineData("/v3/grants?grant_status=maybe", "'grant_status' must be one of valid, invalid.")]
    [InlineData("/v3/grants?sort_by=email", "'sort_by' must be one of created_at, updated_at.")]
    [InlineData("/v3/grants?since=yesterday", "'since' must be an integer from 0 to 253402300799.")]
    public async Task Bad_query_parameters_are_400_naming_the_parameter(string path, string message)
    {
        using var client = (await ApiServer.GetAsync()).CreateClient();

        var response = await client.ApiGetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request_error", response.ErrorType);
        Assert.Equal(message, response.ErrorMessage);
    }
}
