using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentMail.AppHost.Launcher;

/// <summary>
/// <c>endpoints.json</c> in the data folder: what a script, test or load tool needs to talk to the
/// running system. Written once every service is healthy, deleted when the launcher stops, so its
/// presence means "running". Entries of services left out with --only are absent.
/// </summary>
internal sealed record EndpointsDocument(
    ApiEndpoint? Api,
    MailEndpointEntry? Imap,
    MailEndpointEntry? Imaps,
    MailEndpointEntry? SmtpSubmission,
    MailEndpointEntry? SmtpSubmissions,
    MailEndpointEntry? SmtpMx,
    string TlsCertificate,
    StoreEndpoint Postgres,
    StoreEndpoint Redis,
    IReadOnlyDictionary<string, ServiceEntry> Services,
    string DataDirectory,
    int LauncherPid)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(this, Json), cancellationToken);
        File.Move(temporary, path, overwrite: true); // readers never see half a file
    }
}

internal sealed record ApiEndpoint(string BaseUrl, string ApiKey);

/// <param name="Tls">"implicit" (TLS from the first byte, RFC 8314) or "starttls".</param>
internal sealed record MailEndpointEntry(string Host, int Port, string Tls);

internal sealed record StoreEndpoint(string ConnectionString, int Port);

internal sealed record ServiceEntry(string Health, int Pid, string Log);
