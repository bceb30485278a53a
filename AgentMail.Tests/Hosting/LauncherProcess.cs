using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using AgentMail.LocalServers;

namespace AgentMail.Tests.Hosting;

/// <summary>The AppHost's local launcher (UseAspire=false build) run as a real process, as a person runs it.</summary>
internal sealed class LauncherProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LauncherProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }
    public string EndpointsFile => Path.Combine(DataDirectory, "endpoints.json");
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static string AppHostAssembly =>
        typeof(LauncherProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "AgentMail.AppHost.Path")?.Value
        ?? throw new InvalidOperationException("The tests were built without the launcher: build with UseAspire=false (./test.sh does).");

    public static LauncherProcess Start(string dataDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(AppHostAssembly);
        info.ArgumentList.Add("--data");
        info.ArgumentList.Add(dataDirectory);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["NO_COLOR"] = "1";

        var process = new Process { StartInfo = info };
        var launcher = new LauncherProcess(process, dataDirectory);
        process.OutputDataReceived += (_, e) => launcher.Append(e.Data);
        process.ErrorDataReceived += (_, e) => launcher.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return launcher;
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    /// <summary>Waits for endpoints.json, which the launcher writes once every service is healthy.</summary>
    public async Task<JsonElement> WaitForEndpointsAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new Xunit.Sdk.XunitException($"The launcher exited with code {_process.ExitCode} before it was ready:\n{Output}");
            if (File.Exists(EndpointsFile))
                return JsonDocument.Parse(await File.ReadAllTextAsync(EndpointsFile)).RootElement.Clone();
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"No endpoints.json within {timeout.TotalSeconds} s:\n{Output}");
    }

    /// <summary>Sends SIGINT, as Ctrl-C in a terminal does, and waits for the launcher to exit.</summary>
    public async Task<int> InterruptAsync(TimeSpan timeout)
    {
        ServerProcess.Signal(_process.Id, 2);
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"The launcher did not stop within {timeout.TotalSeconds} s of SIGINT:\n{Output}");
        }
        return _process.ExitCode;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            ServerProcess.Signal(_process.Id, 15);
            using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
