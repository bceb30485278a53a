using System.Diagnostics;
using System.Net;
using AgentMail.LocalServers;
using AgentMail.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AgentMail.Tests.Hosting;

/// <summary>
/// A real service host (the API, in process) reports the outage of what it depends on through
/// /health, while /alive keeps saying the process itself is fine (so an orchestrator waits for
/// the database instead of restarting the service).
/// </summary>
public sealed class HealthOutageTests
{
    [Fact]
    public async Task Postgres_stopping_under_a_running_service_turns_health_503_naming_postgres()
    {
        using var folder = new TempDirectory("agentmail-outage-");
        var postgres = await PostgresServer.StartAsync(new PostgresServerOptions { DataDirectory = Path.Combine(folder.Path, "postgres"), Ephemeral = true });
        await using var _ = postgres;
        await postgres.CreateDatabaseAsync("mailstore");
        var servers = await TestServers.GetAsync();
        await using var api = new ApiFactory(postgres.ConnectionString("mailstore"), servers.Redis.ConnectionString);
        var client = api.CreateClient();

        var healthy = await WaitForHealthAsync(client, report => report.Status == "Healthy");
        Assert.Equal(("Healthy", "Healthy"), (healthy.Check("postgres").Status, healthy.Check("redis").Status));

        await postgres.DisposeAsync();

        using var response = await client.GetAsync("/health");
        var report = await HealthReport.ReadAsync(response);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", report.Status);
        Assert.Equal("Unhealthy", report.Check("postgres").Status);
        Assert.Contains("unreachable", report.Check("postgres").Description, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Healthy", report.Check("redis").Status);
        await AssertAliveAsync(client);
    }

    [Fact]
    public async Task A_service_starts_without_its_database_and_says_so()
    {
        var servers = await TestServers.GetAsync();
        var nobody = $"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Database=mailstore;Timeout=2";
        await using var api = new ApiFactory(nobody, servers.Redis.ConnectionString);
        var client = api.CreateClient();

        using var response = await client.GetAsync("/health");
        var report = await HealthReport.ReadAsync(response);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", report.Check("postgres").Status);
        await AssertAliveAsync(client);
    }

    [Fact]
    public async Task An_unreachable_Redis_degrades_health_but_keeps_it_200()
    {
        var servers = await TestServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("outage");
        await using var api = new ApiFactory(database, $"127.0.0.1:{FreePort.Next()}");
        var client = api.CreateClient();

        // Wait for the migration, so what is left is Redis alone.
        var report = await WaitForHealthAsync(client, r => r.Check("postgres").Status == "Healthy");

        Assert.Equal("Degraded", report.Status);
        Assert.Equal("Degraded", report.Check("redis").Status);
        Assert.Contains("unreachable", report.Check("redis").Description, StringComparison.OrdinalIgnoreCase);
        using var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // Degraded still serves: notifications wait for the next poll
        await AssertAliveAsync(client);
    }

    private static async Task AssertAliveAsync(HttpClient client)
    {
        using var alive = await client.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", (await HealthReport.ReadAsync(alive)).Status);
    }

    private static async Task<HealthReport> WaitForHealthAsync(HttpClient client, Func<HealthReport, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        HealthReport? last = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            using var response = await client.GetAsync("/health");
            last = await HealthReport.ReadAsync(response);
            if (condition(last))
                return last;
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"Health never reached the expected state; last: {last}");
    }

    /// <summary>The API host, configured as an AppHost would configure it.</summary>
    private sealed class ApiFactory(string mailstore, string redis) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production"); // health endpoints are mapped in every environment
            builder.UseSetting("ConnectionStrings:mailstore", mailstore);
            builder.UseSetting("ConnectionStrings:redis", redis);
            builder.UseSetting("Api:Keys:0", "test-key");
        }
    }
}
