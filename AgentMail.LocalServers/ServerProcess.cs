using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AgentMail.LocalServers;

/// <summary>
/// A child server process whose output is pumped to a log file and an optional sink, with a
/// watchdog that stops it if this process dies without disposing it (tests killed by a CI
/// timeout must not leave servers running). Each child runs in a session of its own, so a
/// terminal's Ctrl-C reaches only us and we stop the children in our own order (services
/// before the databases they use).
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Process? _watchdog;
    private readonly StreamWriter _log;
    private readonly Task _pumps;

    private ServerProcess(Process process, Process? watchdog, StreamWriter log, Task pumps)
    {
        _process = process;
        _watchdog = watchdog;
        _log = log;
        _pumps = pumps;
    }

    public int Id => _process.Id;
    private int _disposed;

    public bool HasExited => Volatile.Read(ref _disposed) == 1 || _process.HasExited;
    public int? ExitCode => Volatile.Read(ref _disposed) == 0 && _process.HasExited ? _process.ExitCode : null;

    /// <summary>Completes when the process has exited (and its output has been read).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <param name="stopCommand">Shell command the watchdog runs if we die (e.g. a kill of the server's pid).</param>
    /// <param name="environment">Variables to set (null removes one) on top of ours.</param>
    /// <param name="workingDirectory">The child's current directory; ours when null.</param>
    public static ServerProcess Start(string fileName, IEnumerable<string> arguments, string logFile,
        Action<string>? output, Func<int, string> stopCommand,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        // setsid (util-linux) execs in place when the caller is not a process-group leader, which a
        // freshly forked child never is, so the pid we see is the server's own.
        var setsid = OperatingSystem.IsLinux() ? BinaryLocator.Find("setsid", ["/usr/bin", "/bin"]) : null;
        var info = new ProcessStartInfo(setsid ?? fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (setsid is not null)
            info.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        if (workingDirectory is not null)
            info.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                info.Environment.Remove(name);
            else
                info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var log = new StreamWriter(File.Open(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var pumps = Task.WhenAll(Pump(process.StandardOutput, log, output), Pump(process.StandardError, log, output));
        var watchdog = StartWatchdog(stopCommand(process.Id));
        return new ServerProcess(process, watchdog, log, pumps);
    }

    private static async Task Pump(StreamReader reader, StreamWriter log, Action<string>? output)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (log)
                log.WriteLine(line);
            output?.Invoke(line);
        }
    }

    private static Process? StartWatchdog(string stopCommand)
    {
        var parent = Environment.ProcessId;
        var script = $"while kill -0 {parent} 2>/dev/null; do sleep 1; done; {stopCommand}";
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        try
        {
            return Process.Start(info);
        }
        catch (Exception)
        {
            return null; // best effort: without /bin/sh the server is still stopped by DisposeAsync
        }
    }

    /// <summary>Sends a POSIX signal (SIGINT = 2, SIGTERM = 15) to a process.</summary>
    public static void Signal(int pid, int signal) => _ = kill(pid, signal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops the process if it still runs; safe to call more than once (servers are often disposed by a test and by its fixture).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        if (_watchdog is { HasExited: false })
            _watchdog.Kill();
        await _pumps.ConfigureAwait(false);
        await _log.DisposeAsync().ConfigureAwait(false);
        _process.Dispose();
        _watchdog?.Dispose();
    }
}

internal static partial class PosixUser
{
    public static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
