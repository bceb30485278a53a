using System.Globalization;

namespace AgentMail.Mailbox.Changes;

/// <summary>
/// Wire form of a <see cref="MailboxChange"/> on Redis: <c>origin|kind|folder|modseq|version</c>.
/// The origin lets a process ignore the echo of what it already dispatched locally.
/// </summary>
internal static class ChangeMessageFormat
{
    public static string Format(Guid origin, MailboxChange change) => string.Create(CultureInfo.InvariantCulture,
        $"{origin:N}|{(int)change.Kind}|{change.FolderId}|{change.ModSeq}|{change.CredentialVersion}");

    public static bool TryParse(Guid grantId, string message, out Guid origin, out MailboxChange change)
    {
        origin = Guid.Empty;
        change = null!;
        var parts = message.Split('|');
        if (parts.Length != 5
            || !Guid.TryParseExact(parts[0], "N", out origin)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kind)
            || !Enum.IsDefined((ChangeKind)kind)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var folder)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var modseq)
            || !int.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }
        change = new MailboxChange(grantId, (ChangeKind)kind, folder, modseq, version);
        return true;
    }
}
