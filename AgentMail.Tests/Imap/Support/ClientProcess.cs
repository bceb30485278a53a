using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace AgentMail.Tests.Imap.Support;

/// <summary>
/// A real client program (python3, node, curl, mutt) run as a process: its output lines are read
/// as they come, so a test can wait for "IDLING", make a change through another surface, and
/// then read what the client received.
/// </summary>
public sealed class ClientProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _all = new();
    private readonly StringBuilder _errors = new();
    private readonly Task _pump;

    private ClientProcess(Process process)
    {
        _process = process;
        _pump = Task.WhenAll(PumpAsync(process.StandardOutput, _all, _lines.Writer), PumpAsync(process.StandardError, _errors, null));
    }

    public string Output
    {
        get
        {
            lock (_all) return _all.ToString();
        }
    }

    public string Errors
    {
        get
        {
            lock (_errors) return _errors.ToString();
        }
    }

    public static ClientProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, bool keepInputOpen = false)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        if (environment is not null)
        {
            foreach (var (key, value) in environment) info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start");
        if (!keepInputOpen) process.StandardInput.Close();
        return new ClientProcess(process);
    }

    /// <summary>Types into the client (its standard input).</summary>
    public async Task WriteInputAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Runs to completion and returns (exit code, stdout, stderr).</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string fileName, IEnumerable<string> arguments,
        TimeSpan? timeout = null, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var client = Start(fileName, arguments, workingDirectory, environment);
        var code = await client.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return (code, client.Output, client.Errors);
    }

    /// <summary>Reads output lines until one satisfies <paramref name="match"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cancel.Token);
                if (match(line)) return line;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"No matching line. Output:\n{Output}\nErrors:\n{Errors}");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The client did not finish in {timeout}. Output:\n{Output}\nErrors:\n{Errors}");
        }
        await _pump;
        return _process.ExitCode;
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder all, ChannelWriter<string>? lines)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (all) all.AppendLine(line);
            lines?.TryWrite(line);
        }
        lines?.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    /// <summary>The repository root (where tests/clients is), found upwards from the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string ClientsDirectory => Path.Combine(RepositoryRoot, "tests", "clients");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, "tests", "clients"))) return directory.FullName;
        }
        throw new InvalidOperationException("tests/clients not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A program on PATH (or a known path), else a failure naming the package to install (.ci/run installs it).</summary>
    public static string Require(string program, string package)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/local/bin"))
        {
            var path = Path.Combine(directory, program);
            if (File.Exists(path)) return path;
        }
        Assert.Fail($"{program} is not installed (apt-get install {package}); ./test.sh and .ci/run install it");
        return program;
    }
}
