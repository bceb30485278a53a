using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Resources;

namespace AgentMail.ServiceDefaults.Telemetry;

/// <summary>
/// What the OpenTelemetry set-up needs from configuration, read with the environment variable
/// names the OpenTelemetry specification and Aspire's AppHost use.
/// </summary>
internal sealed record TelemetrySettings(string ServiceName, string? OtlpEndpoint, bool InstanceIdGiven)
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";
    public const string ResourceAttributesKey = "OTEL_RESOURCE_ATTRIBUTES";

    /// <summary>Telemetry is exported only when a collector is configured (Aspire's dashboard, an OpenTelemetry Collector).</summary>
    public bool ExportEnabled => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    public static TelemetrySettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var serviceName = configuration[ServiceNameKey];
        return new TelemetrySettings(
            string.IsNullOrWhiteSpace(serviceName) ? environment.ApplicationName : serviceName,
            configuration[EndpointKey],
            configuration[ResourceAttributesKey]?.Contains("service.instance.id", StringComparison.Ordinal) == true);
    }

    /// <summary>
    /// Names the service on a resource. The default resource already reads OTEL_SERVICE_NAME and
    /// OTEL_RESOURCE_ATTRIBUTES; a generated instance id is added only when the AppHost gave none,
    /// so replicas stay distinguishable without overriding the one Aspire assigns.
    /// </summary>
    public void Describe(ResourceBuilder resource) =>
        resource.AddService(ServiceName, autoGenerateServiceInstanceId: !InstanceIdGiven);
}
