using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentMail.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http;

namespace AgentMail.Api.Infrastructure.Responses;

/// <summary>
/// Nylas's response envelopes, written straight to the response body:
/// one object <c>{request_id, data}</c>, a list <c>{request_id, data: [...], next_cursor}</c>,
/// and a bare <c>{request_id}</c> for deletes.
/// </summary>
public static class ApiResults
{
    public static IResult Data<T>(T value, JsonTypeInfo<T> type, FieldSelection? select = null, int statusCode = StatusCodes.Status200OK,
        Action<Utf8JsonWriter>? extra = null) =>
        new EnvelopeResult(statusCode, json =>
        {
            extra?.Invoke(json);
            json.WritePropertyName("data"u8);
            Write(json, value, type, select);
        });

    public static IResult List<T>(IReadOnlyList<T> items, JsonTypeInfo<T> type, string? nextCursor, FieldSelection? select = null,
        Action<Utf8JsonWriter>? extra = null) =>
        new EnvelopeResult(StatusCodes.Status200OK, json =>
        {
            json.WriteStartArray("data"u8);
            foreach (var item in items)
                Write(json, item, type, select);
            json.WriteEndArray();
            if (nextCursor is null)
                json.WriteNull("next_cursor"u8);
            else
                json.WriteString("next_cursor"u8, nextCursor);
            extra?.Invoke(json);
        });

    public static IResult Deleted() => new EnvelopeResult(StatusCodes.Status200OK, _ => { });

    /// <summary>
    /// The bytes of a <c>{request_id, …, data}</c> envelope, for answers that are also stored
    /// (an Idempotency-Key's response is replayed byte for byte).
    /// </summary>
    public static byte[] DataBytes<T>(HttpContext context, T value, JsonTypeInfo<T> type, Action<Utf8JsonWriter>? extra = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("request_id"u8, context.GetRequestId());
            extra?.Invoke(json);
            json.WritePropertyName("data"u8);
            JsonSerializer.Serialize(json, value, type);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A JSON body already serialized.</summary>
    public static IResult Json(byte[] body, int statusCode = StatusCodes.Status200OK) => new JsonBytesResult(statusCode, body);

    private sealed class JsonBytesResult(int statusCode, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = statusCode;
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
        }
    }

    private static void Write<T>(Utf8JsonWriter json, T value, JsonTypeInfo<T> type, FieldSelection? select)
    {
        if (select is null)
        {
            JsonSerializer.Serialize(json, value, type);
            return;
        }
        // Select is the rare path: serialize whole, then copy the chosen top-level members.
        using var document = JsonSerializer.SerializeToDocument(value, type);
        json.WriteStartObject();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (select.Includes(property.Name))
                property.WriteTo(json);
        }
        json.WriteEndObject();
    }

    private sealed class EnvelopeResult(int statusCode, Action<Utf8JsonWriter> writeBody) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            response.StatusCode = statusCode;
            response.ContentType = "application/json; charset=utf-8";
            await using (var json = new Utf8JsonWriter(response.BodyWriter))
            {
                json.WriteStartObject();
                json.WriteString("request_id"u8, context.GetRequestId());
                writeBody(json);
                json.WriteEndObject();
            }
            await response.BodyWriter.FlushAsync(context.RequestAborted);
        }
    }
}
