namespace AgentMail.Mime;

/// <summary>The message inside a message/rfc822 (or message/global) part.</summary>
public sealed record EmbeddedMessage(Envelope Envelope, MimePart Root);
