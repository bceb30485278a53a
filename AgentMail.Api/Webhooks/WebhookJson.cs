using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentMail.Api.Webhooks;

/// <summary>Source-generated JSON of the webhook endpoints, with <c>ApiJson</c>'s options.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CreateWebhookRequest))]
[JsonSerializable(typeof(UpdateWebhookRequest))]
[JsonSerializable(typeof(WebhookTestRequest))]
[JsonSerializable(typeof(WebhookObject))]
[JsonSerializable(typeof(WebhookDeleted))]
[JsonSerializable(typeof(WebhookDeliveryObject))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
public sealed partial class WebhookJson : JsonSerializerContext;
