using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentMail.Mailbox.Objects;

/// <summary>Source-generated JSON for the objects the API returns and webhooks carry: Nylas's snake_case.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MessageObject))]
[JsonSerializable(typeof(FolderObject))]
[JsonSerializable(typeof(GrantObject))]
[JsonSerializable(typeof(List<EmailParticipant>))]
[JsonSerializable(typeof(List<AttachmentObject>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public sealed partial class MailboxJson : JsonSerializerContext
{
    public static string Serialize(MessageObject value) => JsonSerializer.Serialize(value, Default.MessageObject);
    public static string Serialize(FolderObject value) => JsonSerializer.Serialize(value, Default.FolderObject);
    public static string Serialize(GrantObject value) => JsonSerializer.Serialize(value, Default.GrantObject);
}
