using AgentMail.LocalServers;
using AgentMail.Protocols.Listeners;

namespace AgentMail.AppHost.Launcher;

/// <summary>Builds <see cref="EndpointsDocument"/> from what is running.</summary>
internal static class Endpoints
{
    private const string Host = "localhost";

    public static EndpointsDocument Describe(LauncherSettings settings, IReadOnlyList<RunningService> services,
        Infrastructure infrastructure, string certificatePath, PostgresServer postgres, RedisServer redis)
    {
        var p = settings.Ports;
        return new EndpointsDocument(
            Api: settings.Runs("api") ? new ApiEndpoint(ServiceEnvironment.HttpUrl(p.ApiHttp), infrastructure.ApiKey) : null,
            Imap: Mail(settings, "imap", MailPorts.Imap, p.Imap),
            Imaps: Mail(settings, "imap", MailPorts.Imaps, p.Imaps),
            SmtpSubmission: Mail(settings, "smtp", MailPorts.Submission, p.Submission),
            SmtpSubmissions: Mail(settings, "smtp", MailPorts.Submissions, p.Submissions),
            SmtpMx: Mail(settings, "smtp", MailPorts.Mx, p.Mx),
            TlsCertificate: certificatePath,
            Postgres: new StoreEndpoint(infrastructure.MailstoreConnectionString, postgres.Port),
            Redis: new StoreEndpoint(infrastructure.RedisConnectionString, redis.Port),
            Services: services.ToDictionary(s => s.Definition.Name, s => new ServiceEntry(s.HealthUrl, s.Pid, s.LogFile)),
            DataDirectory: settings.DataDirectory,
            LauncherPid: Environment.ProcessId);
    }

    private static MailEndpointEntry? Mail(LauncherSettings settings, string service, MailEndpoint endpoint, int port) =>
        settings.Runs(service)
            ? new MailEndpointEntry(Host, port, endpoint.Security == MailTransportSecurity.ImplicitTls ? "implicit" : "starttls")
            : null;
}

/// <summary>The summary a person reads once everything is up.</summary>
internal static class Banner
{
    public static void Print(EndpointsDocument endpoints, LauncherSettings settings, ConsoleLog log)
    {
        log.Info("AgentMail is running.");
        if (endpoints.Api is { } api)
        {
            log.Info($"  API        {api.BaseUrl}");
            log.Info($"  API key    {api.ApiKey}   (Authorization: Bearer <key>)");
        }
        Mail("IMAP", endpoints.Imap, "STARTTLS");
        Mail("IMAPS", endpoints.Imaps, "TLS      (use this in mail clients)");
        Mail("SMTP", endpoints.SmtpSubmission, "STARTTLS (submission)");
        Mail("SMTPS", endpoints.SmtpSubmissions, "TLS      (submission; use this in mail clients)");
        Mail("MX", endpoints.SmtpMx, "inbound delivery, STARTTLS offered");
        if (endpoints.Imap is not null || endpoints.SmtpSubmission is not null)
            log.Info($"  TLS cert   {endpoints.TlsCertificate}   (self-signed: trust it in your mail client or OS)");
        log.Info($"  Postgres   {endpoints.Postgres.ConnectionString}");
        log.Info($"  Redis      {endpoints.Redis.ConnectionString}");
        foreach (var (name, service) in endpoints.Services)
            log.Info($"  {name,-10} {service.Health}   log {service.Log}");
        log.Info($"  Endpoints  {settings.EndpointsFile}");
        log.Info("Press Ctrl-C to stop (data is kept).");

        void Mail(string label, MailEndpointEntry? entry, string note)
        {
            if (entry is not null)
                log.Info($"  {label,-10} {entry.Host}:{entry.Port}   {note}");
        }
    }
}
