namespace AgentMail.Mailbox.Messages;

/// <summary>
/// A keyword is an IMAP atom (RFC 9051 §9 flag-keyword): printable ASCII without spaces, parentheses,
/// braces, wildcards, quotes, backslash or ']'. System flags (\Seen …) are not keywords.
/// </summary>
public static class KeywordRules
{
    public const int MaxLength = 100;

    public static bool IsValid(string keyword)
    {
        if (keyword.Length is 0 or > MaxLength)
            return false;
        foreach (var c in keyword)
        {
            if (c <= ' ' || c >= 0x7f || c is '(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']')
                return false;
        }
        return true;
    }

    public static void Validate(IEnumerable<string> keywords)
    {
        foreach (var keyword in keywords)
        {
            if (!IsValid(keyword))
                throw new MailboxException(MailboxError.InvalidArgument, $"'{keyword}' is not a valid keyword (an IMAP atom of at most {MaxLength} characters).");
        }
    }
}
