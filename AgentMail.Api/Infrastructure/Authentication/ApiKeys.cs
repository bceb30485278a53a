using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AgentMail.Api.Infrastructure.Authentication;

/// <summary>
/// The configured API keys, kept as SHA-256 digests. A presented key is hashed and compared with
/// every digest in constant time (no early exit, equal lengths), so neither the comparison nor
/// the number of keys tried reveals how much of a guess was right.
/// </summary>
public sealed class ApiKeys(IOptions<ApiOptions> options)
{
    private readonly byte[][] _digests = options.Value.Keys
        .Where(k => !string.IsNullOrEmpty(k))
        .Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))
        .ToArray();

    public bool IsValid(ReadOnlySpan<char> presented)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(presented.Length));
        try
        {
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, Encoding.UTF8.GetBytes(presented, buffer)), digest);
            var match = false;
            foreach (var known in _digests)
                match |= CryptographicOperations.FixedTimeEquals(digest, known);
            return match;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
