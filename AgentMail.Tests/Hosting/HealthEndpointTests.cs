using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AgentMail.Tests.Hosting;

/// <summary>/health and /alive as MapDefaultEndpoints maps them, with stand-in checks of each status.</summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task All_healthy_answers_200_and_lists_every_check()
    {
        await using var app = await StartAsync("Production", ("postgres", HealthStatus.Healthy), ("redis", HealthStatus.Healthy));
        var client = app.GetTestClient();

        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var report = await HealthReport.ReadAsync(response);
        Assert.Equal("Healthy", report.Status);
        Assert.Equal(["postgres", "redis", "self"], report.Checks.Keys);
    }

    [Fact]
    public async Task A_degraded_check_answers_200_and_says_which()
    {
        await using var app = await StartAsync("Production", ("postgres", HealthStatus.Healthy), ("redis", HealthStatus.Degraded));

        using var response = await app.GetTestClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await HealthReport.ReadAsync(response);
        Assert.Equal("Degraded", report.Status);
        Assert.Equal(new HealthCheckEntry("Degraded", "redis is Degraded"), report.Check("redis"));
    }

    [Fact]
    public async Task An_unhealthy_check_answers_503_but_alive_stays_200()
    {
        await using var app = await StartAsync("Production", ("postgres", HealthStatus.Unhealthy), ("redis", HealthStatus.Healthy));
        var client = app.GetTestClient();

        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var report = await HealthReport.ReadAsync(health);
        Assert.Equal("Unhealthy", report.Status);
        Assert.Equal("Unhealthy", report.Check("postgres").Status);

        using var alive = await client.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(["self"], (await HealthReport.ReadAsync(alive)).Checks.Keys);
    }

    [Fact]
    public async Task A_check_that_throws_is_reported_without_its_stack_trace()
    {
        await using var app = await StartAsync("Development");
        using var response = await app.GetTestClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"name\":\"throws\"", body);
        Assert.DoesNotContain(" at ", body);
        Assert.DoesNotContain("InvalidOperationException", body);
    }

    private static async Task<WebApplication> StartAsync(string environment, params (string Name, HealthStatus Status)[] checks)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        var health = builder.Services.AddHealthChecks();
        foreach (var (name, status) in checks)
            health.AddCheck(name, () => new HealthCheckResult(status, $"{name} is {status}"), ["ready"]);
        if (checks.Length == 0)
            health.AddCheck("throws", () => throw new InvalidOperationException("secret detail"), ["ready"]);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return app;
    }
}
