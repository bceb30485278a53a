using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentMail.Imap;

/// <summary>The IMAP server's own trace source and meter; ServiceDefaults exports every "AgentMail.*" source and meter.</summary>
public static class ImapTelemetry
{
    public const string Name = "AgentMail.Imap";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Open IMAP connections of this process.</summary>
    public static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>("imap.connections", description: "Open IMAP connections");

    /// <summary>Commands by name and completion status.</summary>
    public static readonly Counter<long> Commands = Meter.CreateCounter<long>("imap.commands", description: "IMAP commands by name and status");

    public static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>("imap.command.duration", unit: "ms", description: "IMAP command duration");

    /// <summary>Untagged updates pushed to sessions (EXISTS, EXPUNGE/VANISHED, FETCH FLAGS).</summary>
    public static readonly Counter<long> Updates = Meter.CreateCounter<long>("imap.updates", description: "Untagged updates sent to clients");
}
