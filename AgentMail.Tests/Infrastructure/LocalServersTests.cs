using Npgsql;

namespace AgentMail.Tests.Infrastructure;

public sealed class LocalServersTests
{
    [Fact]
    public async Task Postgres_and_redis_start_from_the_installed_binaries_on_loopback()
    {
        var servers = await TestServers.GetAsync();

        await using var connection = new NpgsqlConnection(servers.Postgres.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_setting('listen_addresses')", connection);
        Assert.Equal("127.0.0.1", await command.ExecuteScalarAsync());
        Assert.True(await servers.Redis.PingAsync());
    }

    [Fact]
    public async Task Further_settings_reach_the_server()
    {
        var root = Directory.CreateTempSubdirectory("agentmail-settings-");
        try
        {
            await using var postgres = await AgentMail.LocalServers.PostgresServer.StartAsync(new AgentMail.LocalServers.PostgresServerOptions
            {
                DataDirectory = Path.Combine(root.FullName, "postgres"),
                Ephemeral = true,
                Settings = new Dictionary<string, string> { ["work_mem"] = "7MB", ["application_name"] = "settings-test" },
            });
            await using var connection = new NpgsqlConnection(postgres.ConnectionString());
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT current_setting('work_mem')", connection);
            Assert.Equal("7MB", await command.ExecuteScalarAsync());
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Each_created_database_is_new_and_empty()
    {
        var servers = await TestServers.GetAsync();
        var first = await servers.CreateDatabaseAsync();
        var second = await servers.CreateDatabaseAsync();
        Assert.NotEqual(first, second);

        await using var connection = new NpgsqlConnection(second);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", connection);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }
}
