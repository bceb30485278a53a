using System.Net;
using AgentMail.ServiceDefaults.Http;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AgentMail.Tests.Hosting;

/// <summary>The default HttpClient resilience: which failures are retried, for which methods, and the opt-out.</summary>
public sealed class ResilienceHandlerTests
{
    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public async Task Safe_methods_are_retried_on_503_until_success(string method)
    {
        var server = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        using var client = CreateClient(server);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "http://upstream/resource"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, server.Calls);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task Methods_with_side_effects_are_never_retried(string method)
    {
        var server = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        using var client = CreateClient(server);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "http://upstream/resource"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, server.Calls);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task Transient_statuses_are_retried(HttpStatusCode status)
    {
        var server = new ScriptedHandler(status, HttpStatusCode.OK);
        using var client = CreateClient(server);

        using var response = await client.GetAsync("http://upstream/resource");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Calls);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    public async Task Client_errors_are_returned_at_once(HttpStatusCode status)
    {
        var server = new ScriptedHandler(status, HttpStatusCode.OK);
        using var client = CreateClient(server);

        using var response = await client.GetAsync("http://upstream/resource");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task Retries_stop_after_the_configured_number_and_return_the_last_response()
    {
        var server = new ScriptedHandler(Enumerable.Repeat<object>(HttpStatusCode.InternalServerError, 10).ToArray());
        using var client = CreateClient(server, o => o.MaxRetryAttempts = 2);

        using var response = await client.GetAsync("http://upstream/resource");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(3, server.Calls);
    }

    [Fact]
    public async Task A_connection_failure_is_retried_for_GET_but_not_for_POST()
    {
        var getServer = new ScriptedHandler(new HttpRequestException("connection refused"), HttpStatusCode.OK);
        using var getClient = CreateClient(getServer);
        using var response = await getClient.GetAsync("http://upstream/resource");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, getServer.Calls);

        var postServer = new ScriptedHandler(new HttpRequestException("connection refused"), HttpStatusCode.OK);
        using var postClient = CreateClient(postServer);
        await Assert.ThrowsAsync<HttpRequestException>(() => postClient.PostAsync("http://upstream/resource", new StringContent("x")));
        Assert.Equal(1, postServer.Calls);
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_retried()
    {
        var server = new ScriptedHandler(ScriptedHandler.Hang, HttpStatusCode.OK);
        using var client = CreateClient(server, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(100));

        using var response = await client.GetAsync("http://upstream/resource");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task The_total_timeout_bounds_all_attempts()
    {
        var server = new ScriptedHandler(Enumerable.Repeat<object>(ScriptedHandler.Hang, 20).ToArray());
        using var client = CreateClient(server, o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(100);
            o.TotalRequestTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxRetryAttempts = 10;
        });

        var error = await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.GetAsync("http://upstream/resource"));

        // The total timeout ended the call (an attempt timeout would say 100 ms), before the retries ran out.
        Assert.Equal(TimeSpan.FromMilliseconds(300), error.Timeout);
        Assert.InRange(server.Calls, 1, 10);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_retried()
    {
        var server = new ScriptedHandler(ScriptedHandler.Hang, HttpStatusCode.OK);
        using var client = CreateClient(server);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync("http://upstream/resource", cancellation.Token));
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task A_short_Retry_After_is_honoured_and_a_long_one_ends_the_retries()
    {
        var shortWait = new ScriptedHandler(RetryAfter(HttpStatusCode.TooManyRequests, TimeSpan.FromMilliseconds(0)), HttpStatusCode.OK);
        using var shortClient = CreateClient(shortWait);
        using (var response = await shortClient.GetAsync("http://upstream/resource"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, shortWait.Calls);

        var longWait = new ScriptedHandler(RetryAfter(HttpStatusCode.ServiceUnavailable, TimeSpan.FromMinutes(2)), HttpStatusCode.OK);
        using var longClient = CreateClient(longWait);
        using (var response = await longClient.GetAsync("http://upstream/resource"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, longWait.Calls);
    }

    [Fact]
    public async Task A_client_that_opts_out_gets_no_retries()
    {
        var server = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        var services = new ServiceCollection();
        services.AddStandardHttpClientResilience();
        services.AddHttpClient("webhook-delivery")
            .ConfigurePrimaryHttpMessageHandler(() => server)
            .WithoutStandardResilience();
        using var provider = services.BuildServiceProvider();
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("webhook-delivery");

        using var response = await client.GetAsync("http://upstream/resource");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task The_circuit_opens_after_failures_and_then_fails_fast_without_calling_the_server()
    {
        var server = new ScriptedHandler(Enumerable.Repeat<object>(HttpStatusCode.InternalServerError, 10).ToArray());
        using var client = CreateClient(server, o =>
        {
            o.MaxRetryAttempts = 0;
            o.CircuitBreakerMinimumThroughput = 2;
            o.CircuitBreakerFailureRatio = 0.5;
            o.CircuitBreakerBreakDuration = TimeSpan.FromMinutes(1);
        });

        (await client.GetAsync("http://upstream/a")).Dispose();
        (await client.GetAsync("http://upstream/b")).Dispose();
        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("http://upstream/c"));

        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task Circuits_are_per_client_name()
    {
        var failing = new ScriptedHandler(Enumerable.Repeat<object>(HttpStatusCode.InternalServerError, 10).ToArray());
        var healthy = new ScriptedHandler(HttpStatusCode.OK);
        var services = new ServiceCollection();
        services.AddStandardHttpClientResilience();
        foreach (var (name, handler) in new[] { ("failing", failing), ("healthy", healthy) })
        {
            services.AddHttpClient(name)
                .ConfigurePrimaryHttpMessageHandler(() => handler)
                .ConfigureStandardResilience(o =>
                {
                    o.MaxRetryAttempts = 0;
                    o.CircuitBreakerMinimumThroughput = 2;
                    o.CircuitBreakerFailureRatio = 0.5;
                });
        }
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        (await factory.CreateClient("failing").GetAsync("http://upstream/")).Dispose();
        (await factory.CreateClient("failing").GetAsync("http://upstream/")).Dispose();
        await Assert.ThrowsAsync<BrokenCircuitException>(() => factory.CreateClient("failing").GetAsync("http://upstream/"));

        using var response = await factory.CreateClient("healthy").GetAsync("http://upstream/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static HttpClient CreateClient(ScriptedHandler server, Action<HttpResilienceOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddStandardHttpClientResilience();
        services.AddHttpClient("upstream")
            .ConfigurePrimaryHttpMessageHandler(() => server)
            .ConfigureStandardResilience(o =>
            {
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
                configure?.Invoke(o);
            });
        // The provider lives as long as the test: the client keeps its handler chain alive.
        var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IHttpClientFactory>().CreateClient("upstream");
    }

    private static HttpResponseMessage RetryAfter(HttpStatusCode status, TimeSpan delay)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
        return response;
    }

    /// <summary>
    /// Plays a script, one entry per call: a status code, a prepared response, an exception to
    /// throw, or <see cref="Hang"/> (wait until cancelled). The last entry repeats.
    /// </summary>
    private sealed class ScriptedHandler(params object[] script) : HttpMessageHandler
    {
        public static readonly object Hang = new();
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            var step = script[Math.Min(call, script.Length) - 1];
            switch (step)
            {
                case HttpStatusCode status:
                    return new HttpResponseMessage(status) { RequestMessage = request };
                case HttpResponseMessage prepared:
                    prepared.RequestMessage = request;
                    return prepared;
                case Exception exception:
                    throw exception;
                default:
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    throw new InvalidOperationException("unreachable");
            }
        }
    }
}
