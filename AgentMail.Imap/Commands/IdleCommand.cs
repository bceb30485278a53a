using AgentMail.Imap.Session;

namespace AgentMail.Imap.Commands;

/// <summary>IDLE (RFC 2177): see <see cref="ImapSession.IdleAsync"/>.</summary>
public sealed record IdleCommand : ImapCommand
{
    public override string Name => "IDLE";

    public override Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken) =>
        session.IdleAsync(cancellationToken);
}
