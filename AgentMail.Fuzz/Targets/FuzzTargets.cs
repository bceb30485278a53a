namespace AgentMail.Fuzz.Targets;

/// <summary>The registered targets; each becomes a subcommand.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new MimeTarget(),
        new SmtpTarget(),
        new ImapTarget(),
        new WebhooksTarget(),
    ];
}
