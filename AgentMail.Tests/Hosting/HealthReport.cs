using System.Text.Json;

namespace AgentMail.Tests.Hosting;

internal sealed record HealthCheckEntry(string Status, string Description);

/// <summary>The JSON body of /health and /alive, as MapDefaultEndpoints writes it.</summary>
internal sealed record HealthReport(string Status, IReadOnlyDictionary<string, HealthCheckEntry> Checks, string Body)
{
    public HealthCheckEntry Check(string name) =>
        Checks.TryGetValue(name, out var entry) ? entry : throw new Xunit.Sdk.XunitException($"No check named {name} in {Body}");

    public static async Task<HealthReport> ReadAsync(HttpResponseMessage response) =>
        Parse(await response.Content.ReadAsStringAsync());

    public static HealthReport Parse(string body)
    {
        var root = JsonDocument.Parse(body).RootElement;
        var checks = root.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => new HealthCheckEntry(c.GetProperty("status").GetString()!, c.TryGetProperty("description", out var d) ? d.GetString() ?? "" : ""));
        return new HealthReport(root.GetProperty("status").GetString()!, checks, body);
    }

    public override string ToString() => Body;
}
