namespace AgentMail.Mailbox.Grants;

/// <summary>
/// The app password rules of DESIGN.md: 18–40 printable ASCII characters (33–126), with at least
/// one upper-case letter, one lower-case letter and one digit. Each refusal names its rule.
/// </summary>
public static class AppPasswordPolicy
{
    public const int MinLength = 18;
    public const int MaxLength = 40;

    /// <summary>Returns null when the password is acceptable, else the rule it breaks.</summary>
    public static string? Validate(string? password)
    {
        if (string.IsNullOrEmpty(password))
            return "app_password must not be empty.";
        if (password.Length < MinLength)
            return $"app_password must be at least {MinLength} characters long (got {password.Length}).";
        if (password.Length > MaxLength)
            return $"app_password must be at most {MaxLength} characters long (got {password.Length}).";

        bool upper = false, lower = false, digit = false;
        foreach (var c in password)
        {
            if (c == ' ')
                return "app_password must not contain spaces.";
            if (char.IsControl(c))
                return "app_password must not contain control characters.";
            if (c > '~')
                return "app_password must contain only ASCII characters (codes 33 to 126).";
            upper |= c is >= 'A' and <= 'Z';
            lower |= c is >= 'a' and <= 'z';
            digit |= c is >= '0' and <= '9';
        }
        if (!upper)
            return "app_password must contain at least one upper-case letter (A-Z).";
        if (!lower)
            return "app_password must contain at least one lower-case letter (a-z).";
        if (!digit)
            return "app_password must contain at least one digit (0-9).";
        return null;
    }
}
