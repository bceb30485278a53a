using AgentMail.Webhooks.Core.Http;
using AgentMail.Webhooks.Dispatch;
using AgentMail.Webhooks.Health;
using AgentMail.Webhooks.Maintenance;

namespace Microsoft.Extensions.Hosting;

/// <summary>Everything the webhook dispatcher adds to a host beyond ServiceDefaults and the mailbox core.</summary>
public static class WebhooksExtensions
{
    /// <summary>The HttpClient deliveries go through (guarded, no redirects, resilience off: see <c>AddWebhookDelivery</c>).</summary>
    public const string DeliveryClientName = WebhookSender.ClientName;

    /// <summary>
    /// The dispatcher: the outbox fan-out loop, the delivery loop, the destination health monitor
    /// and the delivery log's retention, each a BackgroundService; any number of replicas share the work.
    /// </summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.AddWebhookDelivery();
        var services = builder.Services;
        services.AddSingleton<WorkerIdentity>();
        services.AddSingleton<DispatcherDatabase>();
        services.AddSingleton<DispatchSignals>();
        services.AddSingleton<OutboxFanOut>();
        services.AddSingleton<DeliveryClaims>();
        services.AddSingleton<OutcomeRecorder>();
        services.AddSingleton<DeliveryRunner>();
        services.AddSingleton<DestinationHealth>();
        services.AddHostedService<FanOutWorker>();
        services.AddHostedService<DeliveryWorker>();
        services.AddHostedService<DestinationHealthMonitor>();
        services.AddHostedService<DeliveryRetention>();
        return builder;
    }
}
