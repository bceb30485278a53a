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
        try
        {
            return TryParseCore(text, out url, out error);
        }
        catch (UriFormatException)
        {
            // Uri.TryCreate accepts some hosts that IDNA (UTS #46) refuses once the host is read (found by fuzzing).
            url = null;
            error = "webhook_url has a host name that is not a valid internationalized domain name.";
            return false;
        }
    }

    private static bool TryParseCore(string? text, [NotNullWhen(true)] out Uri? url, [NotNullWhen(false)] out string? error)
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
        // System.Uri's escaping is not always a fixed point (a stray "%zz" next to "%4E" is escaped
        // on the first pass, "%4E" unescaped only on the second): parse until the text is stable, so
        // what is stored validates again as itself and one URL has one stored form (found by fuzzing).
        for (var pass = 0; pass < 4 && Uri.TryCreate(parsed.AbsoluteUri, UriKind.Absolute, out var again) && again.AbsoluteUri != parsed.AbsoluteUri; pass++)
            parsed = again;
        if (parsed.AbsoluteUri.Length > MaxLength)
        {
            error = $"webhook_url is longer than {MaxLength} characters once normalized.";
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
