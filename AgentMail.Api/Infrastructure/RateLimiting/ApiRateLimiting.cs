using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using AgentMail.Api.Infrastructure.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMail.Api.Infrastructure.RateLimiting;

/// <summary>
/// Optional per-key rate limit (<see cref="ApiOptions.RateLimitPerSecond"/>): a token bucket per
/// API key and replica. Refusals are Nylas's 429 <c>rate_limit_error</c> with Retry-After.
/// </summary>
public static class ApiRateLimiting
{
    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services, ApiOptions options)
    {
        if (options.RateLimitPerSecond <= 0)
            return services;
        return services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/v3")
                    ? RateLimitPartition.GetTokenBucketLimiter(Partition(context), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.RateLimitPerSecond + options.RateLimitBurst,
                        TokensPerPeriod = options.RateLimitPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter("unlimited"));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter =
                    rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) : "1";
                await ErrorResponse.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, ApiErrorTypes.RateLimit,
                    "Too many requests, please try again shortly.");
            };
        });
    }

    /// <summary>A digest of the presented key (never the key itself as a dictionary key in memory dumps).</summary>
    private static string Partition(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.Length == 0 ? "anonymous" : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(header)).AsSpan(0, 12));
    }
}
