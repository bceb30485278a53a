using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentMail.ServiceDefaults.Health;

/// <summary>
/// Writes a health report as JSON, one entry per check:
/// <code>{"status":"Unhealthy","durationMs":3.1,"checks":[{"name":"postgres","status":"Unhealthy","description":"...","durationMs":2.9,"tags":["ready"]}]}</code>
/// A check's exception (type, stack, inner exceptions) is never written, only its description
/// (which is the exception's message when a check throws instead of returning a result).
/// </summary>
internal static class HealthReportJsonWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            if (entry.Description is { } description)
                json.WriteString("description", description);
            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
            json.WriteStartArray("tags");
            foreach (var tag in entry.Tags)
                json.WriteStringValue(tag);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
