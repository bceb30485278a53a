using System.Diagnostics;
using System.Text;

namespace AgentMail.Tests.Webhooks.Support;

/// <summary>
/// Runs a Python script (the standard library's imaplib and smtplib: real mail clients we did not
/// write) with arguments, either to completion or line by line for a client that must wait in
/// IDLE while the test acts elsewhere.
/// </summary>
public sealed class PythonClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _error = new();

    private PythonClient(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (_error) _error.AppendLine(e.Data);
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>Debian's python3 when present (./test.sh installs it), else the one on PATH.</summary>
    public static string Executable => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static PythonClient Start(string script, params string[] arguments)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("-u"); // unbuffered: each line is seen when printed
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        return new PythonClient(Process.Start(info) ?? throw new InvalidOperationException("could not start python3"));
    }

    /// <summary>Runs <paramref name="script"/> to the end; fails the test with its stderr when it exits non-zero.</summary>
    public static async Task<string> RunAsync(string script, params string[] arguments)
    {
        await using var client = Start(script, arguments);
        var output = await client._process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await client.WaitForExitAsync();
        return output;
    }

    /// <summary>The next line the script printed.</summary>
    public async Task<string> ReadLineAsync()
    {
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return line ?? throw new Xunit.Sdk.XunitException($"python3 ended early: {Error}");
    }

    public async Task WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (_process.ExitCode != 0)
            throw new Xunit.Sdk.XunitException($"python3 exited with {_process.ExitCode}: {Error}");
    }

    private string Error
    {
        get
        {
            lock (_error) return _error.ToString();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
