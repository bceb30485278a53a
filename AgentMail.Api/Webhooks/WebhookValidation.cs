using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Mailbox.Grants;
using AgentMail.Webhooks.Core;
using AgentMail.Webhooks.Core.Destinations;
using AgentMail.Webhooks.Core.Http;
using AgentMail.Webhooks.Core.Security;
using Microsoft.Extensions.Options;

namespace AgentMail.Api.Webhooks;

/// <summary>What a destination may hold, each refusal a 400 that says what is wrong; and the URL's challenge.</summary>
public sealed class WebhookValidation(DestinationResolver resolver, WebhookSender sender, IOptionsMonitor<WebhooksOptions> options)
{
    public const int MaxDescriptionLength = 1024;
    public const int MaxNotificationEmails = 20;
    public const int MaxTriggerTypes = 64;

    /// <summary>The trigger types, without repeats; unknown ones are named in the 400.</summary>
    public static IReadOnlyList<string> TriggerTypes(IReadOnlyList<string?>? requested)
    {
        if (requested is null || requested.Count == 0)
            throw ApiException.BadRequest($"'trigger_types' must list at least one trigger type: {string.Join(", ", WebhookTriggers.Supported)}.");
        if (requested.Count > MaxTriggerTypes)
            throw ApiException.BadRequest($"'trigger_types' may list at most {MaxTriggerTypes} entries.");
        var unknown = WebhookTriggers.Unsupported(requested);
        if (unknown.Count > 0)
        {
            throw ApiException.BadRequest(
                $"Unknown trigger type{(unknown.Count == 1 ? "" : "s")} in 'trigger_types': {string.Join(", ", unknown.Select(t => $"'{Shorten(t)}'"))}. " +
                $"Supported: {string.Join(", ", WebhookTriggers.Supported)}.");
        }
        return requested.Select(t => t!).Distinct(StringComparer.Ordinal).ToArray();
    }

    public static string? Description(string? description)
    {
        if (description is null)
            return null;
        if (description.Length > MaxDescriptionLength)
            throw ApiException.BadRequest($"'description' must be at most {MaxDescriptionLength} characters.");
        if (description.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            throw ApiException.BadRequest("'description' must not contain control characters.");
        return description;
    }

    public static IReadOnlyList<string>? NotificationEmails(IReadOnlyList<string?>? emails)
    {
        if (emails is null)
            return null;
        if (emails.Count > MaxNotificationEmails)
            throw ApiException.BadRequest($"'notification_email_addresses' may list at most {MaxNotificationEmails} addresses.");
        for (var i = 0; i < emails.Count; i++)
        {
            if (EmailAddressRules.Validate(emails[i]) is { } error)
                throw ApiException.BadRequest($"'notification_email_addresses[{i}]': {error}");
        }
        return emails.Select(e => e!.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    public static string Status(string status) => status is DestinationStatus.Active or DestinationStatus.Pause
        ? status
        : throw ApiException.BadRequest($"'status' must be '{DestinationStatus.Active}' or '{DestinationStatus.Pause}' ('failing' and 'failed' are set by delivery health), not '{Shorten(status)}'.");

    /// <summary>
    /// A URL deliveries may go to: http(s), no credentials, and a host whose every address is
    /// public (unless <see cref="WebhooksOptions.AllowPrivateDestinations"/>). Returns it normalized.
    /// </summary>
    public async Task<Uri> UrlAsync(string? text, CancellationToken cancellationToken)
    {
        if (!WebhookUrlRules.TryParse(text, out var url, out var error))
            throw ApiException.BadRequest(error.StartsWith("webhook_url", StringComparison.Ordinal) ? "'webhook_url'" + error["webhook_url".Length..] : error);
        try
        {
            await resolver.ResolveAsync(WebhookUrlRules.Host(url), cancellationToken);
        }
        catch (DestinationAddressException e)
        {
            throw ApiException.BadRequest($"'webhook_url' is not allowed: {e.Message}");
        }
        return url;
    }

    /// <summary>Nylas's verification before a destination becomes active: the receiver must echo the challenge.</summary>
    public async Task VerifyAsync(Uri url, CancellationToken cancellationToken)
    {
        var result = await sender.VerifyChallengeAsync(url, cancellationToken);
        if (!result.Verified)
        {
            throw ApiException.BadRequest(
                $"Could not verify 'webhook_url': {result.Error}. The destination is verified with GET {url.GetLeftPart(UriPartial.Path)}?challenge=<value>, " +
                $"which must answer 200 with exactly <value> as its body within {options.CurrentValue.ChallengeTimeout.TotalSeconds:0.#} s.");
        }
    }

    private static string Shorten(string text) => text.Length > 64 ? text[..64] + "…" : text;
}
