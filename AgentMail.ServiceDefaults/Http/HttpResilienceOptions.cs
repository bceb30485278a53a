namespace AgentMail.ServiceDefaults.Http;

/// <summary>
/// The resilience every <see cref="System.Net.Http.HttpClient"/> from IHttpClientFactory gets by
/// default; named options per client name. The defaults follow Microsoft's standard resilience
/// handler (which does not restore here).
/// </summary>
public sealed class HttpResilienceOptions
{
    /// <summary>False for clients that handle failures themselves (see <see cref="HttpClientResilienceExtensions.WithoutStandardResilience"/>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Upper bound for the whole call, retries and their delays included.</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound for one attempt; a timed-out attempt counts as a transient failure.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt (only for GET, HEAD and OPTIONS); 0 for none.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>First retry delay; doubles each time, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A <c>Retry-After</c> up to this long is honoured as the delay; a longer one means the
    /// server asked us to come back later than we are willing to wait, so the response is returned.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Share of failed calls within <see cref="CircuitBreakerSamplingDuration"/> that opens the circuit.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.1;

    /// <summary>Calls needed within the sampling window before the ratio is considered.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 100;

    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails calls fast before letting one through to probe.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
