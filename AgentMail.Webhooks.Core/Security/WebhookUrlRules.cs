using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace AgentMail.Webhooks.Core.Security;

/// <summary>
/// The shape a webhook URL must have before anything resolves or calls it: absolute http or
/// https, a host, no credentials (they would be sent to every redirect target and logged
/// everywhere), at most <see cref="MaxLength"/> characters.
/// </summary>
public static class WebhookUrlRules
{
    public const int MaxLength = 2048;

    public static bool TryParse(string? text, [NotNullWhen(true)] out Uri? url, [NotNullWhen(false)] out string? error)
    {
        url = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "webhook_url is required.";
            return false;
        }
        if (text.Length > MaxLength)
        {
            error = $"webhook_url is longer than {MaxLength} characters.";
            return false;
        }
        // On Unix "/path" parses as an absolute file URI; it is a relative reference to a person.
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var parsed)
            || parsed.IsFile && !text.TrimStart().StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            error = "webhook_url is not an absolute URL.";
            return false;
        }
        if (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp)
        {
            error = $"webhook_url must use http or https, not {parsed.Scheme}.";
            return false;
        }
        if (parsed.UserInfo.Length > 0)
        {
            error = "webhook_url must not contain credentials (user:password@).";
            return false;
        }
        if (string.IsNullOrEmpty(parsed.IdnHost))
        {
            error = "webhook_url has no host.";
            return false;
        }
        url = parsed;
        error = null;
        return true;
    }

    /// <summary>The host as a resolver or <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> wants it (IPv6 literals without brackets).</summary>
    public static string Host(Uri url) => url.HostNameType == UriHostNameType.IPv6 ? url.IdnHost.Trim('[', ']') : url.IdnHost;
}
