using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace AgentMail.ServiceDefaults.Http;

/// <summary>
/// One Polly pipeline per named client, built on first use and kept for the life of the process,
/// so the circuit breaker's state survives IHttpClientFactory's handler rotation.
/// </summary>
internal sealed class HttpResiliencePipelines(IOptionsMonitor<HttpResilienceOptions> options, TimeProvider timeProvider)
{
    /// <summary>Carries the request into the retry predicate, which must know its method.</summary>
    public static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("AgentMail.HttpRequest");

    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.Ordinal);

    public HttpResilienceOptions OptionsFor(string clientName) => options.Get(clientName);

    public ResiliencePipeline<HttpResponseMessage> For(string clientName) =>
        _pipelines.GetOrAdd(clientName, static (name, self) => self.Build(self.OptionsFor(name)), this);

    // Outermost first: the total timeout bounds everything; each retry passes through the breaker;
    // the attempt timeout bounds one try.
    private ResiliencePipeline<HttpResponseMessage> Build(HttpResilienceOptions o)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
            .AddTimeout(o.TotalRequestTimeout);
        if (o.MaxRetryAttempts > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = o.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome, o)),
                DelayGenerator = args => ValueTask.FromResult(TransientHttpFailure.RetryAfter(args.Outcome.Result, timeProvider.GetUtcNow())),
            });
        }
        return pipeline
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = o.CircuitBreakerFailureRatio,
                MinimumThroughput = o.CircuitBreakerMinimumThroughput,
                SamplingDuration = o.CircuitBreakerSamplingDuration,
                BreakDuration = o.CircuitBreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(TransientHttpFailure.IsTransient(args.Outcome)),
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = o.AttemptTimeout })
            .Build();
    }

    private bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome, HttpResilienceOptions o)
    {
        if (!context.Properties.TryGetValue(RequestKey, out var request) || !TransientHttpFailure.IsRetryableMethod(request.Method))
            return false;
        if (!TransientHttpFailure.IsTransient(outcome))
            return false;
        var retryAfter = TransientHttpFailure.RetryAfter(outcome.Result, timeProvider.GetUtcNow());
        return retryAfter is null || retryAfter <= o.MaxRetryAfter;
    }
}
