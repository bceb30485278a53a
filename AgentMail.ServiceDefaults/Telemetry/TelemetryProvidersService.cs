using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AgentMail.ServiceDefaults.Telemetry;

/// <summary>
/// Owns the tracer and meter providers for the life of the host: built before any hosted service
/// starts (so start-up work such as migrations is traced) and shut down — which flushes what is
/// buffered to the exporter — after every other hosted service has stopped.
/// </summary>
internal sealed class TelemetryProvidersService(IConfiguration configuration, TelemetrySettings settings)
    : IHostedLifecycleService, IDisposable
{
    private TracerProvider? _tracerProvider;
    private MeterProvider? _meterProvider;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _tracerProvider = Sdk.CreateTracerProviderBuilder()
            // The SDK otherwise reads OTEL_* from environment variables only; give it the host's
            // configuration so appsettings and command-line values count too.
            .ConfigureServices(services => services.AddSingleton(configuration))
            .ConfigureResource(settings.Describe)
            .AddSource([.. TelemetryNames.ActivitySources])
            .AddOtlpExporter()
            .Build();

        _meterProvider = Sdk.CreateMeterProviderBuilder()
            .ConfigureServices(services => services.AddSingleton(configuration))
            .ConfigureResource(settings.Describe)
            .AddMeter([.. TelemetryNames.Meters])
            .AddOtlpExporter()
            .Build();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Disposing a provider shuts it down, which exports whatever is still buffered.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _tracerProvider, null)?.Dispose();
        Interlocked.Exchange(ref _meterProvider, null)?.Dispose();
    }
}
