using System.ComponentModel.DataAnnotations;

namespace AgentMail.Api;

/// <summary>
/// Configuration section <c>Api</c>. <c>Api:Keys</c> lists the API keys accepted as
/// <c>Authorization: Bearer &lt;key&gt;</c> (environment <c>Api__Keys__0</c>, <c>Api__Keys__1</c>, …;
/// several allow rotation without downtime). The AppHost passes its <c>api-key</c> parameter as
/// <c>Api__Keys__0</c>; the local launcher passes the development key kept in <c>.data/api-key</c>.
/// </summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    [MinLength(1, ErrorMessage = "Api:Keys must list at least one API key (environment Api__Keys__0).")]
    public string[] Keys { get; set; } = [];

    /// <summary>
    /// Secret that signs page tokens (<c>next_cursor</c>). Every replica must share it; when empty it
    /// is derived from the first API key, so rotating that key invalidates cursors in flight.
    /// </summary>
    public string? PageTokenSecret { get; set; }

    /// <summary>Largest JSON body of an ordinary request (everything but send and drafts).</summary>
    [Range(1024, int.MaxValue)]
    public int MaxJsonBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Requests per second allowed per API key and replica; 0 turns rate limiting off.</summary>
    [Range(0, int.MaxValue)]
    public int RateLimitPerSecond { get; set; }

    /// <summary>Requests a key may make in a burst above <see cref="RateLimitPerSecond"/>.</summary>
    [Range(0, int.MaxValue)]
    public int RateLimitBurst { get; set; } = 100;

    /// <summary>How long a send's <c>Idempotency-Key</c> is remembered (Nylas: one hour).</summary>
    public TimeSpan IdempotencyKeyLifetime { get; set; } = TimeSpan.FromHours(1);
}
