namespace AgentMail.Webhooks.Dispatch;

/// <summary>
/// Names this dispatcher in the attempt log — host, pid and a per-instance tag (two dispatchers
/// can share a process in tests) — so an abandoned attempt says whose it was.
/// </summary>
public sealed class WorkerIdentity
{
    public string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
}
