using System.IO.Compression;
using AgentMail.Webhooks.Core.Http;
using AgentMail.Webhooks.Core.Security;

namespace AgentMail.Webhooks.Core.Payloads;

/// <summary>The bytes of one attempt: envelope, truncation above the size limit, optional gzip, signature.</summary>
public static class NotificationPayload
{
    public const string TruncatedSuffix = ".truncated";

    /// <summary>
    /// The notification JSON. Above <paramref name="maxBytes"/> it is sent as <c>&lt;type&gt;.truncated</c>
    /// with the object without its body, as Nylas does (the receiver fetches the message instead).
    /// </summary>
    public static (string Type, byte[] Json) Create(NotificationHeader header, NotificationObject notificationObject, int maxBytes)
    {
        var json = NotificationEnvelope.Write(header, notificationObject.Json);
        if (json.Length <= maxBytes || !notificationObject.CanTruncate)
            return (header.Type, json);
        var truncated = header with { Type = header.Type + TruncatedSuffix };
        return (truncated.Type, NotificationEnvelope.Write(truncated, notificationObject.WithoutBody!));
    }

    /// <summary>Compresses when asked, then signs exactly the bytes that will be sent.</summary>
    public static WebhookRequest Sign(Uri url, byte[] json, bool gzip, string secret)
    {
        var body = gzip ? Gzip(json) : json;
        return new WebhookRequest(url, body, gzip, WebhookSignature.Compute(secret, body));
    }

    private static byte[] Gzip(byte[] json)
    {
        using var output = new MemoryStream(json.Length / 3 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(json);
        return output.ToArray();
    }
}
