namespace AgentMail.Smtp.Protocol;

/// <summary>An ESMTP parameter of MAIL or RCPT (RFC 5321 §4.1.2 esmtp-param): keyword upper-cased, value as sent.</summary>
public readonly record struct EsmtpParameter(string Keyword, string? Value);

/// <summary>One parsed command line. Only the members that belong to <see cref="Verb"/> are set.</summary>
public sealed record SmtpCommand(SmtpVerb Verb)
{
    /// <summary>HELO/EHLO: the client's name; VRFY/EXPN/HELP/NOOP: the argument; AUTH: the mechanism (upper-cased).</summary>
    public string Argument { get; init; } = "";

    /// <summary>MAIL FROM / RCPT TO: the path.</summary>
    public MailPath? Path { get; init; }

    public IReadOnlyList<EsmtpParameter> Parameters { get; init; } = [];

    /// <summary>AUTH: the initial response (RFC 4954 §4), still base64; "=" stands for an empty one.</summary>
    public string? InitialResponse { get; init; }

    /// <summary>BDAT: the chunk's size in octets, and whether it is the LAST one (RFC 3030 §2).</summary>
    public long ChunkSize { get; init; }
    public bool Last { get; init; }
}

/// <summary>A parsed command, or the reply that refuses the line.</summary>
public readonly record struct SmtpParseResult(SmtpCommand? Command, SmtpReply? Error)
{
    public static implicit operator SmtpParseResult(SmtpCommand command) => new(command, null);
    public static implicit operator SmtpParseResult(SmtpReply error) => new(null, error);
}
