using System.Text;
using AgentMail.Protocols.Listeners;
using Microsoft.AspNetCore.Connections;

namespace AgentMail.Imap;

/// <summary>
/// One IMAP connection, on either listener: <see cref="MailEndpointFeature"/> says whether TLS is
/// already in place (993) or must be offered with STARTTLS (143, see
/// <see cref="AgentMail.Protocols.StartTls.StartTlsUpgrade"/>). Until the server is written it
/// refuses politely (RFC 9051 §7.1.5: a BYE greeting).
/// </summary>
public sealed class ImapConnectionHandler : ConnectionHandler
{
    private static readonly byte[] NotYet = Encoding.ASCII.GetBytes("* BYE AgentMail IMAP is not available yet\r\n");

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        await connection.Transport.Output.WriteAsync(NotYet, connection.ConnectionClosed);
    }
}
