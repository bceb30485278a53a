namespace AgentMail.Mime.Summary;

/// <summary>A header field with its value unfolded and RFC 2047-decoded.</summary>
public sealed record HeaderField(string Name, string Value);
