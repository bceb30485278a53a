using System.Security.Cryptography;
using System.Text;

namespace AgentMail.Webhooks.Core.Security;

/// <summary>
/// <c>X-Nylas-Signature</c>: the lower-case hex HMAC-SHA256 of the exact bytes sent (after gzip,
/// when the destination asked for compression), keyed with the destination's secret as UTF-8.
/// </summary>
public static class WebhookSignature
{
    public static string Compute(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>Constant-time comparison, as a receiver should do it.</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        if (signature is null)
            return false;
        var expected = Encoding.ASCII.GetBytes(Compute(secret, body));
        var given = Encoding.ASCII.GetBytes(signature.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
