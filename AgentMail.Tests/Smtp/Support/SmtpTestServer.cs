extern alias smtp;

using System.Globalization;
using AgentMail.LocalServers;
using AgentMail.Mailbox.Grants;
using AgentMail.Protocols.Tls;
using AgentMail.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using smtp::Microsoft.Extensions.Hosting;

namespace AgentMail.Tests.Smtp.Support;

/// <summary>
/// The SMTP service wired exactly as its Program.cs does (ServiceDefaults, the mailbox core,
/// AddSmtp) on free ports, against the test run's Postgres and Redis, plus a
/// <see cref="MailboxHarness"/> on the same database to create grants and read what was stored.
/// By default it shares the test database and runs no delivery worker; a test of outbound
/// delivery asks for a database of its own, so its worker claims only its own queue.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    /// <summary>One development certificate for every server of the run (generated once, under a file lock).</summary>
    private static readonly string CertificateDirectory = Directory.CreateTempSubdirectory("agentmail-smtp-tls-").FullName;
    public const string Hostname = "mx.agentmail.test";
    public const string AppPassword = "Correct-Horse-Battery-9";

    private readonly WebApplication _app;
    private readonly string _contentRoot;

    private SmtpTestServer(WebApplication app, MailboxHarness mailbox, string contentRoot, int submission, int submissions, int mx)
    {
        _app = app;
        Mailbox = mailbox;
        _contentRoot = contentRoot;
        SubmissionPort = submission;
        SubmissionsPort = submissions;
        MxPort = mx;
    }

    public MailboxHarness Mailbox { get; }
    public IServiceProvider Services => _app.Services;
    public int SubmissionPort { get; }
    public int SubmissionsPort { get; }
    public int MxPort { get; }
    /// <summary>The test certificate's PEM files (created on first use), which servers and clients here share.</summary>
    public static string CertificatePath => DevelopmentCertificate.EnsureExists(CertificateDirectory).CertificatePath;
    public static string KeyPath => DevelopmentCertificate.EnsureExists(CertificateDirectory).KeyPath;
    public string CertificateThumbprint => Services.GetRequiredService<TlsCertificateProvider>().Certificate.Thumbprint;

    /// <param name="database">Another server's database, to run as its replica (e.g. two delivery workers on one queue).</param>
    public static async Task<SmtpTestServer> StartAsync(IDictionary<string, string?>? settings = null, bool ownDatabase = false, string? database = null)
    {
        var servers = await TestServers.GetAsync();
        var mailbox = database is not null ? await MailboxHarness.CreateAsync(database, servers.Redis.ConnectionString)
            : ownDatabase ? await MailboxHarness.CreateAsync(await servers.CreateDatabaseAsync("smtp"), servers.Redis.ConnectionString)
            : await MailboxHarness.CreateAsync();
        var (submission, submissions, mx) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var contentRoot = Directory.CreateTempSubdirectory("agentmail-smtp-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ContentRootPath = contentRoot });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:mailstore"] = mailbox.ConnectionString,
            ["ConnectionStrings:redis"] = servers.Redis.ConnectionString,
            ["urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["SMTP_PORT"] = submission.ToString(CultureInfo.InvariantCulture),
            ["SMTPS_PORT"] = submissions.ToString(CultureInfo.InvariantCulture),
            ["SMTP_MX_PORT"] = mx.ToString(CultureInfo.InvariantCulture),
            ["Tls:DevelopmentCertificateDirectory"] = CertificateDirectory,
            ["Mailbox:Hostname"] = Hostname,
            ["Mailbox:BcryptCost"] = "4",
            ["Authentication:FailureDelay"] = "00:00:00",
            // Every test connects from 127.0.0.1; the per-client limit is tested on its own.
            ["Authentication:MaxFailuresPerClient"] = "1000000",
            ["Smtp:Outbound:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddMailbox();
        builder.AddSmtp();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return new SmtpTestServer(app, mailbox, contentRoot, submission, submissions, mx);
    }

    /// <summary>A new grant with <see cref="AppPassword"/> (or none).</summary>
    public Task<Grant> CreateGrantAsync(bool withPassword = true, long? quotaBytes = null, string prefix = "smtp") =>
        Mailbox.CreateGrantAsync(withPassword ? AppPassword : null, quotaBytes, prefix);

    public Task<SmtpWire> ConnectAsync(int port, bool implicitTls = false) =>
        SmtpWire.ConnectAsync(port, implicitTls ? CertificateThumbprint : null, CertificateThumbprint);

    /// <summary>Connects to 465, EHLOs and signs in: ready for MAIL.</summary>
    public async Task<SmtpWire> SignInAsync(Grant grant)
    {
        var wire = await ConnectAsync(SubmissionsPort, implicitTls: true);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO client.test");
        var reply = await wire.CommandAsync("AUTH PLAIN " + SmtpWire.Plain(grant.Email, AppPassword));
        Assert.Equal("235 2.7.0 Authentication successful", reply);
        return wire;
    }

    /// <summary>Submits <paramref name="message"/> over 465 (AUTH PLAIN, dot-stuffed DATA); returns the final reply.</summary>
    public async Task<string> SubmitOverSmtpAsync(Grant grant, IEnumerable<string> recipients, string message)
    {
        await using var wire = await SignInAsync(grant);
        Assert.Equal("250 2.1.0 Sender ok", await wire.CommandAsync($"MAIL FROM:<{grant.Email}>"));
        foreach (var recipient in recipients)
            Assert.Equal("250 2.1.5 Recipient ok", await wire.CommandAsync($"RCPT TO:<{recipient}>"));
        Assert.Equal("354 End data with <CR><LF>.<CR><LF>", await wire.CommandAsync("DATA"));
        var stuffed = (message.StartsWith('.') ? "." : "") + message.Replace("\r\n.", "\r\n..");
        return await wire.CommandAsync(stuffed + (stuffed.EndsWith("\r\n", StringComparison.Ordinal) ? "" : "\r\n") + ".");
    }

    /// <summary>Polls until <paramref name="condition"/> holds (delivery is asynchronous).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Mailbox.DisposeAsync();
        try
        {
            Directory.Delete(_contentRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
