namespace AgentMail.Mime;

/// <summary>
/// A media type (RFC 2045 §5). Type and subtype keep the case they were written in, so that
/// BODYSTRUCTURE reproduces the message; compare with the helpers, which ignore case.
/// </summary>
public sealed record ContentType(string MediaType, string MediaSubtype, IReadOnlyList<MimeParameter> Parameters)
{
    /// <summary>RFC 2045 §5.2 default: text/plain; charset=us-ascii (uppercase as in RFC 9051's examples).</summary>
    public static ContentType TextPlainDefault { get; } = new("TEXT", "PLAIN", [new MimeParameter("CHARSET", "US-ASCII")]);

    /// <summary>RFC 2046 §5.1.5 default inside multipart/digest.</summary>
    public static ContentType MessageRfc822Default { get; } = new("MESSAGE", "RFC822", []);

    /// <summary>What a part becomes when it cannot be descended into (limits, encoded message/*).</summary>
    internal static ContentType OpaqueOf(ContentType declared) => declared with { MediaType = "APPLICATION", MediaSubtype = "OCTET-STREAM" };

    public bool Is(string mediaType, string mediaSubtype) =>
        MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase) &&
        MediaSubtype.Equals(mediaSubtype, StringComparison.OrdinalIgnoreCase);

    public bool IsType(string mediaType) => MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase);

    public bool IsMultipart => IsType("multipart");

    public bool IsText => IsType("text");

    /// <summary>message/rfc822 or message/global (RFC 6532 §3.7): an encapsulated message.</summary>
    public bool IsMessage => IsType("message") &&
        (MediaSubtype.Equals("rfc822", StringComparison.OrdinalIgnoreCase) || MediaSubtype.Equals("global", StringComparison.OrdinalIgnoreCase));

    public string? Charset => Parameters.Get("charset");

    public string? Boundary => Parameters.Get("boundary");

    public string? Name => Parameters.Get("name");

    /// <summary>"type/subtype" in lower case.</summary>
    public string MimeType => $"{MediaType}/{MediaSubtype}".ToLowerInvariant();

    public override string ToString() => MimeType;
}
