using Microsoft.Extensions.Configuration;

namespace AgentMail.Protocols.Listeners;

public enum MailTransportSecurity
{
    /// <summary>TLS from the first byte (RFC 8314): the listener does the handshake before the handler runs.</summary>
    ImplicitTls,

    /// <summary>Plain text until the client asks for STARTTLS; the handler upgrades with <see cref="StartTls.StartTlsUpgrade"/>.</summary>
    StartTls,
}

/// <summary>One mail listener: its name, the configuration key of its port and the port used when that key is unset.</summary>
public sealed record MailEndpoint(string Name, string PortKey, int DefaultPort, MailTransportSecurity Security)
{
    /// <summary>The configured port, or the default; a value that is not a TCP port stops start-up with a message naming the key.</summary>
    public int ResolvePort(IConfiguration configuration)
    {
        var configured = configuration[PortKey];
        if (string.IsNullOrWhiteSpace(configured))
            return DefaultPort;
        if (int.TryParse(configured, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535)
            return port;
        throw new InvalidOperationException($"{PortKey} must be a TCP port number between 1 and 65535; it is '{configured}'.");
    }
}

/// <summary>
/// Set on every connection of a mail listener, so one connection handler serving several
/// listeners (SMTP: submission, submissions and MX) knows which one a client came in on and
/// whether TLS is already in place.
/// </summary>
public sealed record MailEndpointFeature(MailEndpoint Endpoint, int Port)
{
    public bool IsImplicitTls => Endpoint.Security == MailTransportSecurity.ImplicitTls;
}
