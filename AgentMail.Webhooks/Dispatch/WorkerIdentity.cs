namespace AgentMail.Webhooks.Dispatch;

/// <summary>Names this dispatcher process in the attempt log (host and pid), so an abandoned attempt says whose it was.</summary>
public sealed class WorkerIdentity
{
    public string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";
}
