using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Hosting;
using AgentMail.Mailbox.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMail.Mailbox.Authentication;

/// <summary>
/// Signs IMAP and SMTP clients in with a grant's e-mail and app password. Failures are counted in
/// Redis per address and per client IP (shared by every replica; a local count stands in while
/// Redis is down), and a verified password is cached per (grant, credential version) so that a
/// client opening six connections pays for bcrypt once — a rotation changes the version and so
/// invalidates the cache.
/// </summary>
public sealed partial class AppPasswordAuthenticator(
    GrantService grants,
    IRedisClient redis,
    IOptions<MailboxOptions> mailboxOptions,
    IOptions<AuthenticationOptions> options,
    TimeProvider clock,
    ILogger<AppPasswordAuthenticator> logger)
{
    // Keyed by a process-local HMAC of the password, so the cache never holds the password itself.
    private static readonly byte[] CacheKeySecret = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _verified = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Count, DateTimeOffset Expires)> _localFailures = new(StringComparer.Ordinal);

    public async Task<AuthenticationResult> AuthenticateAsync(string email, string password, IPAddress? client, CancellationToken cancellationToken)
    {
        var addressKey = $"agentmail:authfail:addr:{EmailAddressRules.Key(email)}";
        var clientKey = client is null ? null : $"agentmail:authfail:ip:{client}";
        var settings = options.Value;

        if (await CountAsync(addressKey).ConfigureAwait(false) >= settings.MaxFailuresPerAddress
            || (clientKey is not null && await CountAsync(clientKey).ConfigureAwait(false) >= settings.MaxFailuresPerClient))
        {
            LogThrottled(logger, email, client);
            return AuthenticationResult.Fail(AuthenticationFailure.Throttled);
        }

        var grant = await VerifyAsync(email, password, cancellationToken).ConfigureAwait(false);
        if (grant is not null)
            return new AuthenticationResult(grant, AuthenticationFailure.None);

        await RecordFailureAsync(addressKey).ConfigureAwait(false);
        if (clientKey is not null)
            await RecordFailureAsync(clientKey).ConfigureAwait(false);
        LogFailed(logger, email, client);
        if (settings.FailureDelay > TimeSpan.Zero)
            await Task.Delay(settings.FailureDelay, clock, cancellationToken).ConfigureAwait(false);
        return AuthenticationResult.Fail(AuthenticationFailure.InvalidCredentials);
    }

    private async Task<Grant?> VerifyAsync(string email, string password, CancellationToken cancellationToken)
    {
        if (email.Length > 254 || password.Length is 0 or > AppPasswordPolicy.MaxLength)
            return null;
        var credentials = await grants.GetCredentialsAsync(email, cancellationToken).ConfigureAwait(false);
        if (credentials is not ({ } grant, { } hash))
            return null; // unknown address, or no app password set: every sign-in is refused

        var cacheKey = $"{grant.Id:N}:{grant.CredentialVersion}:{Convert.ToHexString(HMACSHA256.HashData(CacheKeySecret, Encoding.UTF8.GetBytes(password)))}";
        var now = clock.GetUtcNow();
        if (_verified.TryGetValue(cacheKey, out var expires) && expires > now)
            return grant;

        // bcrypt is CPU-bound by design; keep it off the connection's I/O thread.
        var valid = await Task.Run(() => AppPasswordHasher.Verify(hash, password), cancellationToken).ConfigureAwait(false);
        if (!valid)
            return null;
        if (_verified.Count > 10_000)
            _verified.Clear(); // bounded: a cache miss costs one bcrypt
        _verified[cacheKey] = now + mailboxOptions.Value.AuthenticationCacheDuration;
        return grant;
    }

    private async Task<long> CountAsync(string key)
    {
        try
        {
            return await redis.GetCounterAsync(key).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            return _localFailures.TryGetValue(key, out var local) && local.Expires > clock.GetUtcNow() ? local.Count : 0;
        }
    }

    private async Task RecordFailureAsync(string key)
    {
        try
        {
            await redis.IncrementAsync(key, options.Value.FailureWindow).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            var now = clock.GetUtcNow();
            _localFailures.AddOrUpdate(key,
                _ => (1, now + options.Value.FailureWindow),
                (_, old) => old.Expires > now ? (old.Count + 1, old.Expires) : (1, now + options.Value.FailureWindow));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-in failed for {Email} from {Client}")]
    private static partial void LogFailed(ILogger logger, string email, IPAddress? client);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in throttled for {Email} from {Client}")]
    private static partial void LogThrottled(ILogger logger, string email, IPAddress? client);
}
