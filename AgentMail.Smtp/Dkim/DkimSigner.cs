using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AgentMail.Smtp.Dkim;

/// <summary>
/// DKIM signing (RFC 6376): rsa-sha256, relaxed/relaxed, with the key configured for the signing
/// domain. The signature covers the fields that identify and describe a message, each instance
/// present (§5.4.2: several instances are listed as often as they occur), and "From" once more
/// than present, so that a From added in transit breaks the signature (§8.15).
/// </summary>
public sealed class DkimSigner
{
    /// <summary>Fields signed when present (§5.4.1 recommends these; never Received, Return-Path or Bcc).</summary>
    public static readonly IReadOnlyList<string> SignedFields =
    [
        "From", "Sender", "Reply-To", "Subject", "Date", "Message-ID", "To", "Cc", "In-Reply-To", "References",
        "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-ID",
        "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Auto-Submitted",
    ];

    private readonly Dictionary<string, (string Selector, RSA Key)> _keys = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _clock;

    public DkimSigner(IOptions<DkimOptions> options, TimeProvider clock)
    {
        _clock = clock;
        foreach (var (domain, settings) in options.Value.Domains)
        {
            if (string.IsNullOrWhiteSpace(settings.Selector) || string.IsNullOrWhiteSpace(settings.PrivateKeyPath))
                throw new InvalidOperationException($"Dkim:Domains:{domain} needs both Selector and PrivateKeyPath.");
            var key = RSA.Create();
            try
            {
                key.ImportFromPem(File.ReadAllText(settings.PrivateKeyPath));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
            {
                throw new InvalidOperationException($"Dkim:Domains:{domain}:PrivateKeyPath: cannot read an RSA private key from '{settings.PrivateKeyPath}': {e.Message}", e);
            }
            if (key.KeySize < 1024)
                throw new InvalidOperationException($"Dkim:Domains:{domain}: a {key.KeySize}-bit key is too short (RFC 8301 requires at least 1024; use 2048).");
            _keys[domain.TrimEnd('.')] = (settings.Selector, key);
        }
    }

    public bool HasKey(string domain) => _keys.ContainsKey(domain);

    /// <summary>The message with a DKIM-Signature field on top, or unchanged when no key is configured for <paramref name="domain"/>.</summary>
    public ReadOnlyMemory<byte> Sign(ReadOnlyMemory<byte> message, string domain)
    {
        if (!_keys.TryGetValue(domain, out var signing))
            return message;
        var field = CreateSignatureField(message.Span, domain, signing.Selector, signing.Key, _clock.GetUtcNow());
        var signed = new byte[field.Length + message.Length];
        field.CopyTo(signed, 0);
        message.Span.CopyTo(signed.AsSpan(field.Length));
        return signed;
    }

    /// <summary>The complete "DKIM-Signature: ...CRLF" field for <paramref name="message"/>.</summary>
    public static byte[] CreateSignatureField(ReadOnlySpan<byte> message, string domain, string selector, RSA key, DateTimeOffset now)
    {
        var (fields, bodyStart) = HeaderFields.Split(message);

        using var bodyHash = new Sha256Sink();
        DkimCanonicalization.RelaxedBody(message[bodyStart..], bodyHash);
        var bh = Convert.ToBase64String(bodyHash.Hash());

        var signedNames = new List<string>();
        foreach (var name in SignedFields)
        {
            var count = fields.Count(f => f.NameIs(name));
            for (var i = 0; i < count; i++)
                signedNames.Add(name.ToLowerInvariant());
        }
        signedNames.Add("from"); // over-signed: an extra From would not verify

        var value = new StringBuilder()
            .Append("v=1; a=rsa-sha256; c=relaxed/relaxed; d=").Append(domain).Append("; s=").Append(selector).Append(";\r\n\t")
            .Append("t=").Append(now.ToUnixTimeSeconds()).Append(";\r\n\t")
            .Append(FoldedNames(signedNames)).Append(";\r\n\t")
            .Append("bh=").Append(bh).Append(";\r\n\t")
            .Append("b=");
        var unsigned = Encoding.ASCII.GetBytes("DKIM-Signature: " + value);

        // §5.4.2: instances are taken from the bottom up, one per occurrence of the name in h=;
        // a name with no instance left contributes nothing.
        var input = new ByteSink();
        var used = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in signedNames)
        {
            used.TryGetValue(name, out var taken);
            var instances = fields.Where(f => f.NameIs(name)).ToList();
            if (taken < instances.Count)
                DkimCanonicalization.RelaxedHeader(message.Slice(instances[^(taken + 1)].Start, instances[^(taken + 1)].Length), input);
            used[name] = taken + 1;
        }
        // The signature field itself, b= empty, canonicalized, without its trailing CRLF (§3.7).
        var own = new ByteSink();
        DkimCanonicalization.RelaxedHeader(unsigned, own);
        input.Append(own.Written[..^2]);

        var signature = Convert.ToBase64String(key.SignData(input.Written, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var field = new StringBuilder(unsigned.Length + signature.Length + 64).Append("DKIM-Signature: ").Append(value);
        for (var i = 0; i < signature.Length; i += 72)
        {
            if (i > 0)
                field.Append("\r\n\t ");
            field.Append(signature, i, Math.Min(72, signature.Length - i));
        }
        return Encoding.ASCII.GetBytes(field.Append("\r\n").ToString());
    }

    /// <summary>"h=a:b:c", folded before a colon where a line would pass 76 characters (FWS is allowed there, §3.5).</summary>
    private static string FoldedNames(IReadOnlyList<string> names)
    {
        var text = new StringBuilder("h=");
        var lineLength = 3;
        for (var i = 0; i < names.Count; i++)
        {
            var piece = (i == 0 ? "" : ":") + names[i];
            if (lineLength + piece.Length > 75)
            {
                text.Append("\r\n\t");
                lineLength = 1;
            }
            text.Append(piece);
            lineLength += piece.Length;
        }
        return text.ToString();
    }
}

/// <summary>The top-level header fields of a message, each with its folds, and where the body starts.</summary>
public readonly record struct HeaderField(int Start, int Length, string Name)
{
    public bool NameIs(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);
}

public static class HeaderFields
{
    public static (List<HeaderField> Fields, int BodyStart) Split(ReadOnlySpan<byte> message)
    {
        var fields = new List<HeaderField>();
        var at = 0;
        while (at < message.Length)
        {
            var lineEnd = message[at..].IndexOf((byte)'\n');
            var next = lineEnd < 0 ? message.Length : at + lineEnd + 1;
            var line = message[at..next];
            if (line.SequenceEqual("\r\n"u8) || line.SequenceEqual("\n"u8))
                return (fields, next);
            if (line[0] is (byte)' ' or (byte)'\t' && fields.Count > 0)
            {
                var last = fields[^1];
                fields[^1] = last with { Length = next - last.Start };
            }
            else
            {
                var colon = line.IndexOf((byte)':');
                var name = colon < 0 ? "" : Encoding.ASCII.GetString(line[..colon]).TrimEnd(' ', '\t');
                fields.Add(new HeaderField(at, next - at, name));
            }
            at = next;
        }
        return (fields, message.Length);
    }
}
