using AgentMail.ServiceDefaults.Health;
using AgentMail.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

// The namespace of the hosting builder, so every service finds these without a using (as Aspire's template does).
namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every AgentMail service starts with: telemetry, health checks and resilient
/// outgoing HTTP. Each service's Program.cs calls <see cref="AddServiceDefaults"/> first and
/// <see cref="MapDefaultEndpoints{T}"/> after building.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddOpenTelemetryDefaults();
        builder.AddDefaultHealthChecks();
        builder.Services.AddStandardHttpClientResilience();
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check: 200 when Healthy or Degraded, 503 when any is Unhealthy, a JSON
    /// body naming each check) and <c>/alive</c> (only the checks tagged "live": the process answers).
    /// Unlike Aspire's template these are mapped in every environment, because Azure Container Apps
    /// and Kubernetes probe them in production. They disclose check names and states, never
    /// exception details or connection strings.
    /// </summary>
    public static T MapDefaultEndpoints<T>(this T app) where T : IEndpointRouteBuilder
    {
        app.MapHealthEndpoints();
        return app;
    }
}
