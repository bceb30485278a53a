using System.Diagnostics;

namespace AgentMail.Benchmarks.Load;

/// <summary>
/// One of our services run from its build output as its own process (so the load generator never
/// shares its runtime), killed on dispose.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Starts <c>dotnet <paramref name="dll"/></c> with <paramref name="environment"/> and waits until <paramref name="healthUrl"/> answers 2xx (60 s at most).</summary>
    public static async Task<ServiceProcess> StartAsync(string dll, IReadOnlyDictionary<string, string> environment, string healthUrl)
    {
        dll = Path.GetFullPath(dll);
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        info.ArgumentList.Add(dll);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["OTEL_SDK_DISABLED"] = "true";
        var service = new ServiceProcess(Process.Start(info)!);
        try
        {
            using var http = new HttpClient();
            for (var i = 0; ; i++)
            {
                if (service._process.HasExited)
                    throw new InvalidOperationException($"{Path.GetFileName(dll)} exited with code {service._process.ExitCode} before it was healthy");
                try
                {
                    if ((await http.GetAsync(healthUrl)).IsSuccessStatusCode)
                        return service;
                }
                catch (HttpRequestException) when (i < 300)
                {
                }
                await Task.Delay(200);
            }
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
