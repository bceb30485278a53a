using AgentMail.Smtp.Protocol;

namespace AgentMail.Smtp.Session;

/// <summary>Ends the session: <see cref="Reply"/> (a 421, or null when the client is gone) is sent, then the connection closes.</summary>
internal sealed class SessionEndedException(SmtpReply? reply, string reason) : Exception(reason)
{
    public SmtpReply? Reply { get; } = reply;
}
