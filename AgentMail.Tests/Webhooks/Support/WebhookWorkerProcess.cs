using System.Reflection;
using System.Text;
using AgentMail.LocalServers;

namespace AgentMail.Tests.Webhooks.Support;

/// <summary>The built AgentMail.Webhooks.dll run as a separate process, configured as an AppHost would configure it.</summary>
public sealed class WebhookWorkerProcess : IAsyncDisposable
{
    private const int SigKill = 9;
    private readonly ServerProcess _process;
    private readonly StringBuilder _output;

    private WebhookWorkerProcess(ServerProcess process, StringBuilder output)
    {
        _process = process;
        _output = output;
    }

    public int Pid => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static string Assembly =>
        typeof(WebhookWorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "AgentMail.Webhooks.Path")?.Value
        ?? throw new InvalidOperationException("The tests were built without the webhooks service path.");

    public static WebhookWorkerProcess Start(string postgres, string redis, IReadOnlyDictionary<string, string?> settings, string logDirectory)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__mailstore"] = postgres,
            ["ConnectionStrings__redis"] = redis,
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__LogLevel__AgentMail"] = "Information",
        };
        foreach (var (key, value) in settings)
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var output = new StringBuilder();
        var dotnet = Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        var process = ServerProcess.Start(dotnet, [Assembly], Path.Combine(logDirectory, $"webhooks-{Guid.NewGuid():N}.log"),
            line =>
            {
                lock (output)
                    output.AppendLine(line);
            },
            pid => $"kill -KILL {pid}", environment, Path.GetDirectoryName(Assembly));
        return new WebhookWorkerProcess(process, output);
    }

    /// <summary>SIGKILL: no shutdown, no cleanup — the process is gone mid-whatever-it-was-doing.</summary>
    public async Task KillAsync()
    {
        ServerProcess.Signal(_process.Id, SigKill);
        if (!await _process.WaitForExitAsync(TimeSpan.FromSeconds(30)))
            throw new InvalidOperationException("The webhooks process did not die.");
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
