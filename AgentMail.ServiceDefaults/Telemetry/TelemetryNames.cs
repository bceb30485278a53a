namespace AgentMail.ServiceDefaults.Telemetry;

/// <summary>
/// The ActivitySources and Meters exported. The runtime's own sources replace the instrumentation
/// packages Aspire's template uses (they do not restore here): ASP.NET Core, HttpClient and Npgsql
/// publish activities and metrics natively on .NET 9+, so listening to them by name is enough.
/// </summary>
public static class TelemetryNames
{
    /// <summary>Prefix of our own sources and meters; each service names its own after its project ("AgentMail.Imap").</summary>
    public const string OwnPrefix = "AgentMail.";

    public static IReadOnlyList<string> ActivitySources { get; } =
    [
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Npgsql",
        OwnPrefix + "*",
    ];

    public static IReadOnlyList<string> Meters { get; } =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http",
        "System.Runtime",
        "Npgsql",
        OwnPrefix + "*",
    ];
}
