using System.Diagnostics.Metrics;

namespace AgentMail.Webhooks;

/// <summary>The dispatcher's instruments, on <see cref="WebhooksTelemetry.Meter"/>.</summary>
public static class WebhooksMetrics
{
    public static readonly Counter<long> DeliveriesCreated = WebhooksTelemetry.Meter.CreateCounter<long>(
        "agentmail.webhooks.deliveries.created", description: "Deliveries made from outbox events (one per matching destination).");

    public static readonly Counter<long> Attempts = WebhooksTelemetry.Meter.CreateCounter<long>(
        "agentmail.webhooks.attempts", description: "POSTs to receivers, by outcome.");

    public static readonly Histogram<double> AttemptDuration = WebhooksTelemetry.Meter.CreateHistogram<double>(
        "agentmail.webhooks.attempt.duration", unit: "s", description: "Time from connecting to the end of the receiver's response.");

    public static readonly Histogram<double> EventToDelivery = WebhooksTelemetry.Meter.CreateHistogram<double>(
        "agentmail.webhooks.event_to_delivery", unit: "s", description: "Time from the event's commit to a successful first attempt's response.");
}
