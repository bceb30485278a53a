using System.Net;
using AgentMail.Protocols.Listeners;
using AgentMail.Protocols.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Hosting;

public static class MailListenerKestrelExtensions
{
    /// <summary>
    /// Listens for a mail protocol on all interfaces at the endpoint's configured port. With
    /// implicit TLS Kestrel does the handshake (with <see cref="TlsCertificateProvider"/>'s
    /// certificate) before <typeparamref name="THandler"/> sees the connection; with STARTTLS the
    /// handler gets plain text and upgrades itself. Each connection carries a <see cref="MailEndpointFeature"/>.
    /// </summary>
    public static KestrelServerOptions ListenMail<THandler>(this KestrelServerOptions kestrel, MailEndpoint endpoint, IConfiguration configuration)
        where THandler : ConnectionHandler
    {
        var port = endpoint.ResolvePort(configuration);
        var feature = new MailEndpointFeature(endpoint, port);
        kestrel.ListenAnyIP(port, listen =>
        {
            listen.Use(next => connection =>
            {
                connection.Features.Set(feature);
                return next(connection);
            });
            // Resolved here for STARTTLS listeners too, so a missing certificate stops start-up
            // instead of failing the first client that asks for TLS.
            var certificates = listen.ApplicationServices.GetRequiredService<TlsCertificateProvider>();
            if (endpoint.Security == MailTransportSecurity.ImplicitTls)
                listen.UseTls(certificates);
            listen.UseConnectionHandler<THandler>();
        });
        return kestrel;
    }

    /// <summary>
    /// Binds the HTTP endpoints (health, and whatever else the service maps) from the usual
    /// settings. Needed because Kestrel ignores <c>ASPNETCORE_URLS</c> and <c>HTTP_PORTS</c> as soon
    /// as code adds a listener, which <see cref="ListenMail{THandler}"/> does. Precedence as in
    /// Kestrel: <c>urls</c> (ASPNETCORE_URLS), then <c>HTTP_PORTS</c>/<c>HTTPS_PORTS</c>, then http://localhost:5000.
    /// https addresses use the mail listeners' certificate.
    /// </summary>
    public static KestrelServerOptions ListenHttpFromConfiguration(this KestrelServerOptions kestrel, IConfiguration configuration)
    {
        var urls = Split(configuration["urls"]);
        if (urls.Length > 0)
        {
            foreach (var url in urls)
                kestrel.ListenUrl(BindingAddress.Parse(url));
            return kestrel;
        }

        var httpPorts = Split(configuration["http_ports"]);
        var httpsPorts = Split(configuration["https_ports"]);
        foreach (var port in httpPorts)
            kestrel.ListenAnyIP(ParsePort(port, "HTTP_PORTS"));
        foreach (var port in httpsPorts)
            kestrel.ListenAnyIP(ParsePort(port, "HTTPS_PORTS"), listen => listen.UseTls(listen.ApplicationServices.GetRequiredService<TlsCertificateProvider>()));
        if (httpPorts.Length == 0 && httpsPorts.Length == 0)
            kestrel.ListenLocalhost(5000);
        return kestrel;
    }

    private static void ListenUrl(this KestrelServerOptions kestrel, BindingAddress address)
    {
        if (address.IsUnixPipe)
        {
            kestrel.ListenUnixSocket(address.UnixPipePath, Configure);
            return;
        }
        var host = address.Host;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            kestrel.ListenLocalhost(address.Port, Configure);
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any))
            kestrel.Listen(ip, address.Port, Configure);
        else
            kestrel.ListenAnyIP(address.Port, Configure); // *, +, 0.0.0.0, [::] and host names, as Kestrel treats them

        void Configure(ListenOptions listen)
        {
            if (string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase))
                listen.UseTls(listen.ApplicationServices.GetRequiredService<TlsCertificateProvider>());
        }
    }

    private static ListenOptions UseTls(this ListenOptions listen, TlsCertificateProvider certificates) =>
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(certificates.CreateServerOptions()),
            HandshakeTimeout = certificates.HandshakeTimeout,
        });

    private static string[] Split(string? value) =>
        value?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static int ParsePort(string value, string key) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new InvalidOperationException($"{key} must list TCP port numbers separated by ';'; '{value}' is not one.");
}
