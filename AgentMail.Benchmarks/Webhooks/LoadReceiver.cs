using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentMail.Benchmarks.Webhooks;

/// <summary>
/// The receiving end of the load test: a Kestrel endpoint on loopback that notes, for each
/// notification, its envelope id and the wall-clock time its handler began — the end of the
/// event-to-delivery latency — and answers 200 at once.
/// </summary>
public sealed class LoadReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _firstSeen = new();
    private long _posts;

    private LoadReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";
    public long Posts => Interlocked.Read(ref _posts);
    public int Distinct => _firstSeen.Count;
    public IReadOnlyDictionary<string, DateTimeOffset> FirstSeen => _firstSeen;

    public static async Task<LoadReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoadReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = address + "/hook";
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrived = DateTimeOffset.UtcNow;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await context.Response.WriteAsync(context.Request.Query["challenge"].ToString());
            return;
        }
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (IdOf(body.GetBuffer().AsSpan(0, (int)body.Length)) is { } id)
            _firstSeen.TryAdd(id, arrived);
        Interlocked.Increment(ref _posts);
        context.Response.StatusCode = 200;
    }

    /// <summary>The top-level "id" of the envelope.</summary>
    private static string? IdOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                return reader.GetString();
            }
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1)
                reader.Skip();
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
