using AgentMail.ServiceDefaults.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

// Beside AddHttpClient, so a service engineer finds the opt-out without a using.
namespace Microsoft.Extensions.DependencyInjection;

public static class HttpClientResilienceExtensions
{
    /// <summary>
    /// Gives every HttpClient made by IHttpClientFactory a timeout, retries with exponential
    /// backoff and jitter for GET/HEAD/OPTIONS on transient failures (connection errors, timeouts,
    /// 408, 429, 5xx), and a circuit breaker. Configure one client with
    /// <see cref="ConfigureStandardResilience"/>; turn it off with <see cref="WithoutStandardResilience"/>.
    /// </summary>
    public static IServiceCollection AddStandardHttpClientResilience(this IServiceCollection services)
    {
        services.AddHttpClient();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HttpResiliencePipelines>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HttpClientFactoryOptions>, ResilienceHandlerSetup>());
        return services;
    }

    /// <summary>
    /// Turns the default resilience off for one named client, for callers with retry rules of
    /// their own — the webhook dispatcher records every attempt and schedules its own retries:
    /// <code>services.AddHttpClient("webhook-delivery").WithoutStandardResilience();</code>
    /// </summary>
    public static IHttpClientBuilder WithoutStandardResilience(this IHttpClientBuilder builder) =>
        builder.ConfigureStandardResilience(options => options.Enabled = false);

    /// <summary>Changes the default resilience of one named client (timeouts, retries, breaker).</summary>
    public static IHttpClientBuilder ConfigureStandardResilience(this IHttpClientBuilder builder, Action<HttpResilienceOptions> configure)
    {
        builder.Services.Configure(builder.Name, configure);
        return builder;
    }
}
