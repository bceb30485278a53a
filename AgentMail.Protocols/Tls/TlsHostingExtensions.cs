using AgentMail.Protocols.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

public static class TlsHostingExtensions
{
    /// <summary>
    /// Registers the mail listeners' certificate (<see cref="TlsCertificateProvider"/>) from the
    /// <c>Tls</c> configuration section. It is loaded when the listeners are configured, so a
    /// missing certificate stops the service at start-up with a message saying what to set.
    /// </summary>
    public static IHostApplicationBuilder AddMailTls(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TlsOptions>().Bind(builder.Configuration.GetSection(TlsOptions.SectionName));
        builder.Services.TryAddSingleton<TlsCertificateProvider>();
        return builder;
    }
}
