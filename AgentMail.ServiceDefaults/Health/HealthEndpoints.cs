using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AgentMail.ServiceDefaults.Health;

public static class HealthEndpoints
{
    /// <summary>Tag of the checks that say the process itself is alive (used by <c>/alive</c>).</summary>
    public const string LiveTag = "live";

    /// <summary>Tag of the checks that say the service can do its work (Postgres, Redis); <c>/health</c> runs these and all others.</summary>
    public const string ReadyTag = "ready";

    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";

    public static IHostApplicationBuilder AddDefaultHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy("The process is running."), [LiveTag]);
        return builder;
    }

    internal static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // The default status codes are what probes expect: Healthy and Degraded 200, Unhealthy 503.
        app.MapHealthChecks(HealthPath, new HealthCheckOptions
        {
            ResponseWriter = HealthReportJsonWriter.WriteAsync,
        });
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
            ResponseWriter = HealthReportJsonWriter.WriteAsync,
        });
    }
}
