namespace AgentMail.Mailbox.Outbound;

public enum DeliveryOutcomeKind
{
    /// <summary>The receiving server took responsibility (a 2xx after DATA).</summary>
    Delivered,

    /// <summary>A temporary failure (4xx, no connection, DNS trouble): try again at <see cref="DeliveryOutcome.RetryAt"/>.</summary>
    Deferred,

    /// <summary>A permanent failure (5xx, or the retry period ran out): bounce.</summary>
    Failed,
}

/// <summary>What one delivery attempt came to for one recipient.</summary>
/// <param name="Response">The server's reply (e.g. "550 5.1.1 No such user"), or what went wrong before one.</param>
public sealed record DeliveryOutcome(string Recipient, DeliveryOutcomeKind Kind, string Response)
{
    /// <summary>The host that answered (the relay or the recipient domain's MX), when one did.</summary>
    public string? RemoteMta { get; init; }

    /// <summary>The enhanced status code (RFC 3463), e.g. "5.1.1".</summary>
    public string? Status { get; init; }

    /// <summary>Required for <see cref="DeliveryOutcomeKind.Deferred"/>: when the recipient is due again.</summary>
    public DateTimeOffset? RetryAt { get; init; }
}
