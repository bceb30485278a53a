namespace AgentMail.Mime.Imap;

/// <summary>RFC 2231 §4 extended values: charset'language'percent-encoded octets.</summary>
internal static class Rfc2231
{
    /// <summary>Encodes as utf-8'language'%XX..., escaping everything but attribute-chars.</summary>
    public static string Encode(string value, string? language)
    {
        var text = new StringBuilder("utf-8'").Append(language).Append('\'');
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (IsAttributeChar(b)) text.Append((char)b);
            else text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>attribute-char: a token character other than '*', "'" and '%' (RFC 2231 §7).</summary>
    public static bool IsAttributeChar(byte b) =>
        b is > 0x20 and < 0x7F && "()<>@,;:\\\"/[]?=*'%"u8.IndexOf(b) < 0;
}
