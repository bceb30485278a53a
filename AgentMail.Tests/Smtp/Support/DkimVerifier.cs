using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentMail.Tests.Smtp.Support;

/// <summary>
/// A DKIM verifier written for the tests straight from RFC 6376 (§3.4.2, §3.4.4, §3.7, §5.4.2,
/// §6.1.3), on strings and regular expressions, sharing no code with the signer it checks.
/// Only what the signer may produce: rsa-sha256 with relaxed/relaxed.
/// </summary>
public static partial class DkimVerifier
{
    public static (bool Valid, string Reason) Verify(byte[] message, RSA publicKey, string expectedDomain)
    {
        var text = Encoding.Latin1.GetString(message);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var header = split < 0 ? text : text[..(split + 2)];
        var body = split < 0 ? "" : text[(split + 4)..];
        var fields = Fields().Matches(header).Select(m => m.Value).ToList();
        var signatureField = fields.FirstOrDefault(f => f.StartsWith("DKIM-Signature:", StringComparison.OrdinalIgnoreCase));
        if (signatureField is null)
            return (false, "no DKIM-Signature");
        var tags = signatureField[(signatureField.IndexOf(':') + 1)..].Split(';')
            .Select(t => t.Trim()).Where(t => t.Length > 0)
            .ToDictionary(t => t[..t.IndexOf('=')].Trim(), t => Whitespace().Replace(t[(t.IndexOf('=') + 1)..], ""));
        if (tags["v"] != "1" || tags["a"] != "rsa-sha256" || tags["c"] != "relaxed/relaxed")
            return (false, "unexpected v/a/c");
        if (tags["d"] != expectedDomain)
            return (false, $"d={tags["d"]}");

        // §3.4.4 relaxed body
        var lines = body.Split("\r\n").ToList();
        if (lines.Count > 0 && lines[^1] == "")
            lines.RemoveAt(lines.Count - 1);
        lines = lines.Select(l => WspRun().Replace(l, " ").TrimEnd(' ')).ToList();
        while (lines.Count > 0 && lines[^1] == "")
            lines.RemoveAt(lines.Count - 1);
        var canonicalBody = lines.Count == 0 ? "" : string.Join("\r\n", lines) + "\r\n";
        var bodyHash = Convert.ToBase64String(SHA256.HashData(Encoding.Latin1.GetBytes(canonicalBody)));
        if (bodyHash != tags["bh"])
            return (false, "body hash mismatch");

        // §5.4.2: for each name in h=, the next instance from the bottom
        var input = new StringBuilder();
        var taken = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var others = fields.Where(f => !ReferenceEquals(f, signatureField)).ToList();
        foreach (var name in tags["h"].Split(':'))
        {
            var instances = others.Where(f => f.Split(':')[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
            taken.TryGetValue(name, out var n);
            taken[name] = n + 1;
            if (n < instances.Count)
                input.Append(Relaxed(instances[instances.Count - 1 - n])).Append("\r\n");
        }
        // §3.7: the signature field with an empty b= value, no trailing CRLF
        var withoutB = BValue().Replace(signatureField, "$1");
        input.Append(Relaxed(withoutB));

        var signature = Convert.FromBase64String(tags["b"]);
        return publicKey.VerifyData(Encoding.Latin1.GetBytes(input.ToString()), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            ? (true, "ok")
            : (false, "signature mismatch");
    }

    /// <summary>§3.4.2 relaxed header: lower-case name, unfolded, WSP runs to one SP, trimmed around the colon and at the end.</summary>
    private static string Relaxed(string field)
    {
        var unfolded = field.Replace("\r\n", "");
        var colon = unfolded.IndexOf(':');
        var name = unfolded[..colon].TrimEnd(' ', '\t').ToLowerInvariant();
        var value = WspRun().Replace(unfolded[(colon + 1)..], " ").Trim(' ');
        return name + ":" + value;
    }

    [GeneratedRegex(@"(?m)^[^ \t\r\n][^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*")]
    private static partial Regex Fields();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex WspRun();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"((?:^|[;\s])b=)[^;]*")]
    private static partial Regex BValue();

    /// <summary>The public key as a DNS TXT record would carry it (RFC 6376 §3.6.1).</summary>
    public static string TxtRecord(RSA key) => $"v=DKIM1; k=rsa; p={Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())}";

    /// <summary>dkimpy (Debian python3-dkim), an independent implementation, with our TXT record in place of DNS.</summary>
    public static async Task<(bool Valid, string Output)> VerifyWithDkimpyAsync(byte[] message, RSA key)
    {
        const string script = """
            import sys, dkim
            record = sys.argv[1].encode()
            message = open(sys.argv[2], 'rb').read()
            ok = dkim.verify(message, dnsfunc=lambda name, timeout=5: record)
            print('PASS' if ok else 'FAIL')
            """;
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, message);
        try
        {
            var (code, output, error) = await ExternalProcess.RunAsync(ExternalProcess.DebianPython, ["-c", script, TxtRecord(key), file]);
            if (code != 0)
                throw new InvalidOperationException($"dkimpy failed (is python3-dkim installed? ./test.sh installs it): {error}");
            return (output.Trim() == "PASS", output + error);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
