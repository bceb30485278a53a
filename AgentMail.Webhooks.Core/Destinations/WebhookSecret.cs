using System.Security.Cryptography;

namespace AgentMail.Webhooks.Core.Destinations;

/// <summary>A destination's signing secret: 256 random bits, base64url without padding (43 characters).</summary>
public static class WebhookSecret
{
    public static string Generate() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
