using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using AgentMail.Api.Infrastructure.Errors;
using Microsoft.Extensions.Options;

namespace AgentMail.Api.Infrastructure.Paging;

/// <summary>
/// Opaque, tamper-evident page tokens (<c>next_cursor</c> → <c>page_token</c>). A token carries a
/// position (where the next page starts) and an HMAC-SHA256 over that position and its scope —
/// the resource, the grant and the filters of the query that issued it. A token that was forged,
/// altered, cut, or issued for another grant or other filters fails the check: a 400, never a
/// page of someone else's data. The scope itself is not in the token, only verified.
/// </summary>
public sealed class PageTokens
{
    /// <summary>Tokens longer than this are refused before any decoding.</summary>
    public const int MaxLength = 256;
    private const byte Version = 1;
    private const int MacLength = 16;
    private readonly byte[] _key;

    public PageTokens(IOptions<ApiOptions> options)
    {
        var secret = options.Value.PageTokenSecret;
        // Derived, not the key itself: a page token must never help anyone learn an API key.
        _key = string.IsNullOrEmpty(secret)
            ? HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(options.Value.Keys.FirstOrDefault() ?? ""), 32, info: "agentmail page tokens"u8.ToArray())
            : SHA256.HashData(Encoding.UTF8.GetBytes(secret));
    }

    public string Create(string scope, ReadOnlySpan<byte> position)
    {
        var payload = new byte[1 + position.Length + MacLength];
        payload[0] = Version;
        position.CopyTo(payload.AsSpan(1));
        Mac(scope, payload.AsSpan(0, 1 + position.Length), payload.AsSpan(1 + position.Length));
        return Base64Url.EncodeToString(payload);
    }

    /// <summary>
    /// The position in <paramref name="token"/>, or null when there is no token (the first page).
    /// Throws a 400 for a token that is too long, malformed, or not issued for <paramref name="scope"/>.
    /// </summary>
    public byte[]? Read(string? token, string scope, int positionLength)
    {
        if (string.IsNullOrEmpty(token))
            return null;
        if (token.Length > MaxLength)
            throw ApiException.BadRequest($"'page_token' is too long ({token.Length} characters; tokens we issue are at most {MaxLength}).");
        var payload = new byte[Base64Url.GetMaxDecodedLength(token.Length)];
        if (!TryDecode(token, payload, out var length) || length != 1 + positionLength + MacLength || payload[0] != Version)
            throw Invalid();
        // Only the exact text we issued: the decoder skips whitespace and ignores the last character's
        // spare bits, so other spellings of the same bytes would otherwise pass.
        if (!Base64Url.EncodeToString(payload.AsSpan(0, length)).Equals(token, StringComparison.Ordinal))
            throw Invalid();
        Span<byte> expected = stackalloc byte[MacLength];
        Mac(scope, payload.AsSpan(0, 1 + positionLength), expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, payload.AsSpan(1 + positionLength, MacLength)))
            throw Invalid();
        return payload.AsSpan(1, positionLength).ToArray();
    }

    private static bool TryDecode(string token, byte[] payload, out int length)
    {
        try
        {
            return Base64Url.TryDecodeFromChars(token, payload, out length);
        }
        catch (FormatException)
        {
            // Some malformed input (e.g. a lone trailing character) throws instead of returning false.
            length = 0;
            return false;
        }
    }

    private void Mac(string scope, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        var scopeBytes = Encoding.UTF8.GetBytes(scope);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, scopeBytes.Length);
        hmac.AppendData(length);
        hmac.AppendData(scopeBytes);
        hmac.AppendData(payload);
        Span<byte> full = stackalloc byte[32];
        hmac.GetHashAndReset(full);
        full[..MacLength].CopyTo(destination);
    }

    private static ApiException Invalid() =>
        ApiException.BadRequest("'page_token' is not valid: pass the next_cursor of the previous page, with the same filters.");
}
