using System.Text;

namespace AgentMail.Mailbox.Folders;

/// <summary>
/// What a folder name may be, whichever surface creates it. Names are stored as UTF-8 with '/'
/// as the hierarchy delimiter; IMAP encodes them to modified UTF-7 for clients that need it.
/// </summary>
public static class FolderNameRules
{
    public const int MaxBytes = 512;

    /// <summary>Returns null when <paramref name="name"/> is acceptable, else why not.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "A folder name must not be empty.";
        if (Encoding.UTF8.GetByteCount(name) > MaxBytes)
            return $"A folder name must be at most {MaxBytes} bytes of UTF-8.";
        if (name[0] == Folder.Delimiter || name[^1] == Folder.Delimiter)
            return "A folder name must not start or end with '/'.";
        if (name.Contains("//", StringComparison.Ordinal))
            return "A folder name must not contain an empty level ('//').";
        foreach (var rune in name.EnumerateRunes())
        {
            if (Rune.IsControl(rune))
                return "A folder name must not contain control characters.";
            // RFC 9051 §5.1: '%' and '*' are LIST wildcards; a name holding them cannot be listed exactly.
            if (rune.Value is '%' or '*')
                return "A folder name must not contain '%' or '*'.";
        }
        foreach (var level in name.Split(Folder.Delimiter))
        {
            if (level.Trim().Length == 0)
                return "A folder name must not have a level that is only spaces.";
        }
        return null;
    }

    /// <summary>INBOX is case-insensitive in IMAP (RFC 9051 §5.1), so "inbox" and "Inbox/x" name INBOX's subtree.</summary>
    public static string Canonical(string name)
    {
        if (name.Equals(SystemFolder.InboxName, StringComparison.OrdinalIgnoreCase))
            return SystemFolder.InboxName;
        if (name.Length > 6 && name.StartsWith("INBOX/", StringComparison.OrdinalIgnoreCase))
            return SystemFolder.InboxName + name[5..];
        return name;
    }

    /// <summary>The names of every ancestor of <paramref name="name"/>, outermost first.</summary>
    public static IEnumerable<string> Ancestors(string name)
    {
        for (var i = name.IndexOf(Folder.Delimiter); i > 0; i = name.IndexOf(Folder.Delimiter, i + 1))
            yield return name[..i];
    }
}
