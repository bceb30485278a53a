using AgentMail.Protocols.Listeners;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
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
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.ListenHttpFromConfiguration(configuration);
            foreach (var endpoint in endpoints)
                kestrel.ListenMail<THandler>(endpoint, configuration);
        });
        return builder;
    }
}
