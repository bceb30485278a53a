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
        // Set again: the exception handler clears the response's headers before writing.
        response.Headers[RequestId.HeaderName] = context.GetRequestId();
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

    /// <summary>The envelope's bytes, for an error answer that is stored (an Idempotency-Key's).</summary>
    public static byte[] ToBytes(HttpContext context, ApiException error)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("request_id"u8, context.GetRequestId());
            json.WriteStartObject("error"u8);
            json.WriteString("type"u8, error.Type);
            json.WriteString("message"u8, error.Message);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
