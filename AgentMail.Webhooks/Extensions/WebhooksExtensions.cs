namespace Microsoft.Extensions.Hosting;

/// <summary>Everything the webhook dispatcher adds to a host beyond ServiceDefaults and the mailbox core.</summary>
public static class WebhooksExtensions
{
    /// <summary>The HttpClient deliveries go through; the dispatcher (a BackgroundService) is registered here.</summary>
    public const string DeliveryClientName = "webhook-delivery";

    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        // Deliveries are retried by the dispatcher on its own schedule, with every attempt
        // recorded, so the default HttpClient retries must not multiply them; the timeout is the
        // dispatcher's to set per attempt.
        builder.Services.AddHttpClient(DeliveryClientName)
            .WithoutStandardResilience();
        return builder;
    }
}
