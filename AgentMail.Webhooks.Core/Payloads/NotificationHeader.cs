namespace AgentMail.Webhooks.Core.Payloads;

/// <summary>
/// The envelope fields around <c>data.object</c>, in Nylas's order: <c>specversion</c>, <c>type</c>,
/// <c>source</c>, <c>id</c> (stable across attempts: the receiver's dedup key), <c>time</c>
/// (Unix seconds of the change), <c>webhook_delivery_attempt</c> (1 on the first try),
/// <c>data.application_id</c>.
/// </summary>
public sealed record NotificationHeader(string Type, string Id, long Time, int Attempt, string ApplicationId)
{
    public const string SpecVersion = "1.0";

    /// <summary>Nylas's <c>source</c>: grant lifecycle comes from the system, mail changes from the mailbox in real time.</summary>
    public string Source => Type.StartsWith("grant.", StringComparison.Ordinal) ? "/nylas/system" : "/nylas/emails/realtime";
}
