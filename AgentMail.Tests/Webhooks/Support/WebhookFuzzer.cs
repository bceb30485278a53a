using System.Net;
using System.Text;
using AgentMail.Webhooks.Core.Security;

namespace AgentMail.Tests.Webhooks.Support;

/// <summary>
/// Random and mutated input for what a webhook destination is made of — the URL a client sends
/// and the addresses its host resolves to — and the promises checked on each: the URL rules never
/// throw, accept only http(s) with a host and no credentials, and accept their own normalized
/// form again unchanged; the address policy never throws and judges every IPv6 form that embeds
/// an IPv4 address (mapped, NAT64, 6to4) exactly as that address, so no form reaches a private
/// host the plain address could not. Shared by the suite's bounded run and AgentMail.Fuzz.
/// </summary>
public static class WebhookFuzzer
{
    private static readonly string[] Seeds =
    [
        "https://hooks.example.com/nylas?x=1",
        "http://203.0.113.7:8080/path",
        "https://user:secret@example.com/",
        "https://[2001:db8::1]/hook",
        "https://[::ffff:127.0.0.1]:443/",
        "http://127.0.0.1/",
        "https://xn--bcher-kva.example/",
        "https://bücher.example/ünï",
        "ftp://example.com/file",
        "file:///etc/passwd",
        "/relative/path",
        "https://example.com:99999/",
        "https://example.com/%zz%00#frag",
        "https:///nohost",
        "http://0x7f.1/",
        "https://example.com\\@evil.test/",
        " https://example.com/ ",
    ];

    private const string Interesting = "@:/?#[]%\\ \t\r\n\0.-_~!$&'()*+,;=ü٣\u200b\uFEFF";

    public static byte[] Generate(Random random)
    {
        if (random.Next(2) == 0)
        {
            var address = new byte[1 + (random.Next(3) == 0 ? 16 : 4)];
            random.NextBytes(address);
            address[0] = 1; // odd: an address
            return address;
        }
        var text = new StringBuilder(Seeds[random.Next(Seeds.Length)]);
        for (var mutations = random.Next(6); mutations > 0; mutations--)
        {
            var at = random.Next(text.Length + 1);
            switch (random.Next(6))
            {
                case 0: text.Insert(at, Interesting[random.Next(Interesting.Length)]); break;
                case 1 when text.Length > 0: text.Remove(Math.Min(at, text.Length - 1), 1); break;
                case 2: text.Insert(at, (char)random.Next(0x20, 0x7F)); break;
                case 3: text.Insert(at, Seeds[random.Next(Seeds.Length)]); break;
                case 4: text.Insert(at, new string('a', random.Next(3) == 0 ? 2100 : random.Next(64))); break;
                default: text.Insert(at, "%" + random.Next(256).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }
        return [0, .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public static void Check(byte[] input, int iteration)
    {
        if (input.Length == 0)
            return;
        if ((input[0] & 1) == 0)
            CheckUrl(Encoding.UTF8.GetString(input.AsSpan(1)));
        else if (input.Length - 1 is 4 or 16)
            CheckAddress(new IPAddress(input.AsSpan(1)));
        _ = iteration;
    }

    private static void CheckUrl(string text)
    {
        if (!WebhookUrlRules.TryParse(text, out var url, out var error))
        {
            Require(!string.IsNullOrEmpty(error), $"refused without a reason: {text}");
            return;
        }
        Require(url.Scheme is "http" or "https", $"accepted scheme {url.Scheme}: {text}");
        Require(url.UserInfo.Length == 0, $"accepted credentials: {text}");
        Require(!string.IsNullOrEmpty(url.IdnHost), $"accepted without a host: {text}");
        Require(text.Length <= WebhookUrlRules.MaxLength, $"accepted {text.Length} characters");
        // What is stored is the normalized form; validating it again must accept the same URL.
        var normalized = url.AbsoluteUri;
        Require(normalized.Length <= WebhookUrlRules.MaxLength, $"normalized to {normalized.Length} characters");
        Require(WebhookUrlRules.TryParse(normalized, out var again, out var reason), $"normalized form refused ({reason}): {normalized} from {text}");
        Require(again.AbsoluteUri == normalized, $"normalizing twice changed {normalized} into {again.AbsoluteUri}");
        if (IPAddress.TryParse(WebhookUrlRules.Host(url), out var literal))
            CheckAddress(literal);
    }

    private static void CheckAddress(IPAddress address)
    {
        var isPublic = AddressPolicy.IsPublic(address, out var kind);
        Require(isPublic == (kind.Length == 0), $"{address}: verdict {isPublic} with kind '{kind}'");
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            return;
        Span<byte> v4 = stackalloc byte[4];
        address.TryWriteBytes(v4, out _);
        Span<byte> nat64 = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, v4[0], v4[1], v4[2], v4[3]];
        Span<byte> sixToFour = [0x20, 0x02, v4[0], v4[1], v4[2], v4[3], 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        foreach (var embedding in new[] { address.MapToIPv6(), new IPAddress(nat64), new IPAddress(sixToFour) })
            Require(AddressPolicy.IsPublic(embedding, out _) == isPublic, $"{embedding} is judged unlike {address}");
    }

    private static void Require([System.Diagnostics.CodeAnalysis.DoesNotReturnIf(false)] bool condition, string message)
    {
        if (!condition)
            throw new InvalidOperationException("webhooks fuzz: " + message);
    }
}
