namespace AgentMail.Mailbox.Objects;

/// <summary>Nylas v3's grant object. Never carries the app password or its hash.</summary>
public sealed record GrantObject
{
    public required string Id { get; init; }
    public string Provider { get; init; } = "nylas";
    public string GrantStatus { get; init; } = "valid";
    public required string Email { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<string> Scope { get; init; } = [];
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }

    /// <summary>Whether IMAP/SMTP sign-in is possible (beyond Nylas: our grants have app passwords).</summary>
    public bool HasAppPassword { get; init; }
    public long QuotaBytes { get; init; }
    public long UsedBytes { get; init; }
}
