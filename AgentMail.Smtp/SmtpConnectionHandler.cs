using AgentMail.Protocols.Listeners;
using AgentMail.Smtp.Session;
using Microsoft.AspNetCore.Connections;

namespace AgentMail.Smtp;

/// <summary>
/// One SMTP connection on any of the three listeners; <see cref="MailEndpointFeature"/> says which:
/// submission with STARTTLS (587, AUTH only after TLS), submissions with implicit TLS (465), or
/// MX (25, no AUTH, STARTTLS offered). The protocol itself is <see cref="SmtpSession"/>.
/// </summary>
public sealed class SmtpConnectionHandler : ConnectionHandler
{
    private readonly SmtpSessionServices _services;

    public SmtpConnectionHandler(IServiceProvider services) => _services = services.GetRequiredService<SmtpSessionServices>();

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var endpoint = connection.Features.Get<MailEndpointFeature>()
            ?? throw new InvalidOperationException("SMTP connections come through the mail listeners, which set MailEndpointFeature.");
        await using var session = new SmtpSession(connection, endpoint, _services);
        await session.RunAsync();
    }
}
