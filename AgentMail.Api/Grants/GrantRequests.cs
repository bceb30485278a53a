namespace AgentMail.Api.Grants;

/// <summary><c>POST /v3/connect/custom</c>: Nylas's "Bring your own authentication" body, Agent Account variant.</summary>
public sealed record ConnectRequest
{
    public string? Provider { get; init; }
    public GrantSettings? Settings { get; init; }
    public string? Name { get; init; }

    /// <summary>Beyond Nylas: the grant's storage quota (default <c>Mailbox:DefaultQuotaBytes</c>).</summary>
    public long? QuotaBytes { get; init; }
}

/// <summary><c>settings</c> of an Agent Account. The app password is write-only.</summary>
public sealed record GrantSettings
{
    public string? Email { get; init; }
    public string? AppPassword { get; init; }
}

/// <summary><c>PATCH /v3/grants/{grant_id}</c>. <c>settings</c>, when present, replaces the grant's settings.</summary>
public sealed record UpdateGrantRequest
{
    public GrantSettings? Settings { get; init; }
    public string? Name { get; init; }
    public long? QuotaBytes { get; init; }
}
