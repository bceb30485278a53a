using System.Diagnostics;
using System.Text.Json;
using AgentMail.Tests.Api.Support;
using AgentMail.Tests.Webhooks.Support;

namespace AgentMail.Tests.Webhooks;

/// <summary>Nylas's own Node SDK (nylas@8.4.0, tests/clients) manages destinations against our API unchanged.</summary>
public sealed class WebhookSdkTests(WebhookApiFixture fixture) : IClassFixture<WebhookApiFixture>
{
    private const string Script = """
        const Nylas = require('nylas').default;
        const nylas = new Nylas({ apiKey: process.env.NYLAS_KEY, apiUri: process.env.NYLAS_API });
        (async () => {
          const created = await nylas.webhooks.create({ requestBody: {
            triggerTypes: ['message.created', 'folder.created'], webhookUrl: process.env.HOOK_URL,
            description: 'from the sdk', notificationEmailAddresses: ['ops@example.com'] } });
          const id = created.data.id;
          const found = await nylas.webhooks.find({ webhookId: id });
          const listed = await nylas.webhooks.list();
          const updated = await nylas.webhooks.update({ webhookId: id, requestBody: { description: 'updated by the sdk' } });
          const rotated = await nylas.webhooks.rotateSecret({ webhookId: id });
          const destroyed = await nylas.webhooks.destroy({ webhookId: id });
          let missing = null;
          try { await nylas.webhooks.find({ webhookId: id }); } catch (e) { missing = { status: e.statusCode, type: e.type, message: e.message }; }
          console.log(JSON.stringify({ created: created.data, found: found.data, listed: listed.data.map(w => w.id),
            updated: updated.data, rotated: rotated.data, destroyed, missing }));
        })().catch(e => { console.error(e); process.exit(1); });
        """;

    [Fact]
    public async Task The_Nylas_SDK_creates_finds_lists_updates_rotates_and_deletes_a_destination()
    {
        var hookUrl = fixture.Context.Receiver.Url("sdk");
        var output = await RunNodeAsync(Script, new Dictionary<string, string>
        {
            ["NYLAS_KEY"] = ApiServer.ApiKey,
            ["NYLAS_API"] = fixture.Api.BaseAddress.ToString().TrimEnd('/'),
            ["HOOK_URL"] = hookUrl,
        });
        using var result = JsonDocument.Parse(output);
        var root = result.RootElement;

        var created = root.GetProperty("created");
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(hookUrl, created.GetProperty("webhookUrl").GetString());
        Assert.Equal("active", created.GetProperty("status").GetString());
        Assert.Equal(["message.created", "folder.created"], created.GetProperty("triggerTypes").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["ops@example.com"], created.GetProperty("notificationEmailAddresses").EnumerateArray().Select(t => t.GetString()));
        var secret = created.GetProperty("webhookSecret").GetString()!;
        Assert.Equal(43, secret.Length);

        Assert.Equal("from the sdk", root.GetProperty("found").GetProperty("description").GetString());
        Assert.False(root.GetProperty("found").TryGetProperty("webhookSecret", out _));
        Assert.Contains(id, root.GetProperty("listed").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal("updated by the sdk", root.GetProperty("updated").GetProperty("description").GetString());
        var rotated = root.GetProperty("rotated").GetProperty("webhookSecret").GetString();
        Assert.NotEqual(secret, rotated);
        Assert.Equal("success", root.GetProperty("destroyed").GetProperty("data").GetProperty("status").GetString());
        Assert.Equal(404, root.GetProperty("missing").GetProperty("status").GetInt32());
        Assert.Equal("not_found_error", root.GetProperty("missing").GetProperty("type").GetString());
        Assert.Contains(fixture.Context.Receiver.Requests, r => r.Path == "/sdk" && r.Method == "GET" && r.Query.StartsWith("?challenge=", StringComparison.Ordinal));
    }

    internal static async Task<string> RunNodeAsync(string script, IReadOnlyDictionary<string, string> environment)
    {
        var clients = ClientsDirectory();
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = clients };
        info.ArgumentList.Add("-e");
        info.ArgumentList.Add(script);
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"node failed ({process.ExitCode}): {await stderr}\n{await stdout}");
        return (await stdout).Trim();
    }

    /// <summary>tests/clients of this repository, with its node_modules (./test.sh runs npm ci there).</summary>
    private static string ClientsDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var clients = Path.Combine(directory.FullName, "tests", "clients");
            if (Directory.Exists(Path.Combine(clients, "node_modules", "nylas")))
                return clients;
        }
        throw new InvalidOperationException("tests/clients/node_modules is missing: run ./test.sh, or npm ci in tests/clients.");
    }
}
