using System.Buffers;
using System.Text.Json;

namespace AgentMail.Webhooks.Core.Payloads;

/// <summary>Writes the notification JSON a receiver gets: the envelope with the object's JSON embedded as it is.</summary>
public static class NotificationEnvelope
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = false };

    public static byte[] Write(NotificationHeader header, string objectJson)
    {
        var buffer = new ArrayBufferWriter<byte>(objectJson.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion"u8, NotificationHeader.SpecVersion);
            writer.WriteString("type"u8, header.Type);
            writer.WriteString("source"u8, header.Source);
            writer.WriteString("id"u8, header.Id);
            writer.WriteNumber("time"u8, header.Time);
            writer.WriteNumber("webhook_delivery_attempt"u8, header.Attempt);
            writer.WriteStartObject("data"u8);
            writer.WriteString("application_id"u8, header.ApplicationId);
            writer.WritePropertyName("object"u8);
            writer.WriteRawValue(objectJson, skipInputValidation: false);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
