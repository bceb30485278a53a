using System.Net.Http.Headers;
using AgentMail.Mailbox.Storage;
using AgentMail.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentMail.Tests.Api.Support;

/// <summary>
/// The API wired exactly as Program.cs wires it, hosted by Kestrel on a free loopback port, over
/// the test run's real Postgres (the shared mailbox database) and Redis. One server for every API
/// test class; tests isolate themselves by creating their own grants.
/// </summary>
public sealed class ApiServer
{
    public const string ApiKey = "am_test_key_0123456789abcdef";
    public const string SecondApiKey = "am_test_key_rotated_fedcba9876543210";
    private static readonly Lazy<Task<ApiServer>> Instance = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private ApiServer(WebApplication app, Uri baseAddress, MailboxHarness mailbox)
    {
        App = app;
        BaseAddress = baseAddress;
        Mailbox = mailbox;
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }

    /// <summary>The mailbox core on the same database, to arrange state and check what the API did.</summary>
    public MailboxHarness Mailbox { get; }

    public static Task<ApiServer> GetAsync() => Instance.Value;

    /// <summary>A server of its own with extra settings (rate limits, an unreachable store); stop it when done.</summary>
    public static Task<ApiServer> StartDedicatedAsync(IDictionary<string, string?> settings) => StartAsync(settings);

    public Task StopAsync() => App.StopAsync();

    /// <summary>A client that sends the API key.</summary>
    public HttpClient CreateClient(string? apiKey = ApiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    private static async Task<ApiServer> StartAsync() => await StartAsync(null);

    private static async Task<ApiServer> StartAsync(IDictionary<string, string?>? settings)
    {
        var servers = await TestServers.GetAsync();
        var mailbox = await MailboxHarness.CreateAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:mailstore"] = mailbox.ConnectionString,
            ["ConnectionStrings:redis"] = servers.Redis.ConnectionString,
            ["Api:Keys:0"] = ApiKey,
            ["Api:Keys:1"] = SecondApiKey,
            ["Mailbox:BcryptCost"] = "4",
            ["Mailbox:Hostname"] = "mail.agentmail.test",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddMailbox();
        builder.AddApi();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapApi();

        if (settings is null || !settings.ContainsKey("ConnectionStrings:mailstore"))
        {
            await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None);
            app.Services.GetRequiredService<MailboxDatabase>().MarkReady();
        }
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        if (settings is null)
            AppDomain.CurrentDomain.ProcessExit += (_, _) => app.StopAsync().GetAwaiter().GetResult();
        return new ApiServer(app, new Uri(address), mailbox);
    }
}
