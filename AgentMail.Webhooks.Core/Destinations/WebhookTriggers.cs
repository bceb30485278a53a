using AgentMail.Mailbox.Events;

namespace AgentMail.Webhooks.Core.Destinations;

/// <summary>The trigger types a destination can subscribe to: the event types the mailbox core writes.</summary>
public static class WebhookTriggers
{
    public static IReadOnlyList<string> Supported => EventTypes.All;

    /// <summary>The entries of <paramref name="requested"/> that are not supported, in the order given, without repeats.</summary>
    public static IReadOnlyList<string> Unsupported(IEnumerable<string?> requested) =>
        requested.Select(t => t ?? "null").Where(t => !Supported.Contains(t, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToArray();
}
