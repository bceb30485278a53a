using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace AgentMail.ServiceDefaults.Telemetry;

public static class OpenTelemetryDefaults
{
    /// <summary>
    /// Logs, traces and metrics through the OpenTelemetry SDK, exported with OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Every other <c>OTEL_*</c> setting (protocol,
    /// headers, export interval, resource attributes) is read by the exporter from the host's
    /// configuration, so the environment an Aspire AppHost gives works unchanged.
    /// Without an endpoint nothing is registered: listening to the sources with no exporter would
    /// only cost time on every request and IMAP command.
    /// </summary>
    public static IHostApplicationBuilder AddOpenTelemetryDefaults(this IHostApplicationBuilder builder)
    {
        var settings = TelemetrySettings.From(builder.Configuration, builder.Environment);
        if (!settings.ExportEnabled)
            return builder;

        // Logs: the logging provider lives in the host's container, so the host disposes (and
        // flushes) it on shutdown and the exporter reads the host's configuration.
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.ConfigureOpenTelemetryLoggerProvider(logs => logs
            .ConfigureResource(settings.Describe)
            .AddOtlpExporter());

        // Traces and metrics: the SDK's own providers (OpenTelemetry.Extensions.Hosting does not
        // restore here), owned by a hosted service that flushes them when the host stops.
        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<TelemetryProvidersService>();
        return builder;
    }
}
