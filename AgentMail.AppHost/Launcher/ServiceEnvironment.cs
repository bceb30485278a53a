namespace AgentMail.AppHost.Launcher;

/// <summary>What the running infrastructure offers the services.</summary>
internal sealed record Infrastructure(string MailstoreConnectionString, string RedisConnectionString, string ApiKey);

/// <summary>
/// The environment of one service process: what an Aspire AppHost gives a project resource
/// (connection strings, OTEL_*, service discovery, URLs, the ports of its TCP endpoints) plus the
/// settings this project's AppHost adds (API key, development certificate folder). Keep in step
/// with Aspire/AppHost.cs.
/// </summary>
internal static class ServiceEnvironment
{
    public static Dictionary<string, string?> For(ServiceDefinition service, LauncherSettings settings, Infrastructure infrastructure)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = HttpUrl(service.HttpPort(settings.Ports)),
            // Whatever the launcher's own shell had must not override ASPNETCORE_URLS.
            ["HTTP_PORTS"] = null,
            ["HTTPS_PORTS"] = null,
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_HTTPS_PORTS"] = null,
            ["ConnectionStrings__mailstore"] = infrastructure.MailstoreConnectionString,
            ["ConnectionStrings__redis"] = infrastructure.RedisConnectionString,
            ["OTEL_SERVICE_NAME"] = service.Name,
            // One line per log entry, without colour codes, so "[api] ..." prefixes stay readable.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled",
        };

        // Exported only when the launcher was given a collector (e.g. a standalone Aspire dashboard).
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } otlp ? otlp : null;

        foreach (var listener in service.MailListeners)
            environment[listener.Endpoint.PortKey] = Invariant(listener.Port(settings.Ports));
        if (service.ServesMail)
            environment["Tls__DevelopmentCertificateDirectory"] = settings.TlsDirectory;

        if (service.Name == "api")
            environment["Api__Keys__0"] = infrastructure.ApiKey;
        else if (settings.Runs("api"))
            environment["services__api__http__0"] = HttpUrl(settings.Ports.ApiHttp);

        return environment;
    }

    public static string HttpUrl(int port) => "http://localhost:" + Invariant(port);

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
