using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentMail.Tests.Api.Support;

/// <summary>An API answer: status, headers and the JSON body (when there is one).</summary>
public sealed record ApiResponse(HttpStatusCode Status, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders, JsonNode? Json, string Text)
{
    public JsonNode Data => Json?["data"] ?? throw new InvalidOperationException($"No data in {Text}");

    public string? ErrorType => Json?["error"]?["type"]?.GetValue<string>();

    public string? ErrorMessage => Json?["error"]?["message"]?.GetValue<string>();

    public string RequestId => Json?["request_id"]?.GetValue<string>() ?? throw new InvalidOperationException($"No request_id in {Text}");

    public override string ToString() => $"{(int)Status} {Text}";
}

public static class ApiCalls
{
    public static Task<ApiResponse> ApiGetAsync(this HttpClient client, string path) => ApiSendAsync(client, HttpMethod.Get, path);

    public static Task<ApiResponse> ApiDeleteAsync(this HttpClient client, string path) => ApiSendAsync(client, HttpMethod.Delete, path);

    public static Task<ApiResponse> ApiPostAsync(this HttpClient client, string path, object? body, Action<HttpRequestMessage>? configure = null) =>
        ApiSendAsync(client, HttpMethod.Post, path, Json(body), configure);

    public static Task<ApiResponse> ApiPutAsync(this HttpClient client, string path, object? body) => ApiSendAsync(client, HttpMethod.Put, path, Json(body));

    public static Task<ApiResponse> ApiPatchAsync(this HttpClient client, string path, object? body) => ApiSendAsync(client, HttpMethod.Patch, path, Json(body));

    /// <summary>Sends raw text as the body, for malformed-JSON tests.</summary>
    public static Task<ApiResponse> ApiSendRawAsync(this HttpClient client, HttpMethod method, string path, string body, string contentType = "application/json") =>
        ApiSendAsync(client, method, path, new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(contentType)));

    public static async Task<ApiResponse> ApiSendAsync(this HttpClient client, HttpMethod method, string path, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        // As curl does for large bodies: wait for 100 Continue, so a 413 answered before the body is
        // read reaches us instead of a reset while we are still writing it.
        if (content?.Headers.ContentLength > 64 * 1024)
            request.Headers.ExpectContinue = true;
        configure?.Invoke(request);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0)
            json = JsonNode.Parse(text);
        return new ApiResponse(response.StatusCode, response.Headers, response.Content.Headers, json, text);
    }

    public static HttpContent? Json(object? body) => body switch
    {
        null => null,
        string text => new StringContent(text, Encoding.UTF8, "application/json"),
        _ => new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
    };

    public static string Unique(string prefix = "agent") => $"{prefix}.{Guid.NewGuid():N}@agentmail.test";
}
