using AgentMail.Protocols.Listeners;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class MailListenerHostingExtensions
{
    /// <summary>
    /// What a mail service needs to listen: the TLS certificate (<see cref="TlsHostingExtensions.AddMailTls"/>),
    /// one Kestrel listener per endpoint served by <typeparamref name="THandler"/>, and the HTTP
    /// endpoints from ASPNETCORE_URLS / HTTP_PORTS for /health (which Kestrel would otherwise
    /// drop once code adds listeners).
    /// </summary>
    public static IHostApplicationBuilder AddMailListeners<THandler>(this IHostApplicationBuilder builder, params MailEndpoint[] endpoints)
        where THandler : ConnectionHandler
    {
        builder.AddMailTls();
        var configuration = builder.Configuration;
        var http = TakeHostingUrls(configuration);
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.ListenHttpFromConfiguration(http);
            foreach (var endpoint in endpoints)
                kestrel.ListenMail<THandler>(endpoint, configuration);
        });
        return builder;
    }

    /// <summary>
    /// Moves the hosting URLs (ASPNETCORE_URLS, HTTP_PORTS, HTTPS_PORTS) out of the host's hands
    /// into our own listeners. Left in place, Kestrel would ignore them anyway — code-defined
    /// listeners win — but warn "Overriding address(es)" at every start, which reads like a
    /// misconfiguration. The web host falls back to its start-up snapshot of ASPNETCORE_URLS when
    /// "urls" is empty, so "urls" is set to ";", which names no address.
    /// </summary>
    private static IConfiguration TakeHostingUrls(IConfigurationManager configuration)
    {
        string[] keys = ["urls", "http_ports", "https_ports"];
        var taken = new ConfigurationBuilder()
            .AddInMemoryCollection(keys.Select(key => new KeyValuePair<string, string?>(key, configuration[key])))
            .Build();
        configuration["urls"] = ";";
        configuration["http_ports"] = "";
        configuration["https_ports"] = "";
        return taken;
    }
}
