using System.Net;
using Polly;
using Polly.Timeout;

namespace AgentMail.ServiceDefaults.Http;

/// <summary>The retry and circuit-breaker rules, kept apart from Polly's wiring so they read as rules.</summary>
internal static class TransientHttpFailure
{
    /// <summary>
    /// Methods that are safe to send twice: RFC 9110 §9.2.1 safe methods that carry no body we
    /// would have to replay. PUT and DELETE are idempotent too, but our API's PUTs have side
    /// effects (webhooks fire per change), so only these are retried.
    /// </summary>
    public static bool IsRetryableMethod(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options;

    /// <summary>
    /// A failure worth trying again: the connection failed, the attempt timed out, or the server
    /// answered 408 Request Timeout, 429 Too Many Requests or any 5xx. The caller's own
    /// cancellation is not a failure.
    /// </summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Exception: not null } => false,
        { Result: { } response } => IsTransient(response.StatusCode),
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The delay a <c>Retry-After</c> header asks for (RFC 9110 §10.2.3), if any.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, DateTimeOffset now)
    {
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
            return date > now ? date - now : TimeSpan.Zero;
        return null;
    }
}
