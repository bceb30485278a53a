using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentMail.Imap;

/// <summary>The IMAP server's own trace source and meter; ServiceDefaults exports every "AgentMail.*" source and meter.</summary>
public static class ImapTelemetry
{
    public const string Name = "AgentMail.Imap";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);
}
