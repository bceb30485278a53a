using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using AgentMail.LocalServers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMail.Tests.Hosting;

/// <summary>
/// AddServiceDefaults exports traces, metrics and logs over OTLP to the endpoint in configuration,
/// named after OTEL_SERVICE_NAME, and flushes them when the host stops.
/// </summary>
public sealed class TelemetryExportTests
{
    [Fact]
    public async Task Traces_metrics_and_logs_reach_the_OTLP_endpoint_by_shutdown()
    {
        await using var collector = await FakeCollector.StartAsync();
        var serviceName = "telemetry-test-" + Guid.NewGuid().ToString("N")[..8];
        var operationName = "operation-" + Guid.NewGuid().ToString("N")[..8];

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.BaseAddress,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = serviceName,
        });
        builder.AddServiceDefaults();
        var app = builder.Build();
        using var source = new ActivitySource("AgentMail.TelemetryTest");
        using var meter = new Meter("AgentMail.TelemetryTest");
        var counter = meter.CreateCounter<long>("agentmail.test.requests");
        app.MapGet("/work", (ILogger<TelemetryExportTests> logger) =>
        {
            using var activity = source.StartActivity(operationName);
            counter.Add(1);
            logger.LogWarning("did the work in {Operation}", operationName);
            return "done";
        });
        // The request's activity stops after the response is complete; shut down only once it has,
        // or the flush at shutdown may race it.
        var requestActivityStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = _ => requestActivityStopped.TrySetResult(),
        };
        ActivitySource.AddActivityListener(watcher);
        await app.StartAsync();
        Assert.Equal("done", await app.GetTestClient().GetStringAsync("/work"));
        await requestActivityStopped.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await app.StopAsync();
        await app.DisposeAsync();

        var traces = collector.Received("/v1/traces");
        Assert.Contains(operationName, traces);
        Assert.Contains(serviceName, traces);
        Assert.Contains("Microsoft.AspNetCore", traces); // the runtime's own source, without instrumentation packages
        Assert.Contains("agentmail.test.requests", collector.Received("/v1/metrics"));
        Assert.Contains("did the work in", collector.Received("/v1/logs"));
    }

    [Fact]
    public async Task Nothing_is_exported_without_an_endpoint()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        await using var app = builder.Build();

        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s.GetType().Name.Contains("Telemetry", StringComparison.Ordinal));
    }

    /// <summary>An OTLP/HTTP receiver that keeps each request body as text (protobuf strings are plain UTF-8).</summary>
    private sealed class FakeCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _requests = new();

        private FakeCollector(WebApplication app, string baseAddress)
        {
            _app = app;
            BaseAddress = baseAddress;
        }

        public string BaseAddress { get; }

        public static async Task<FakeCollector> StartAsync()
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            var collector = new FakeCollector(app, $"http://127.0.0.1:{port}");
            app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                collector._requests.Enqueue((context.Request.Path.Value!, body.ToArray()));
                context.Response.ContentType = "application/x-protobuf";
            });
            await app.StartAsync();
            return collector;
        }

        public string Received(string path) => string.Join('\n',
            _requests.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body)));

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
