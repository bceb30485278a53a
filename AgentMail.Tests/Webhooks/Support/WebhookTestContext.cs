using System.Diagnostics;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Storage;
using AgentMail.Tests.Infrastructure;
using AgentMail.Webhooks.Core;
using AgentMail.Webhooks.Core.Deliveries;
using AgentMail.Webhooks.Core.Destinations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentMail.Tests.Webhooks.Support;

/// <summary>
/// One webhook test's world: a database of its own (so its dispatchers see only its events and
/// destinations, with its own timings), the mailbox core on it to make events the way every
/// surface does, a loopback receiver, and dispatchers started on demand.
/// </summary>
public sealed class WebhookTestContext : IAsyncDisposable
{
    public const string ApplicationId = "test-application";

    /// <summary>Fast timings: retries in tens of milliseconds, a sweep every 250 ms, attempts time out after 2 s.</summary>
    public static IReadOnlyDictionary<string, string?> FastSettings { get; } = new Dictionary<string, string?>
    {
        ["Mailbox:ApplicationId"] = ApplicationId,
        ["Webhooks:AllowPrivateDestinations"] = "true",
        ["Webhooks:PollInterval"] = "00:00:00.250",
        ["Webhooks:RetryBaseDelay"] = "00:00:00.050",
        ["Webhooks:RetryMaxDelay"] = "00:00:00.500",
        ["Webhooks:AttemptTimeout"] = "00:00:02",
        ["Webhooks:ClaimLease"] = "00:00:05",
        ["Webhooks:HealthCheckInterval"] = "00:00:00.250",
    };

    private readonly List<DispatcherHost> _dispatchers = [];

    private WebhookTestContext(string database, string redis, MailboxHarness mailbox, WebhookReceiver receiver)
    {
        ConnectionString = database;
        Redis = redis;
        Mailbox = mailbox;
        Receiver = receiver;
        var store = mailbox.Services.GetRequiredService<MailboxDatabase>();
        Destinations = new WebhookDestinationStore(store, TimeProvider.System);
        DeliveryLog = new WebhookDeliveryStore(store, mailbox.Redis, new StaticOptionsMonitor(new WebhooksOptions()));
    }

    public string ConnectionString { get; }
    public string Redis { get; set; }
    public MailboxHarness Mailbox { get; }
    public WebhookReceiver Receiver { get; }
    public WebhookDestinationStore Destinations { get; }
    public WebhookDeliveryStore DeliveryLog { get; }

    public static async Task<WebhookTestContext> CreateAsync(string? redis = null)
    {
        var servers = await TestServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("webhooks");
        redis ??= servers.Redis.ConnectionString;
        var mailbox = await MailboxHarness.CreateAsync(database, redis, new Dictionary<string, string?>(FastSettings));
        var receiver = await WebhookReceiver.StartAsync();
        return new WebhookTestContext(database, redis, mailbox, receiver);
    }

    /// <summary>Starts a dispatcher on this test's database; <paramref name="overrides"/> change <see cref="FastSettings"/>.</summary>
    public async Task<DispatcherHost> StartDispatcherAsync(IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(FastSettings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        var dispatcher = await DispatcherHost.StartAsync(ConnectionString, Redis, settings);
        _dispatchers.Add(dispatcher);
        return dispatcher;
    }

    public async Task StopDispatcherAsync(DispatcherHost dispatcher)
    {
        _dispatchers.Remove(dispatcher);
        await dispatcher.DisposeAsync();
    }

    /// <summary>A destination on the receiver at <paramref name="path"/>, created directly in the store (the API test covers the challenge).</summary>
    public Task<WebhookDestination> CreateDestinationAsync(string path, IReadOnlyList<string> triggers, bool compressed = false, IReadOnlyList<string>? notify = null) =>
        Destinations.CreateAsync(new NewWebhookDestination(Receiver.Url(path), triggers, $"test {path}", notify, compressed), CancellationToken.None);

    public Task<Grant> CreateGrantAsync() => Mailbox.CreateGrantAsync();

    /// <summary>The deliveries (with attempts) of a destination, newest first.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(Guid destinationId)
    {
        var page = await DeliveryLog.ListAsync(destinationId, 1000, null, CancellationToken.None);
        return page.Deliveries;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (generous timeout; never a timing assertion).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        T last;
        while (true)
        {
            last = await read();
            if (condition(last))
                return last;
            if (clock.Elapsed > limit)
                throw new Xunit.Sdk.XunitException($"Timed out after {limit.TotalSeconds} s waiting for {what}; last: {last}");
            await Task.Delay(100);
        }
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
            command.Parameters.AddWithValue(p);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        // The receiver first: it ends hanging requests, so dispatchers stop without waiting out a timeout.
        await Receiver.DisposeAsync();
        foreach (var dispatcher in _dispatchers.ToArray())
            await dispatcher.DisposeAsync();
        await Mailbox.DisposeAsync();
    }
}

/// <summary>A fixed <see cref="IOptionsMonitor{TOptions}"/> for code built outside a host.</summary>
public sealed class StaticOptionsMonitor(WebhooksOptions value) : IOptionsMonitor<WebhooksOptions>
{
    public WebhooksOptions CurrentValue => value;
    public WebhooksOptions Get(string? name) => value;
    public IDisposable? OnChange(Action<WebhooksOptions, string?> listener) => null;
}
