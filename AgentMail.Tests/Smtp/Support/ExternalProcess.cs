using System.Diagnostics;
using System.Text;
using AgentMail.LocalServers;

namespace AgentMail.Tests.Smtp.Support;

/// <summary>Runs the real clients the SMTP tests drive (swaks, python3, node) and where to find them.</summary>
public static class ExternalProcess
{
    /// <summary>The repository's tests/clients folder (npm clients, locked), found upwards from the test binary.</summary>
    public static string ClientsDirectory { get; } = FindClients();

    public static string Require(string name, string package) =>
        BinaryLocator.Find(name, ["/usr/bin", "/usr/local/bin"])
        ?? throw new InvalidOperationException($"'{name}' is not installed (apt-get install {package}); ./test.sh and .ci/run install it.");

    /// <summary>Debian's python3 (with python3-dkim), not a pyenv shim that lacks Debian's modules.</summary>
    public static string DebianPython => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : Require("python3", "python3");

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, IEnumerable<string> arguments,
        string? standardInput = null, TimeSpan? timeout = null, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? ClientsDirectory,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["NODE_PATH"] = Path.Combine(ClientsDirectory, "node_modules");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
            await process.StandardInput.WriteAsync(standardInput);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish: {await error}");
        }
        return (process.ExitCode, await output, await error);
    }

    private static string FindClients()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "clients");
            if (File.Exists(Path.Combine(candidate, "package.json")))
                return candidate;
        }
        throw new InvalidOperationException("tests/clients not found above the test binary");
    }

    /// <summary>Fails with the install command when the npm clients are missing (./test.sh runs npm ci).</summary>
    public static void RequireNodeModules()
    {
        if (!Directory.Exists(Path.Combine(ClientsDirectory, "node_modules", "smtp-server")))
            throw new InvalidOperationException($"npm clients missing: run 'npm ci' in {ClientsDirectory} (./test.sh does)");
    }
}
