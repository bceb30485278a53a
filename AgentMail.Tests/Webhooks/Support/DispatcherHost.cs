using AgentMail.Mailbox.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMail.Tests.Webhooks.Support;

/// <summary>The webhook dispatcher hosted in this process, wired as AgentMail.Webhooks wires it (AddServiceDefaults, AddMailbox, AddWebhooks).</summary>
public sealed class DispatcherHost : IAsyncDisposable
{
    private readonly IHost _host;

    private DispatcherHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public static async Task<DispatcherHost> StartAsync(string postgres, string redis, IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:mailstore"] = postgres,
            ["ConnectionStrings:redis"] = redis,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults();
        builder.AddMailbox();
        builder.AddWebhooks();
        var host = builder.Build();
        await host.StartAsync();
        // The store is migrated by the test context; wait until this host has seen it.
        var database = host.Services.GetRequiredService<MailboxDatabase>();
        for (var i = 0; i < 300 && !database.IsReady; i++)
            await Task.Delay(20);
        return new DispatcherHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
