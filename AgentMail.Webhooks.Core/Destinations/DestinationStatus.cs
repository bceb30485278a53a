namespace AgentMail.Webhooks.Core.Destinations;

/// <summary>Nylas's destination states. Deliveries go to active and failing destinations only.</summary>
public static class DestinationStatus
{
    public const string Active = "active";

    /// <summary>Paused by the user: events are not delivered (nor kept for later) until it is active again.</summary>
    public const string Pause = "pause";

    /// <summary>Most deliveries fail (see <see cref="WebhooksOptions.FailingThreshold"/>); still delivered to, and active again when they succeed.</summary>
    public const string Failing = "failing";

    /// <summary>Failing for <see cref="WebhooksOptions.FailedAfter"/>: no longer delivered to, until the user sets it active.</summary>
    public const string Failed = "failed";

    public static bool IsDelivered(string status) => status is Active or Failing;
}
