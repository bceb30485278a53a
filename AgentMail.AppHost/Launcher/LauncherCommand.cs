using System.CommandLine;
using System.Globalization;
using AgentMail.LocalServers;

namespace AgentMail.AppHost.Launcher;

/// <summary>The command line: each option also reads an <c>AGENTMAIL_*</c> environment variable.</summary>
internal static class LauncherCommand
{
    public static RootCommand Create()
    {
        var data = new Option<string>("--data")
        {
            Description = "Data folder (Postgres cluster, logs, TLS certificate, API key, endpoints.json); kept between runs. Env AGENTMAIL_DATA.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AGENTMAIL_DATA") ?? Path.Combine(BuildLayout.RepositoryRoot, ".data"),
        };
        var only = new Option<string>("--only")
        {
            Description = "Comma-separated services to run (api,imap,smtp,webhooks); Postgres and Redis always run. Env AGENTMAIL_ONLY.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AGENTMAIL_ONLY") ?? string.Join(',', ServiceCatalog.Names),
        };
        var freePorts = new Option<bool>("--free-ports")
        {
            Description = "Pick unused ports for every port not given explicitly (parallel runs, tests). Env AGENTMAIL_FREE_PORTS=true.",
            DefaultValueFactory = _ => string.Equals(Environment.GetEnvironmentVariable("AGENTMAIL_FREE_PORTS"), "true", StringComparison.OrdinalIgnoreCase),
        };
        var defaults = new LauncherPorts();
        var ports = new (string Name, string Env, string What, Func<LauncherPorts, int> Default, Func<LauncherPorts, int, LauncherPorts> Set)[]
        {
            ("--api-port", "AGENTMAIL_API_PORT", "REST API (HTTP)", p => p.ApiHttp, (p, v) => p with { ApiHttp = v }),
            ("--imap-http-port", "AGENTMAIL_IMAP_HTTP_PORT", "IMAP service health (HTTP)", p => p.ImapHttp, (p, v) => p with { ImapHttp = v }),
            ("--smtp-http-port", "AGENTMAIL_SMTP_HTTP_PORT", "SMTP service health (HTTP)", p => p.SmtpHttp, (p, v) => p with { SmtpHttp = v }),
            ("--webhooks-http-port", "AGENTMAIL_WEBHOOKS_HTTP_PORT", "webhook dispatcher health (HTTP)", p => p.WebhooksHttp, (p, v) => p with { WebhooksHttp = v }),
            ("--imap-port", "AGENTMAIL_IMAP_PORT", "IMAP with STARTTLS", p => p.Imap, (p, v) => p with { Imap = v }),
            ("--imaps-port", "AGENTMAIL_IMAPS_PORT", "IMAP over TLS", p => p.Imaps, (p, v) => p with { Imaps = v }),
            ("--smtp-port", "AGENTMAIL_SMTP_PORT", "SMTP submission with STARTTLS", p => p.Submission, (p, v) => p with { Submission = v }),
            ("--smtps-port", "AGENTMAIL_SMTPS_PORT", "SMTP submission over TLS", p => p.Submissions, (p, v) => p with { Submissions = v }),
            ("--mx-port", "AGENTMAIL_MX_PORT", "inbound SMTP (MX)", p => p.Mx, (p, v) => p with { Mx = v }),
            ("--postgres-port", "AGENTMAIL_POSTGRES_PORT", "PostgreSQL", p => p.Postgres, (p, v) => p with { Postgres = v }),
            ("--redis-port", "AGENTMAIL_REDIS_PORT", "Redis", p => p.Redis, (p, v) => p with { Redis = v }),
        };
        var portOptions = ports.Select(p => (Spec: p, Option: new Option<int?>(p.Name)
        {
            Description = $"Port for {p.What} (default {p.Default(defaults)}). Env {p.Env}.",
            DefaultValueFactory = _ => ParsePort(Environment.GetEnvironmentVariable(p.Env), p.Env),
        })).ToArray();

        var command = new RootCommand("Runs AgentMail locally: PostgreSQL and Redis from their installed binaries, then the API, IMAP, SMTP and webhook services.")
        {
            data, only, freePorts,
        };
        foreach (var (_, option) in portOptions)
            command.Add(option);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var pickFree = parse.GetValue(freePorts);
            var taken = new HashSet<int>();
            var chosen = defaults;
            foreach (var (spec, option) in portOptions)
            {
                var port = parse.GetValue(option) ?? (pickFree ? NextFreePort(taken) : spec.Default(defaults));
                taken.Add(port);
                chosen = spec.Set(chosen, port);
            }

            var services = parse.GetValue(only)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => s.ToLowerInvariant()).ToHashSet();
            var unknown = services.Except(ServiceCatalog.Names).ToArray();
            if (unknown.Length > 0)
            {
                await Console.Error.WriteLineAsync($"Unknown service(s) in --only: {string.Join(", ", unknown)}. Known: {string.Join(", ", ServiceCatalog.Names)}.");
                return 2;
            }

            var settings = new LauncherSettings(Path.GetFullPath(parse.GetValue(data)!), chosen, services);
            return await LocalSystem.RunAsync(settings, cancellationToken);
        });
        return command;
    }

    private static int? ParsePort(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
            return port;
        throw new ArgumentException($"{name} must be a TCP port (1-65535); it is '{value}'.");
    }

    private static int NextFreePort(HashSet<int> taken)
    {
        while (true)
        {
            var port = FreePort.Next();
            if (!taken.Contains(port))
                return port;
        }
    }
}
