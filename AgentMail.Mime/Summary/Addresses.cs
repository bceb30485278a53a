using AgentMail.Mime.Headers;

namespace AgentMail.Mime.Summary;

/// <summary>From ENVELOPE addresses to API addresses.</summary>
public static class Addresses
{
    /// <summary>Mailboxes of a list (groups flattened), names decoded (RFC 2047, RFC 6532).</summary>
    public static IReadOnlyList<EmailAddress> ToEmailAddresses(IReadOnlyList<EnvelopeAddress>? addresses)
    {
        if (addresses is null || addresses.Count == 0) return [];
        var result = new List<EmailAddress>(addresses.Count);
        foreach (var a in addresses)
        {
            if (!a.IsMailbox) continue;
            var address = FormatAddress(a.Mailbox ?? string.Empty, a.Host ?? string.Empty);
            if (address.Length == 0) continue;
            var name = a.Name is null ? null : EncodedWords.Decode(a.Name).Trim();
            result.Add(new EmailAddress(string.IsNullOrEmpty(name) ? null : name, address));
        }
        return result;
    }

    /// <summary>Parses an address-list header value into API addresses.</summary>
    public static IReadOnlyList<EmailAddress> Parse(string value) => ToEmailAddresses(AddressParser.Parse(value));

    /// <summary>"local@domain", quoting the local part when it is not a dot-atom.</summary>
    public static string FormatAddress(string local, string domain)
    {
        if (local.Length > 0 && !IsDotAtom(local)) local = "\"" + local.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        return domain.Length == 0 ? local : local + "@" + domain;
    }

    internal static bool IsDotAtom(string text)
    {
        if (text.Length == 0 || text[0] == '.' || text[^1] == '.' || text.Contains("..", StringComparison.Ordinal)) return false;
        foreach (var c in text)
            if (c != '.' && (c < 0x80 ? !StructuredReader.IsAtomText((byte)c) : char.IsControl(c))) return false;
        return true;
    }
}
