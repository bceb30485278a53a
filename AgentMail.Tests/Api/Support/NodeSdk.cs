using System.Diagnostics;
using System.Text.Json.Nodes;

namespace AgentMail.Tests.Api.Support;

/// <summary>
/// Runs a scenario script (AgentMail.Tests/Api/Sdk/*.cjs) with Node and the official Nylas SDK
/// installed from tests/clients' lockfile (./test.sh runs <c>npm ci</c> there). The script prints
/// one JSON line of results.
/// </summary>
public static class NodeSdk
{
    public static async Task<JsonNode> RunAsync(ApiServer server, string script, IDictionary<string, string>? environment = null)
    {
        var root = RepositoryRoot();
        var modules = Path.Combine(root, "tests", "clients", "node_modules");
        if (!File.Exists(Path.Combine(modules, "nylas", "package.json")))
            throw new InvalidOperationException($"The Nylas SDK is not installed in {modules}: run 'npm ci' in tests/clients (./test.sh does).");
        var start = new ProcessStartInfo("node", Path.Combine(root, "AgentMail.Tests", "Api", "Sdk", script))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.Combine(root, "tests", "clients"),
        };
        start.Environment["NODE_PATH"] = modules;
        start.Environment["NYLAS_API_URI"] = server.BaseAddress.ToString().TrimEnd('/');
        start.Environment["NYLAS_API_KEY"] = ApiServer.ApiKey;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        var output = await stdout;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {await stderr}\n{output}");
        return JsonNode.Parse(output.Trim().Split('\n')[^1])!;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentMail.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("The repository root (AgentMail.sln) is not above the test's directory.");
    }
}
