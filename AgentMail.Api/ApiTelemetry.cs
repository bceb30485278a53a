using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentMail.Api;

/// <summary>The API's own trace source and meter; ServiceDefaults exports every "AgentMail.*" source and meter.</summary>
public static class ApiTelemetry
{
    public const string Name = "AgentMail.Api";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);
}
