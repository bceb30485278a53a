namespace AgentMail.Mime.Building;

/// <summary>The planned MIME tree of a message being built.</summary>
internal abstract record OutgoingEntity;

/// <summary>A leaf: its header values and its content (bytes, or a stream read once).</summary>
internal sealed record OutgoingLeaf(
    string ContentType,
    List<(string Name, string Value, bool EncodedWord)> TypeParameters,
    string? Disposition,
    List<(string Name, string Value, bool EncodedWord)> DispositionParameters,
    string? ContentId,
    string TransferEncoding,
    ReadOnlyMemory<byte> Content,
    Stream? Stream) : OutgoingEntity;

internal sealed record OutgoingMultipart(
    string Subtype,
    string Boundary,
    List<(string Name, string Value, bool EncodedWord)> Parameters,
    List<OutgoingEntity> Children) : OutgoingEntity;
