namespace AgentMail.Webhooks.Core.Payloads;

/// <summary>
/// The <c>data.object</c> of a notification as JSON: <see cref="Json"/> in full, and for a message
/// with a body <see cref="WithoutBody"/>, what a <c>.truncated</c> notification carries when the
/// full one is too large (made only then).
/// </summary>
public sealed class NotificationObject(string json, Func<string>? withoutBody = null)
{
    private readonly Lazy<string>? _withoutBody = withoutBody is null ? null : new Lazy<string>(withoutBody);

    public string Json { get; } = json;

    public string? WithoutBody => _withoutBody?.Value;

    public bool CanTruncate => _withoutBody is not null;
}
