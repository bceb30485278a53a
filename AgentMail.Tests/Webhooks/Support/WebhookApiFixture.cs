using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Webhooks.Support;

/// <summary>
/// For the /v3/webhooks tests of one class: a test context (its own database and receiver), the
/// real API on Kestrel over that database — allowed to call the loopback receiver, with a short
/// challenge timeout — and a dispatcher on the same database. Tests use their own receiver paths.
/// </summary>
public sealed class WebhookApiFixture : IAsyncLifetime
{
    public WebhookTestContext Context { get; private set; } = null!;
    public ApiServer Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Context = await WebhookTestContext.CreateAsync();
        var settings = new Dictionary<string, string?>(WebhookTestContext.FastSettings)
        {
            ["ConnectionStrings:mailstore"] = Context.ConnectionString,
            ["ConnectionStrings:redis"] = Context.Redis,
            ["Webhooks:ChallengeTimeout"] = "00:00:01",
        };
        Api = await ApiServer.StartDedicatedAsync(settings);
        await Context.StartDispatcherAsync();
    }

    public HttpClient CreateClient() => Api.CreateClient();

    public async Task DisposeAsync()
    {
        await Api.StopAsync();
        await Context.DisposeAsync();
    }
}
