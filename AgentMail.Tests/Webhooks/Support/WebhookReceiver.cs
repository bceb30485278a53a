using System.Collections.Concurrent;
using System.Diagnostics;
using AgentMail.Webhooks.Core.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentMail.Tests.Webhooks.Support;

/// <summary>A request as the receiver got it: raw body bytes (still gzip-compressed if they were sent so) and headers.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body, long Timestamp)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    public string? Signature => Header(WebhookSignatureHeader);
    private const string WebhookSignatureHeader = "X-Nylas-Signature";
}

/// <summary>How the receiver answers one request.</summary>
public abstract record ReceiverBehavior
{
    public static ReceiverBehavior Ok { get; } = new Status(200);
    public static ReceiverBehavior Hang { get; } = new HangBehavior();

    public sealed record Status(int Code, string Body = "ok") : ReceiverBehavior;

    /// <summary>Never answers; the connection stays open until the client gives up.</summary>
    public sealed record HangBehavior : ReceiverBehavior;

    /// <summary>Answers 200 after <paramref name="Delay"/>.</summary>
    public sealed record Slow(TimeSpan Delay) : ReceiverBehavior;

    public sealed record Redirect(string Location, int Code = 302) : ReceiverBehavior;

    /// <summary>Streams <paramref name="Bytes"/> of body with the given status, without a Content-Length.</summary>
    public sealed record HugeBody(long Bytes, int Code = 200) : ReceiverBehavior;

    /// <summary>Answers a challenge GET with this text instead of the challenge.</summary>
    public sealed record WrongChallenge(string Text) : ReceiverBehavior;
}

/// <summary>
/// A real HTTP receiver on loopback (Kestrel), for webhook tests: records every request with its
/// raw bytes and headers, answers challenges by echoing them, and answers each path as told —
/// a sequence of behaviours (503, hang, redirect, huge body…), then 200.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ReceiverBehavior>> _scripts = new();
    private readonly ConcurrentDictionary<string, ReceiverBehavior> _always = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private WebhookReceiver(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Port = new Uri(address).Port;
        return receiver;
    }

    /// <summary>A URL on this receiver; give each destination its own path.</summary>
    public string Url(string path) => $"http://127.0.0.1:{Port}/{path.TrimStart('/')}";

    /// <summary>The next requests to <paramref name="path"/> are answered with these behaviours, in order, then 200 (or <see cref="Always"/>).</summary>
    public void Script(string path, params ReceiverBehavior[] behaviors)
    {
        var queue = _scripts.GetOrAdd(Normalize(path), _ => new ConcurrentQueue<ReceiverBehavior>());
        foreach (var behavior in behaviors)
            queue.Enqueue(behavior);
    }

    /// <summary>Every request to <paramref name="path"/> is answered this way (after any script), until changed.</summary>
    public void Always(string path, ReceiverBehavior behavior) => _always[Normalize(path)] = behavior;

    public IReadOnlyList<ReceivedRequest> Requests => _requests.ToArray();

    public IReadOnlyList<ReceivedRequest> Posts(string path) =>
        _requests.Where(r => r.Method == "POST" && r.Path == Normalize(path)).ToArray();

    /// <summary>Waits (generously) until <paramref name="count"/> POSTs to <paramref name="path"/> have arrived, and returns them.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForPostsAsync(string path, int count, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        while (true)
        {
            var posts = Posts(path);
            if (posts.Count >= count)
                return posts;
            if (clock.Elapsed > limit)
                throw new Xunit.Sdk.XunitException($"Expected {count} POSTs to /{path.TrimStart('/')} within {limit.TotalSeconds} s; got {posts.Count}.");
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(200));
        }
    }

    private static string Normalize(string path) => "/" + path.TrimStart('/');

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var path = request.Path.Value ?? "/";
        _requests.Enqueue(new ReceivedRequest(request.Method, path, request.QueryString.Value ?? "", headers, body.ToArray(), Stopwatch.GetTimestamp()));
        _arrived.Release();

        var behavior = _scripts.TryGetValue(path, out var script) && script.TryDequeue(out var next)
            ? next
            : _always.GetValueOrDefault(path) ?? ReceiverBehavior.Ok;
        var challenge = request.Query["challenge"].ToString();
        if (HttpMethods.IsGet(request.Method) && challenge.Length > 0 && behavior is ReceiverBehavior.Status { Code: 200 })
        {
            await context.Response.WriteAsync(challenge, context.RequestAborted);
            return;
        }
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        switch (behavior)
        {
            case ReceiverBehavior.Status status:
                context.Response.StatusCode = status.Code;
                await context.Response.WriteAsync(status.Body, aborted.Token);
                break;
            case ReceiverBehavior.HangBehavior:
                try
                {
                    await Task.Delay(Timeout.Infinite, aborted.Token);
                }
                catch (OperationCanceledException)
                {
                    context.Abort();
                }
                break;
            case ReceiverBehavior.Slow slow:
                await Task.Delay(slow.Delay, aborted.Token);
                await context.Response.WriteAsync("ok", aborted.Token);
                break;
            case ReceiverBehavior.Redirect redirect:
                context.Response.StatusCode = redirect.Code;
                context.Response.Headers.Location = redirect.Location;
                break;
            case ReceiverBehavior.HugeBody huge:
                context.Response.StatusCode = huge.Code;
                var chunk = new byte[64 * 1024];
                Array.Fill(chunk, (byte)'x');
                try
                {
                    for (long sent = 0; sent < huge.Bytes; sent += chunk.Length)
                        await context.Response.Body.WriteAsync(chunk, aborted.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException)
                {
                    // The client stopped reading: what we wanted to see.
                }
                break;
            case ReceiverBehavior.WrongChallenge wrong:
                await context.Response.WriteAsync(wrong.Text, aborted.Token);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}

/// <summary>Signature checks as a receiver makes them.</summary>
public static class ReceivedRequestExtensions
{
    public static bool IsSignedWith(this ReceivedRequest request, string secret) =>
        WebhookSignature.Verify(secret, request.Body, request.Signature);
}
