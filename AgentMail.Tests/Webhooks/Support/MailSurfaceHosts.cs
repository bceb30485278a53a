extern alias imap;
extern alias smtp;

using System.Globalization;
using AgentMail.LocalServers;
using AgentMail.Protocols.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentMail.Tests.Webhooks.Support;

/// <summary>
/// The IMAP and SMTP services, each wired as its Program.cs wires it (as the IMAP and SMTP test
/// servers do), in this process on free ports, over a webhook test's own database — so the
/// dispatcher there sees exactly the events these servers write.
/// </summary>
public sealed class MailSurfaceHosts : IAsyncDisposable
{
    public const string Hostname = "mx.agentmail.test";

    private readonly WebApplication _imap;
    private readonly WebApplication _smtp;
    private readonly string _root;

    private MailSurfaceHosts(WebApplication imapHost, WebApplication smtpHost, string root, IReadOnlyDictionary<string, int> ports)
    {
        _imap = imapHost;
        _smtp = smtpHost;
        _root = root;
        ImapsPort = ports["IMAPS_PORT"];
        SubmissionsPort = ports["SMTPS_PORT"];
        MxPort = ports["SMTP_MX_PORT"];
        CertificatePath = imapHost.Services.GetRequiredService<TlsCertificateProvider>().CertificatePath;
    }

    /// <summary>IMAP over implicit TLS (993 in production).</summary>
    public int ImapsPort { get; }

    /// <summary>SMTP submission over implicit TLS (465 in production).</summary>
    public int SubmissionsPort { get; }

    /// <summary>Inbound SMTP (25 in production).</summary>
    public int MxPort { get; }

    /// <summary>The development certificate both servers present (clients trust it explicitly).</summary>
    public string CertificatePath { get; }

    public static async Task<MailSurfaceHosts> StartAsync(string postgres, string redis)
    {
        var root = Directory.CreateTempSubdirectory("agentmail-webhook-surfaces-").FullName;
        var ports = new Dictionary<string, int>
        {
            ["IMAP_PORT"] = FreePort.Next(),
            ["IMAPS_PORT"] = FreePort.Next(),
            ["SMTP_PORT"] = FreePort.Next(),
            ["SMTPS_PORT"] = FreePort.Next(),
            ["SMTP_MX_PORT"] = FreePort.Next(),
        };
        var common = new Dictionary<string, string?>
        {
            ["ConnectionStrings:mailstore"] = postgres,
            ["ConnectionStrings:redis"] = redis,
            ["Tls:DevelopmentCertificateDirectory"] = Path.Combine(root, "tls"),
            ["Mailbox:Hostname"] = Hostname,
            ["Mailbox:BcryptCost"] = "4",
            ["Authentication:FailureDelay"] = "00:00:00",
            ["Authentication:MaxFailuresPerClient"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        var imapBuilder = Builder(root, "imap", common, new()
        {
            ["IMAP_PORT"] = Port(ports["IMAP_PORT"]),
            ["IMAPS_PORT"] = Port(ports["IMAPS_PORT"]),
        });
        imapBuilder.AddMailbox(genericPlans: true);
        imap::Microsoft.Extensions.Hosting.ImapExtensions.AddImap(imapBuilder);
        var imapHost = imapBuilder.Build();
        await imapHost.StartAsync();

        var smtpBuilder = Builder(root, "smtp", common, new()
        {
            ["SMTP_PORT"] = Port(ports["SMTP_PORT"]),
            ["SMTPS_PORT"] = Port(ports["SMTPS_PORT"]),
            ["SMTP_MX_PORT"] = Port(ports["SMTP_MX_PORT"]),
            ["Smtp:Outbound:Enabled"] = "false",
        });
        smtpBuilder.AddServiceDefaults();
        smtpBuilder.AddMailbox();
        smtp::Microsoft.Extensions.Hosting.SmtpExtensions.AddSmtp(smtpBuilder);
        var smtpHost = smtpBuilder.Build();
        smtpHost.MapDefaultEndpoints();
        await smtpHost.StartAsync();
        return new MailSurfaceHosts(imapHost, smtpHost, root, ports);
    }

    private static WebApplicationBuilder Builder(string root, string name, Dictionary<string, string?> common, Dictionary<string, string?> own)
    {
        var contentRoot = Directory.CreateDirectory(Path.Combine(root, name)).FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ContentRootPath = contentRoot });
        builder.Configuration.AddInMemoryCollection(common);
        builder.Configuration.AddInMemoryCollection(own);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = $"http://127.0.0.1:{FreePort.Next()}" });
        return builder;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _smtp.StopAsync();
        await _smtp.DisposeAsync();
        await _imap.StopAsync();
        await _imap.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
