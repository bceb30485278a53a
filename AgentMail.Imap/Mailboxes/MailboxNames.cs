using System.Diagnostics.CodeAnalysis;
using AgentMail.Imap.Protocol;
using AgentMail.Mailbox.Folders;

namespace AgentMail.Imap.Mailboxes;

/// <summary>
/// Mailbox names between the client and the store. The store keeps UTF-8 names with "/" as the
/// delimiter; IMAP4rev1 clients see modified UTF-7 (RFC 3501 §5.1.3), clients that enabled
/// UTF8=ACCEPT or IMAP4rev2 plain UTF-8 (RFC 6855 §3). INBOX is case-insensitive.
/// </summary>
public static class MailboxNames
{
    /// <summary>
    /// Names other clients give the system folders when they do not read SPECIAL-USE (CLIENTS.md 2).
    /// They resolve to the system folder (also as the first level of a longer name) unless a folder
    /// of that very name exists; they are never listed and cannot be created.
    /// </summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Sent Messages"] = SystemFolder.SentRole,   // Apple Mail
        ["Sent Items"] = SystemFolder.SentRole,      // Outlook
        ["Sent Mail"] = SystemFolder.SentRole,
        ["Deleted Messages"] = SystemFolder.TrashRole, // Apple Mail
        ["Deleted Items"] = SystemFolder.TrashRole,    // Outlook
        ["Junk E-mail"] = SystemFolder.JunkRole,       // Outlook
        ["Junk Email"] = SystemFolder.JunkRole,
        ["Spam"] = SystemFolder.JunkRole,
        ["Archives"] = SystemFolder.ArchiveRole,       // Thunderbird's default archive folder
    };

    /// <summary>Decodes a name as the client sent it into the store's form; false with a reason when it is not a valid name.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> raw, bool utf8, [NotNullWhen(true)] out string? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        if (utf8)
        {
            if (!System.Text.Unicode.Utf8.IsValid(raw))
            {
                error = "Mailbox name is not valid UTF-8";
                return false;
            }
            name = Encoding.UTF8.GetString(raw);
        }
        else if (!ModifiedUtf7.TryDecode(raw, out name, out var reason))
        {
            error = $"Mailbox name is not valid modified UTF-7 (RFC 3501 section 5.1.3): {reason}";
            return false;
        }
        // A trailing delimiter declares intent to create children (RFC 9051 §6.3.4); the name is the same.
        while (name.Length > 1 && name[^1] == Folder.Delimiter) name = name[..^1];
        name = FolderNameRules.Canonical(name);
        error = null;
        return true;
    }

    /// <summary>The store's name as this client must see it.</summary>
    public static string Encode(string name, bool utf8) => utf8 ? name : ModifiedUtf7.Encode(name);

    /// <summary>The system role an alias (or a name whose first level is an alias) stands for, with the name rewritten onto the system folder.</summary>
    public static bool TryResolveAlias(string name, [NotNullWhen(true)] out string? role, [NotNullWhen(true)] out string? rewritten)
    {
        var slash = name.IndexOf(Folder.Delimiter);
        var first = slash < 0 ? name : name[..slash];
        if (Aliases.TryGetValue(first, out role))
        {
            var system = SystemFolder.ForRole(role)!;
            rewritten = slash < 0 ? system.Name : system.Name + name[slash..];
            return true;
        }
        rewritten = null;
        return false;
    }

    public static bool IsAlias(string name) => Aliases.ContainsKey(name);

    /// <summary>The first level of a name ("a" of "a/b").</summary>
    public static string FirstLevel(string name)
    {
        var slash = name.IndexOf(Folder.Delimiter);
        return slash < 0 ? name : name[..slash];
    }
}
