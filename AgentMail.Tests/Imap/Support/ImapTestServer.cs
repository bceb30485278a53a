extern alias imap;

using System.Globalization;
using imap::AgentMail.Imap.Session;
using AgentMail.LocalServers;
using AgentMail.Mailbox.Grants;
using AgentMail.Protocols.Tls;
using AgentMail.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMail.Tests.Imap.Support;

/// <summary>
/// The IMAP service wired as Program.cs wires it (AddMailbox + AddImap, Kestrel listeners, the
/// development certificate), in this process, against the test run's Postgres and Redis. One
/// shared instance serves most tests (they isolate by grant); tests that change timers or limits
/// start their own.
/// </summary>
public sealed class ImapTestServer : IAsyncDisposable
{
    public const string Password = "Imap-Test-Password-42";

    private static readonly Lazy<Task<ImapTestServer>> Shared = new(() => StartAsync(), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly WebApplication _app;
    private readonly string _root;

    private ImapTestServer(WebApplication app, string root, MailboxHarness mailbox, int imapPort, int imapsPort)
    {
        _app = app;
        _root = root;
        Mailbox = mailbox;
        ImapPort = imapPort;
        ImapsPort = imapsPort;
        CertificatePath = app.Services.GetRequiredService<TlsCertificateProvider>().CertificatePath;
    }

    /// <summary>The mailbox core on the same database: what the API and SMTP do, tests do through it.</summary>
    public MailboxHarness Mailbox { get; }
    public int ImapPort { get; }
    public int ImapsPort { get; }
    public string CertificatePath { get; }
    public IServiceProvider Services => _app.Services;
    public SessionRegistry Registry => Services.GetRequiredService<SessionRegistry>();

    public static Task<ImapTestServer> GetSharedAsync() => Shared.Value;

    public static async Task<ImapTestServer> StartAsync(IDictionary<string, string?>? settings = null, string? certificateDirectory = null)
    {
        var mailbox = await MailboxHarness.CreateAsync();
        var servers = await TestServers.GetAsync();
        var root = Directory.CreateTempSubdirectory("agentmail-imap-").FullName;
        var imapPort = FreePort.Next();
        var imapsPort = FreePort.Next();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ContentRootPath = root });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:mailstore"] = mailbox.ConnectionString,
            ["ConnectionStrings:redis"] = servers.Redis.ConnectionString,
            ["urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["IMAP_PORT"] = imapPort.ToString(CultureInfo.InvariantCulture),
            ["IMAPS_PORT"] = imapsPort.ToString(CultureInfo.InvariantCulture),
            ["Mailbox:BcryptCost"] = "4",
            ["Authentication:FailureDelay"] = "00:00:00",
            ["Tls:DevelopmentCertificateDirectory"] = certificateDirectory ?? SharedCertificateDirectory,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.AddMailbox(genericPlans: true); // as AgentMail.Imap/Program.cs
        imap::Microsoft.Extensions.Hosting.ImapExtensions.AddImap(builder);
        var app = builder.Build();
        await app.StartAsync();
        return new ImapTestServer(app, root, mailbox, imapPort, imapsPort);
    }

    /// <summary>One development certificate for every test server (and the real clients that trust it).</summary>
    public static string SharedCertificateDirectory { get; } = Path.Combine(Path.GetTempPath(), $"agentmail-imap-tls-{Environment.ProcessId}");

    /// <summary>A new grant with an app password.</summary>
    public async Task<Grant> CreateAccountAsync(string prefix = "imap", long? quotaBytes = null) =>
        await Mailbox.CreateGrantAsync(Password, quotaBytes, prefix);

    /// <summary>A signed-in raw connection over implicit TLS.</summary>
    public async Task<ImapWire> ConnectAsync(Grant grant, bool rev2 = false)
    {
        var wire = await ImapWire.ConnectAsync(ImapsPort, tls: true);
        await wire.ReadLineAsync(); // greeting
        await wire.ExpectOkAsync("L", $"LOGIN \"{grant.Email}\" \"{Password}\"");
        if (rev2) await wire.ExpectOkAsync("E", "ENABLE IMAP4rev2");
        return wire;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Mailbox.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
