using AgentMail.Imap.Session;

namespace AgentMail.Imap.Commands;

/// <summary>States a command is valid in (RFC 9051 §6).</summary>
[Flags]
public enum CommandStates
{
    NotAuthenticated = 1,
    Authenticated = 2,
    Selected = 4,
    Any = NotAuthenticated | Authenticated | Selected,
    SignedIn = Authenticated | Selected,
}

/// <summary>
/// A parsed command, ready to run. Parsing (synchronous, over the command's bytes) and running
/// (asynchronous, against the store) are separate, so a command's bytes are never needed across
/// an await and the parser can be fuzzed alone.
/// </summary>
public abstract record ImapCommand
{
    /// <summary>The command name as shown in responses and telemetry ("UID FETCH").</summary>
    public abstract string Name { get; }

    public virtual CommandStates States => CommandStates.SignedIn;

    /// <summary>
    /// Whether EXPUNGE/VANISHED may follow this command: not after FETCH, STORE and SEARCH, whose
    /// sequence numbers the client is still interpreting (RFC 9051 §7.5.1); UID variants may.
    /// </summary>
    public virtual bool AllowsExpungeResponses => true;

    public abstract Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken);
}

public enum CommandStatus
{
    Ok,
    No,
    Bad,

    /// <summary>The command wrote its own completion (LOGOUT, IDLE) or ended the session.</summary>
    Written,
}

/// <summary>A command's tagged completion: status, optional response code, text.</summary>
public readonly record struct CommandResult(CommandStatus Status, string? Code, string Text)
{
    public string StatusText => Status switch
    {
        CommandStatus.Ok => "OK",
        CommandStatus.No => "NO",
        _ => "BAD",
    };

    public static CommandResult Ok(string text) => new(CommandStatus.Ok, null, text);

    public static CommandResult Ok(string? code, string text) => new(CommandStatus.Ok, code, text);

    public static CommandResult No(string? code, string text) => new(CommandStatus.No, code, text);

    public static CommandResult Bad(string text) => new(CommandStatus.Bad, null, text);

    public static CommandResult Written { get; } = new(CommandStatus.Written, null, "");
}
