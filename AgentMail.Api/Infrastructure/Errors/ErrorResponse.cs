using System.Text.Json;
using AgentMail.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http;

namespace AgentMail.Api.Infrastructure.Errors;

/// <summary>Writes Nylas's error envelope: <c>{"request_id": …, "error": {"type": …, "message": …}}</c>.</summary>
public static class ErrorResponse
{
    public static async Task WriteAsync(HttpContext context, int statusCode, string type, string message)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        await using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("request_id"u8, context.GetRequestId());
            json.WriteStartObject("error"u8);
            json.WriteString("type"u8, type);
            json.WriteString("message"u8, message);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static Task WriteAsync(HttpContext context, ApiException error) =>
        WriteAsync(context, error.StatusCode, error.Type, error.Message);
}
