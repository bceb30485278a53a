using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentMail.Smtp;

/// <summary>The SMTP server's own trace source and meter; ServiceDefaults exports every "AgentMail.*" source and meter.</summary>
public static class SmtpTelemetry
{
    public const string Name = "AgentMail.Smtp";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Sessions started, by role (Submission, Mx).</summary>
    public static readonly Counter<long> Sessions = Meter.CreateCounter<long>("agentmail.smtp.sessions");

    /// <summary>Completed DATA/BDAT transactions, by role and reply code.</summary>
    public static readonly Counter<long> Messages = Meter.CreateCounter<long>("agentmail.smtp.messages");

    /// <summary>Outbound delivery outcomes per recipient, by outcome (delivered, deferred, failed) and route (local, relay, mx).</summary>
    public static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("agentmail.smtp.deliveries");
}
