using AgentMail.Mailbox.Objects;

namespace AgentMail.Mailbox.Grants;

/// <summary>An agent account. Deliberately has no field for the app password or its hash.</summary>
public sealed record Grant(
    Guid Id,
    string Email,
    string? Name,
    string Provider,
    string Status,
    bool HasAppPassword,
    int CredentialVersion,
    long QuotaBytes,
    long UsedBytes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public GrantObject ToObject() => new()
    {
        Id = Id.ToString(),
        Email = Email,
        Name = Name,
        Provider = Provider,
        GrantStatus = Status,
        CreatedAt = CreatedAt.ToUnixTimeSeconds(),
        UpdatedAt = UpdatedAt.ToUnixTimeSeconds(),
        HasAppPassword = HasAppPassword,
        QuotaBytes = QuotaBytes,
        UsedBytes = UsedBytes,
    };
}
