using System.Text.RegularExpressions;

namespace AgentMail.Mailbox.Grants;

/// <summary>
/// The addresses a grant may have: an RFC 5321 §4.1.2 Mailbox with a dot-atom local part (no
/// quoted strings — they cannot be typed into a mail client's user name field reliably) and a
/// domain of LDH labels, within RFC 5321 §4.5.3.1's length limits. UTF-8 local parts are
/// accepted (RFC 6531).
/// </summary>
public static partial class EmailAddressRules
{
    public static string? Validate(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
            return "email must not be empty.";
        if (email.Length > 254)
            return "email must be at most 254 characters long.";
        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1)
            return $"'{email}' is not an e-mail address: it needs a local part, '@' and a domain.";
        var local = email[..at];
        var domain = email[(at + 1)..];
        if (local.Length > 64)
            return "The local part of email (before '@') must be at most 64 characters long.";
        if (!LocalPart().IsMatch(local))
            return $"'{email}' is not a valid address: the local part may hold letters, digits and !#$%&'*+/=?^_`{{|}}~.- with no leading, trailing or double dots.";
        if (!Domain().IsMatch(domain))
            return $"'{email}' is not a valid address: the domain must be labels of letters, digits and hyphens separated by dots.";
        return null;
    }

    /// <summary>The case-insensitive key under which addresses are unique.</summary>
    public static string Key(string email) => email.Trim().ToLowerInvariant();

    [GeneratedRegex(@"^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$")]
    private static partial Regex LocalPart();

    [GeneratedRegex(@"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex Domain();
}
