using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentMail.Smtp;

/// <summary>The SMTP server's own trace source and meter; ServiceDefaults exports every "AgentMail.*" source and meter.</summary>
public static class SmtpTelemetry
{
    public const string Name = "AgentMail.Smtp";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);
}
