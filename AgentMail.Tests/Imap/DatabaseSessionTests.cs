using AgentMail.Tests.Imap.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace AgentMail.Tests.Imap;

/// <summary>How the IMAP service's database sessions are set up (<c>AddMailbox(genericPlans: true)</c>).</summary>
public sealed class DatabaseSessionTests
{
    [Fact]
    public async Task IMAP_connections_run_prepared_statements_on_generic_plans_and_other_services_keep_the_default()
    {
        var server = await ImapTestServer.GetSharedAsync();
        Assert.Equal("force_generic_plan", await PlanCacheModeAsync(server.Services.GetRequiredService<NpgsqlDataSource>()));

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:mailstore"] = server.Mailbox.ConnectionString,
            ["ConnectionStrings:redis"] = "127.0.0.1:1",
        });
        builder.AddMailbox();
        using var host = builder.Build();
        Assert.Equal("auto", await PlanCacheModeAsync(host.Services.GetRequiredService<NpgsqlDataSource>()));
    }

    private static async Task<string?> PlanCacheModeAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var show = new NpgsqlCommand("SHOW plan_cache_mode", connection);
        return (string?)await show.ExecuteScalarAsync();
    }
}
