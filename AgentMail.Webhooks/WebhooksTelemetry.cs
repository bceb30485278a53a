using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentMail.Webhooks;

/// <summary>The dispatcher's own trace source and meter; ServiceDefaults exports every "AgentMail.*" source and meter.</summary>
public static class WebhooksTelemetry
{
    public const string Name = "AgentMail.Webhooks";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);
}
