namespace AgentMail.Mime.Headers;

/// <summary>Shared string instances for the tokens nearly every message repeats.</summary>
internal static class TokenCache
{
    private static readonly string[] Common =
    [
        "text", "plain", "html", "multipart", "mixed", "alternative", "related", "report", "signed",
        "application", "octet-stream", "pdf", "image", "jpeg", "png", "gif", "message", "rfc822",
        "delivery-status", "charset", "boundary", "name", "filename", "format", "flowed", "type",
        "utf-8", "UTF-8", "us-ascii", "US-ASCII", "iso-8859-1", "ISO-8859-1", "windows-1252",
        "attachment", "inline", "7bit", "8bit", "base64", "quoted-printable", "binary",
        "TEXT", "PLAIN", "HTML", "MULTIPART", "MIXED", "ALTERNATIVE", "RELATED", "APPLICATION",
        "OCTET-STREAM", "IMAGE", "MESSAGE", "RFC822", "CHARSET", "BOUNDARY", "NAME", "7BIT", "BASE64",
    ];

    public static string Get(ReadOnlySpan<byte> token)
    {
        if (token.Length is > 0 and <= 24)
        {
            foreach (var candidate in Common)
            {
                if (candidate.Length != token.Length) continue;
                var match = true;
                for (var i = 0; i < token.Length; i++)
                    if (candidate[i] != token[i]) { match = false; break; }
                if (match) return candidate;
            }
        }
        return HeaderText.ToText(token);
    }
}
