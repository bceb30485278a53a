using System.Text.Json;
using AgentMail.Mailbox.Grants;
using AgentMail.Tests.Api.Support;
using AgentMail.Webhooks.Core.Destinations;

namespace AgentMail.Tests.Webhooks.Support;

/// <summary>
/// Every surface at once over one database of its own: the API (Kestrel), the IMAP and SMTP
/// servers, a webhook dispatcher and one destination subscribed to every trigger on the loopback
/// receiver. Tests create their own grants and read only their grant's notifications.
/// </summary>
public sealed class SurfacesFixture : IAsyncLifetime
{
    public const string Password = "Surface-Test-Password-7";
    public const string Path = "surfaces";

    public WebhookTestContext Context { get; private set; } = null!;
    public ApiServer Api { get; private set; } = null!;
    public MailSurfaceHosts Mail { get; private set; } = null!;
    public WebhookDestination Destination { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Context = await WebhookTestContext.CreateAsync();
        Destination = await Context.CreateDestinationAsync(Path, WebhookTriggers.Supported);
        Api = await ApiServer.StartDedicatedAsync(new Dictionary<string, string?>(WebhookTestContext.FastSettings)
        {
            ["ConnectionStrings:mailstore"] = Context.ConnectionString,
            ["ConnectionStrings:redis"] = Context.Redis,
        });
        Mail = await MailSurfaceHosts.StartAsync(Context.ConnectionString, Context.Redis);
        await Context.StartDispatcherAsync();
    }

    /// <summary>A grant that can sign in over IMAP and SMTP with <see cref="Password"/>.</summary>
    public Task<Grant> CreateGrantAsync() => Context.Mailbox.CreateGrantAsync(Password, prefix: "surface");

    /// <summary>The notifications about <paramref name="grant"/>'s mailbox received so far, in arrival order.</summary>
    public IReadOnlyList<(ReceivedRequest Request, ReceivedNotification Notification)> For(Grant grant) =>
        Context.Receiver.Posts(Path)
            .Select(r => (r, ReceivedNotification.Parse(r)))
            .Where(p => GrantOf(p.Item2) == grant.Id.ToString())
            .ToArray();

    /// <summary>Waits until <paramref name="count"/> notifications about the grant have arrived.</summary>
    public async Task<IReadOnlyList<ReceivedNotification>> WaitForAsync(Grant grant, int count)
    {
        var received = await WebhookTestContext.EventuallyAsync(() => Task.FromResult(For(grant)), r => r.Count >= count,
            $"{count} notification(s) about {grant.Email}", TimeSpan.FromSeconds(30));
        return received.Select(r => r.Notification).ToArray();
    }

    /// <summary>The grant's outbox: every event the surfaces wrote for it, (type, object id), in commit order.</summary>
    public async Task<IReadOnlyList<(string Type, string ObjectId)>> EventsAsync(Grant grant) =>
        (await Context.Mailbox.EventsAsync(grant.Id)).Select(e => (e.Type, e.ObjectId)).ToArray();

    /// <summary>A grant event is about the grant its object is; any other carries the grant's id as <c>grant_id</c>.</summary>
    private static string? GrantOf(ReceivedNotification notification) =>
        notification.Object.TryGetProperty(notification.Type.StartsWith("grant.", StringComparison.Ordinal) ? "id" : "grant_id", out var id)
            && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    public async Task DisposeAsync()
    {
        await Api.StopAsync();
        await Mail.DisposeAsync();
        await Context.DisposeAsync();
    }
}
