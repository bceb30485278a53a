using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentMail.Tests.Smtp.Support;

/// <summary>A message the receiver accepted: its envelope and the exact bytes.</summary>
public sealed record ReceivedMessage(string From, IReadOnlyList<string> To, bool Tls, string? User, string Helo, byte[] Bytes);

/// <summary>
/// A real SMTP server on loopback — Node's smtp-server (tests/clients/smtp-receiver.js) — standing
/// in for a relay or a recipient domain's MX. What it accepted is read back from its folder.
/// </summary>
public sealed class NodeSmtpReceiver : IAsyncDisposable
{
    private readonly Process _process;

    private NodeSmtpReceiver(Process process, int port, string folder)
    {
        _process = process;
        Port = port;
        Folder = folder;
    }

    public int Port { get; }
    public string Folder { get; }

    /// <param name="rules">{ rcpt, stage: "rcpt"|"data", code, times? } refusals.</param>
    public static async Task<NodeSmtpReceiver> StartAsync(bool secure = false, bool starttls = true, (string User, string Pass)? auth = null,
        IEnumerable<object>? rules = null, int size = 0)
    {
        ExternalProcess.RequireNodeModules();
        var folder = Directory.CreateTempSubdirectory("agentmail-receiver-").FullName;
        var config = new JsonObject
        {
            ["port"] = 0,
            ["secure"] = secure,
            ["starttls"] = starttls,
            ["size"] = size,
            ["outDir"] = folder,
            ["auth"] = auth is { } a ? new JsonObject { ["user"] = a.User, ["pass"] = a.Pass } : null,
            ["rules"] = JsonSerializer.SerializeToNode(rules ?? []),
            // The development certificate the SMTP tests already trust (smtp-server's built-in one is too weak for OpenSSL 3).
            ["cert"] = await File.ReadAllTextAsync(SmtpTestServer.CertificatePath),
            ["key"] = await File.ReadAllTextAsync(SmtpTestServer.KeyPath),
        };
        var info = new ProcessStartInfo(ExternalProcess.Require("node", "nodejs"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ExternalProcess.ClientsDirectory,
        };
        info.ArgumentList.Add("smtp-receiver.js");
        info.ArgumentList.Add(config.ToJsonString());
        var process = Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null || !line.StartsWith("LISTENING ", StringComparison.Ordinal))
            throw new InvalidOperationException($"smtp-receiver.js did not start: {line}");
        return new NodeSmtpReceiver(process, int.Parse(line[10..], System.Globalization.CultureInfo.InvariantCulture), folder);
    }

    public IReadOnlyList<ReceivedMessage> Messages()
    {
        var messages = new List<ReceivedMessage>();
        foreach (var file in Directory.GetFiles(Folder, "*.json").OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f), System.Globalization.CultureInfo.InvariantCulture)))
        {
            var eml = Path.ChangeExtension(file, ".eml");
            var envelope = JsonNode.Parse(File.ReadAllText(file))!;
            messages.Add(new ReceivedMessage(
                envelope["from"]?.GetValue<string>() ?? "",
                envelope["to"]!.AsArray().Select(t => t!.GetValue<string>()).ToList(),
                envelope["tls"]!.GetValue<bool>(),
                envelope["user"]?.GetValue<string>(),
                envelope["helo"]?.GetValue<string>() ?? "",
                File.ReadAllBytes(eml)));
        }
        return messages;
    }

    /// <summary>Lines "stage rcpt code" for each refusal the rules made.</summary>
    public IReadOnlyList<string> Refusals()
    {
        var log = Path.Combine(Folder, "refusals.log");
        return File.Exists(log) ? File.ReadAllLines(log) : [];
    }

    public async Task<ReceivedMessage> WaitForMessageAsync(Func<ReceivedMessage, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (Messages().FirstOrDefault(match) is { } found)
                    return found;
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                // a message being written right now
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("the receiver got no matching message");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
