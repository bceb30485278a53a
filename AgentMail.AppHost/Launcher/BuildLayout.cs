using System.Reflection;

namespace AgentMail.AppHost.Launcher;

/// <summary>Where the build put things, as compiled in by the project file (EmbedAgentMailServicePaths).</summary>
internal static class BuildLayout
{
    private static readonly IReadOnlyDictionary<string, string> Metadata = typeof(BuildLayout).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Where(a => a.Value is not null)
        .ToDictionary(a => a.Key, a => a.Value!, StringComparer.Ordinal);

    public static string RepositoryRoot => Get("AgentMail.RepositoryRoot");

    /// <summary>The built service assembly, e.g. …/AgentMail.Api/bin/Debug/net10.0/AgentMail.Api.dll.</summary>
    public static string ServiceAssembly(string projectName) => Get("AgentMail.ServiceAssembly:" + projectName);

    /// <summary>The service's project folder: its content root, as under `dotnet run` and Aspire.</summary>
    public static string ServiceProjectDirectory(string projectName) => Get("AgentMail.ServiceProject:" + projectName);

    private static string Get(string key) =>
        Metadata.TryGetValue(key, out var value)
            ? value
            : throw new InvalidOperationException($"The launcher was built without '{key}'; rebuild it with: dotnet build AgentMail.AppHost -p:UseAspire=false");
}
