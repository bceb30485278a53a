using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using AgentMail.Webhooks.Core.Security;
using Microsoft.Extensions.Options;

namespace AgentMail.Webhooks.Core.Http;

/// <summary>
/// Every HTTP call to a webhook receiver: notifications, challenges and test events. Each call
/// has a hard deadline (<see cref="WebhooksOptions.AttemptTimeout"/>), redirects are never
/// followed, at most <see cref="WebhooksOptions.MaxResponseBytes"/> of a response are read,
/// and connections go only to allowed addresses (<see cref="GuardedConnector"/>). Whatever the
/// receiver does, the call ends with a <see cref="SendResult"/>, never a hang or an exception.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, IOptionsMonitor<WebhooksOptions> options)
{
    /// <summary>The HttpClient name (resilience off: retries are the dispatcher's, each one recorded).</summary>
    public const string ClientName = "webhook-delivery";

    public const string SignatureHeader = "X-Nylas-Signature";

    /// <summary>How much of a response body is kept for the delivery log.</summary>
    public const int RecordedResponseChars = 1024;

    private static readonly ProductInfoHeaderValue UserAgent = new("AgentMail-Webhooks", "1.0");

    public async Task<SendResult> PostAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.AttemptTimeout);
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url)
        {
            Content = new ReadOnlyMemoryContent(request.Body),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (request.Gzip)
            message.Content.Headers.ContentEncoding.Add("gzip");
        message.Headers.TryAddWithoutValidation(SignatureHeader, request.Signature);
        message.Headers.UserAgent.Add(UserAgent);
        try
        {
            using var response = await clients.CreateClient(ClientName)
                .SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var (read, complete) = await ReadPrefixAsync(response, settings.MaxResponseBytes, deadline.Token).ConfigureAwait(false);
            var body = read is { Length: > RecordedResponseChars } ? read[..RecordedResponseChars] : read;
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (!complete)
                return new SendResult(false, true, status, $"The response body is longer than {settings.MaxResponseBytes} bytes.", body, elapsed);
            if (status is >= 200 and < 300)
                return new SendResult(true, false, status, null, body, elapsed);
            if (status is >= 300 and < 400)
            {
                return new SendResult(false, false, status,
                    $"HTTP {status} redirect{(response.Headers.Location is { } to ? $" to {to}" : "")} not followed: a webhook URL must accept the POST itself.", body, elapsed);
            }
            var retryable = status is 408 or 429 or >= 500;
            return new SendResult(false, retryable, status, $"HTTP {status} {response.ReasonPhrase}".TrimEnd(), body, elapsed)
            {
                RetryAfter = response.Headers.RetryAfter is { } after
                    ? after.Delta ?? (after.Date is { } date ? date - DateTimeOffset.UtcNow : null)
                    : null,
            };
        }
        catch (Exception e) when (Failure(e, cancellationToken, settings.AttemptTimeout) is { } error)
        {
            return new SendResult(false, true, null, error, null, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// Nylas's verification: GET the URL with <c>?challenge=&lt;random&gt;</c>; the receiver must answer
    /// 200 with exactly that value as the body within <see cref="WebhooksOptions.ChallengeTimeout"/>.
    /// </summary>
    public async Task<ChallengeResult> VerifyChallengeAsync(Uri url, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var challenge = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var target = new UriBuilder(url) { Query = (url.Query.Length > 1 ? url.Query[1..] + "&" : "") + "challenge=" + challenge }.Uri;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.ChallengeTimeout);
        using var message = new HttpRequestMessage(HttpMethod.Get, target);
        message.Headers.UserAgent.Add(UserAgent);
        try
        {
            using var response = await clients.CreateClient(ClientName)
                .SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
                return new ChallengeResult(false, $"the challenge request was answered with a {status} redirect, which is not followed");
            if (status != 200)
                return new ChallengeResult(false, $"the challenge request was answered with HTTP {status}, not 200");
            var (body, complete) = await ReadPrefixAsync(response, 4 * 1024, deadline.Token).ConfigureAwait(false);
            if (!complete || body != challenge)
            {
                var shown = body is null ? "nothing" : $"\"{(body.Length > 64 ? body[..64] + "…" : body)}\"";
                return new ChallengeResult(false, $"the receiver answered {shown} instead of echoing the challenge value exactly");
            }
            return new ChallengeResult(true, null);
        }
        catch (Exception e) when (Failure(e, cancellationToken, settings.ChallengeTimeout) is { } error)
        {
            return new ChallengeResult(false, char.ToLowerInvariant(error[0]) + error[1..]);
        }
    }

    /// <summary>Describes a transport failure, or null for the caller's own cancellation (which propagates).</summary>
    private static string? Failure(Exception e, CancellationToken callerToken, TimeSpan timeout)
    {
        if (callerToken.IsCancellationRequested)
            return null;
        if (e is OperationCanceledException)
            return FormattableString.Invariant($"No complete response within {timeout.TotalSeconds:0.###} s.");
        if (Find<DestinationAddressException>(e) is { } blocked)
            return blocked.Message;
        if (e is HttpRequestException http)
        {
            var socket = Find<SocketException>(e);
            return socket is not null
                ? $"Could not connect: {socket.SocketErrorCode} ({socket.Message})."
                : $"The request failed: {http.HttpRequestError} ({http.Message}).";
        }
        if (e is IOException io)
            return $"The connection failed: {io.Message}";
        return null;
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T match)
                return match;
        }
        return null;
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; complete is false when the body is longer.</summary>
    private static async Task<(string? Body, bool Complete)> ReadPrefixAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } declared && declared > limit)
            return (null, false);
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var total = 0;
            int read;
            while (total <= limit && (read = await stream.ReadAsync(buffer.AsMemory(total, limit + 1 - total), cancellationToken).ConfigureAwait(false)) > 0)
                total += read;
            // Postgres text cannot hold NUL; the log keeps what a person can read.
            var text = Encoding.UTF8.GetString(buffer, 0, Math.Min(total, limit)).Replace("\0", "", StringComparison.Ordinal);
            return (text, total <= limit);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
