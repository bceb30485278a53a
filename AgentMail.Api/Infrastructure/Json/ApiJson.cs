using System.Text.Json;
using System.Text.Json.Serialization;
using AgentMail.Mailbox.Objects;

namespace AgentMail.Api.Infrastructure.Json;

/// <summary>
/// Source-generated JSON for everything the API reads and writes, in Nylas's snake_case. The
/// mailbox core's objects (messages, folders, grants) are the very shapes webhooks carry.
/// Each endpoint group adds its own request and response types here.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(GrantObject))]
[JsonSerializable(typeof(FolderObject))]
[JsonSerializable(typeof(MessageObject))]
[JsonSerializable(typeof(AttachmentObject))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(global::AgentMail.Api.Grants.ConnectRequest))]
[JsonSerializable(typeof(global::AgentMail.Api.Grants.UpdateGrantRequest))]
[JsonSerializable(typeof(global::AgentMail.Api.Messages.UpdateMessageRequest))]
[JsonSerializable(typeof(global::AgentMail.Api.Messages.RawMimeObject))]
[JsonSerializable(typeof(global::AgentMail.Api.Folders.FolderRequest))]
[JsonSerializable(typeof(global::AgentMail.Api.Sending.OutgoingRequest))]
[JsonSerializable(typeof(global::AgentMail.Api.Threads.ThreadObject))]
public sealed partial class ApiJson : JsonSerializerContext;
