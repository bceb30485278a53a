using System.IO.Compression;
using System.Text.Json;

namespace AgentMail.Tests.Webhooks.Support;

/// <summary>A notification as a receiver reads it: the envelope's fields, in order, and the object's JSON text exactly as sent.</summary>
public sealed record ReceivedNotification(
    IReadOnlyList<string> EnvelopeKeys,
    IReadOnlyList<string> DataKeys,
    string SpecVersion,
    string Type,
    string Source,
    string Id,
    long Time,
    int Attempt,
    string ApplicationId,
    string ObjectJson)
{
    public JsonElement Object => JsonDocument.Parse(ObjectJson).RootElement;

    public static ReceivedNotification Parse(ReceivedRequest request)
    {
        var json = request.Header("Content-Encoding") == "gzip" ? Gunzip(request.Body) : request.Body;
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var data = root.GetProperty("data");
        return new ReceivedNotification(
            root.EnumerateObject().Select(p => p.Name).ToArray(),
            data.EnumerateObject().Select(p => p.Name).ToArray(),
            root.GetProperty("specversion").GetString()!,
            root.GetProperty("type").GetString()!,
            root.GetProperty("source").GetString()!,
            root.GetProperty("id").GetString()!,
            root.GetProperty("time").GetInt64(),
            root.GetProperty("webhook_delivery_attempt").GetInt32(),
            data.GetProperty("application_id").GetString()!,
            data.GetProperty("object").GetRawText());
    }

    public static byte[] Gunzip(byte[] compressed)
    {
        using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
