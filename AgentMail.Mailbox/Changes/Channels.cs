namespace AgentMail.Mailbox.Changes;

/// <summary>Redis channel names, in one place.</summary>
public static class Channels
{
    public static string Grant(Guid grantId) => $"agentmail:grant:{grantId:N}";

    /// <summary>Wakes webhook workers: new rows in the event outbox.</summary>
    public const string Events = "agentmail:events";

    /// <summary>Wakes outbound delivery workers: new rows in the outbound queue.</summary>
    public const string Outbound = "agentmail:outbound";
}
