using System.Text;
using AgentMail.Protocols.Listeners;
using Microsoft.AspNetCore.Connections;

namespace AgentMail.Smtp;

/// <summary>
/// One SMTP connection on any of the three listeners; <see cref="MailEndpointFeature"/> says which:
/// submission with STARTTLS (587, AUTH only after TLS), submissions with implicit TLS (465), or
/// MX (25, no AUTH, STARTTLS offered). Until the server is written it refuses with the greeting
/// RFC 5321 §3.1 allows for a server that will not take mail.
/// </summary>
public sealed class SmtpConnectionHandler : ConnectionHandler
{
    private static readonly byte[] NotYet = Encoding.ASCII.GetBytes("554 5.3.2 AgentMail SMTP is not available yet\r\n");

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        await connection.Transport.Output.WriteAsync(NotYet, connection.ConnectionClosed);
    }
}
