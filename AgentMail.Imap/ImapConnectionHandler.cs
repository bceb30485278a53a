using AgentMail.Imap.Session;
using Microsoft.AspNetCore.Connections;

namespace AgentMail.Imap;

/// <summary>
/// One IMAP connection, on either listener (993 implicit TLS, 143 STARTTLS; see
/// <see cref="AgentMail.Protocols.Listeners.MailEndpointFeature"/>): an <see cref="ImapSession"/>
/// runs until the client logs out or goes away.
/// </summary>
public sealed class ImapConnectionHandler(ImapServices services) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var session = new ImapSession(connection, services);
        await using (session.ConfigureAwait(false))
        {
            await session.RunAsync(connection.ConnectionClosed).ConfigureAwait(false);
        }
    }
}
