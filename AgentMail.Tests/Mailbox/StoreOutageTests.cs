using AgentMail.LocalServers;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Storage;
using AgentMail.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AgentMail.Tests.Mailbox;

public sealed class StoreOutageTests
{
    [Fact]
    public async Task An_unreachable_postgres_gives_a_specific_error_and_an_unhealthy_check()
    {
        var servers = await TestServers.GetAsync();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:mailstore"] = $"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Database=mailstore;Timeout=2",
            ["ConnectionStrings:redis"] = servers.Redis.ConnectionString,
        });
        builder.AddMailbox();
        using var host = builder.Build();
        await host.StartAsync(); // starts regardless: migrations retry in the background

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            host.Services.GetRequiredService<GrantService>().CreateAsync(new CreateGrantRequest(MailboxHarness.UniqueEmail()), default));
        Assert.Contains("Postgres", error.Message, StringComparison.Ordinal);

        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, health.Entries["postgres"].Status);
        Assert.Contains("unreachable", health.Entries["postgres"].Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, health.Entries["redis"].Status);
        await host.StopAsync();
    }

    [Fact]
    public async Task An_unreachable_redis_degrades_health_but_the_store_keeps_working()
    {
        await using var mailbox = await MailboxHarness.CreateAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = $"127.0.0.1:{FreePort.Next()},connectTimeout=200",
        });
        var grant = await mailbox.CreateGrantAsync(); // writes and commits; the publish is dropped
        Assert.NotNull(await mailbox.Grants.GetAsync(grant.Id, default));

        var health = await mailbox.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, health.Entries["redis"].Status);
        Assert.Contains("Redis unreachable", health.Entries["redis"].Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, health.Entries["postgres"].Status);
    }
}
