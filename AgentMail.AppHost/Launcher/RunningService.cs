using System.Diagnostics;
using AgentMail.LocalServers;

namespace AgentMail.AppHost.Launcher;

/// <summary>One service process, run from its build output as <c>dotnet &lt;assembly&gt;</c>.</summary>
internal sealed class RunningService : IAsyncDisposable
{
    private const int SigTerm = 15;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };
    private readonly ServerProcess _process;

    private RunningService(ServiceDefinition definition, ServerProcess process, string healthUrl, string logFile)
    {
        Definition = definition;
        _process = process;
        HealthUrl = healthUrl;
        LogFile = logFile;
    }

    public ServiceDefinition Definition { get; }
    public string HealthUrl { get; }
    public string LogFile { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int? ExitCode => _process.ExitCode;

    public static RunningService Start(ServiceDefinition definition, LauncherSettings settings, Infrastructure infrastructure, ConsoleLog log)
    {
        var assembly = BuildLayout.ServiceAssembly(definition.ProjectName);
        if (!File.Exists(assembly))
            throw new LauncherException($"{assembly} does not exist; build first: dotnet build AgentMail.AppHost -p:UseAspire=false");
        Directory.CreateDirectory(settings.LogDirectory);
        var logFile = Path.Combine(settings.LogDirectory, definition.Name + ".log");
        var process = ServerProcess.Start(
            DotnetHost.Path,
            [assembly],
            logFile,
            log.For(definition.Name),
            pid => $"kill -TERM {pid}",
            ServiceEnvironment.For(definition, settings, infrastructure),
            BuildLayout.ServiceProjectDirectory(definition.ProjectName));
        var healthUrl = ServiceEnvironment.HttpUrl(definition.HttpPort(settings.Ports)) + "/health";
        return new RunningService(definition, process, healthUrl, logFile);
    }

    /// <summary>Waits until /health answers 200 (Healthy or Degraded); fails if the process exits first.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new LauncherException($"{Definition.Name} exited with code {_process.ExitCode} during start-up; its output is above and in {LogFile}.");
            try
            {
                using var response = await Http.GetAsync(HealthUrl, cancellationToken);
                if (response.IsSuccessStatusCode)
                    return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "no answer within 3 s";
            }
            await Task.Delay(250, cancellationToken);
        }
        throw new LauncherException($"{Definition.Name} did not become healthy within {timeout.TotalSeconds:0} s ({HealthUrl}: {last}).");
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>SIGTERM (the host's graceful shutdown), then a kill if it takes longer than <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            ServerProcess.Signal(_process.Id, SigTerm);
            await _process.WaitForExitAsync(grace);
        }
        await _process.DisposeAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync(TimeSpan.FromSeconds(10)));
}

/// <summary>The dotnet executable running the launcher, which runs the services too.</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var self = Environment.ProcessPath;
        if (self is not null && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"), Root("DOTNET_ROOT") })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate))
                return candidate;
        }
        return BinaryLocator.Find("dotnet", ["/usr/share/dotnet", "/usr/lib/dotnet", "/usr/local/share/dotnet"])
            ?? throw new LauncherException("Could not find the dotnet executable (set DOTNET_ROOT or put dotnet on PATH).");
    }

    private static string? Root(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } root ? System.IO.Path.Combine(root, "dotnet") : null;
}
