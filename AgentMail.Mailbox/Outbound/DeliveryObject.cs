using System.Text.Json;
using System.Text.Json.Serialization;
using AgentMail.Mailbox.Objects;

namespace AgentMail.Mailbox.Outbound;

/// <summary>
/// The object of <c>message.delivered</c> and <c>message.bounced</c> events: one recipient of one
/// sent message, with the message (its Sent copy, when it still exists) as the API shows it.
/// </summary>
public sealed record DeliveryObject
{
    public string Object => "delivery";

    /// <summary>"delivered" or "bounced".</summary>
    public required string Status { get; init; }
    public required string GrantId { get; init; }

    /// <summary>The Sent copy's API id; null for a message queued without one or since deleted.</summary>
    public string? MessageId { get; init; }
    public required string OutboundId { get; init; }
    public required string Recipient { get; init; }
    public int Attempts { get; init; }

    /// <summary>The last reply of the receiving server, or what went wrong before one.</summary>
    public string? Response { get; init; }
    public string? StatusCode { get; init; }
    public string? RemoteMta { get; init; }

    /// <summary>Unix seconds of the outcome.</summary>
    public long Date { get; init; }
    public MessageObject? Message { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeliveryObject))]
internal sealed partial class OutboundJson : JsonSerializerContext
{
    public static string Serialize(DeliveryObject value) => JsonSerializer.Serialize(value, Default.DeliveryObject);
}
