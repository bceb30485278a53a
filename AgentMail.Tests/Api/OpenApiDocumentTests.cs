using System.Net;
using System.Text.Json.Nodes;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task The_document_describes_the_v3_endpoints_and_the_bearer_scheme()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient(apiKey: null);

        using var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>());
        Assert.Equal("AgentMail API", document["info"]!["title"]!.GetValue<string>());
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[] { "/v3/connect/custom", "/v3/grants", "/v3/grants/{grant_id}" })
            Assert.True(paths.ContainsKey(path), $"{path} is missing from {string.Join(", ", paths.Select(p => p.Key))}");
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["ApiKey"]!["scheme"]!.GetValue<string>());
        Assert.Contains("\"request_id\"", document.ToJsonString());
    }
}
