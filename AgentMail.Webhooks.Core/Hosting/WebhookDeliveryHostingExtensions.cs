using AgentMail.Webhooks.Core;
using AgentMail.Webhooks.Core.Deliveries;
using AgentMail.Webhooks.Core.Destinations;
using AgentMail.Webhooks.Core.Http;
using AgentMail.Webhooks.Core.Payloads;
using AgentMail.Webhooks.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>What both the dispatcher and the API need to talk about and to webhook destinations.</summary>
public static class WebhookDeliveryHostingExtensions
{
    /// <summary>
    /// Registers <see cref="WebhooksOptions"/> (section <c>Webhooks</c>), the destination and
    /// delivery stores, the notification builders and the guarded <c>webhook-delivery</c> HttpClient.
    /// Call after <c>AddMailbox()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddWebhookDelivery(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WebhooksOptions>()
            .BindConfiguration(WebhooksOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DestinationResolver>();
        services.TryAddSingleton<GuardedConnector>();
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<WebhookDestinationStore>();
        services.TryAddSingleton<WebhookDeliveryStore>();
        services.TryAddSingleton<NotificationObjects>();

        // Resilience off: the dispatcher retries on its own schedule and records every attempt.
        // The handler never follows redirects, never uses a proxy (which would connect for us,
        // past the address check), never decompresses, and connects only through the guard.
        services.AddHttpClient(WebhookSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .WithoutStandardResilience()
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                AutomaticDecompression = System.Net.DecompressionMethods.None,
                ConnectCallback = sp.GetRequiredService<GuardedConnector>().ConnectAsync,
                ConnectTimeout = sp.GetRequiredService<IOptions<WebhooksOptions>>().Value.AttemptTimeout,
                // Connections are re-made (and their addresses re-checked) at least this often.
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                MaxResponseHeadersLength = 64,
            });
        return builder;
    }
}
