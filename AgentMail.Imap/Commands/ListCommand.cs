using AgentMail.Imap.Mailboxes;
using AgentMail.Imap.Protocol;
using AgentMail.Imap.Session;
using AgentMail.Mailbox.Folders;

namespace AgentMail.Imap.Commands;

public enum ListKind
{
    List,
    Lsub,
    Xlist,
}

[Flags]
public enum ListSelection
{
    None = 0,
    Subscribed = 1,
    Remote = 2,
    RecursiveMatch = 4,
    SpecialUse = 8,
}

[Flags]
public enum ListReturn
{
    None = 0,
    Subscribed = 1,
    Children = 2,
    SpecialUse = 4,
    Status = 8,
}

/// <summary>
/// LIST (RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258: selection and return options, several
/// patterns), LIST-STATUS (RFC 5819) and SPECIAL-USE (RFC 6154); LSUB (RFC 3501 §6.3.9) and
/// Apple's/Gmail's XLIST. Special-use attributes are always returned, on all three (CLIENTS.md 1):
/// Outlook 2013 reads them from LSUB, older Outlook from XLIST (where Junk is \Spam and INBOX \Inbox).
/// </summary>
public sealed record ListCommand(ListKind Kind, ListSelection Selection, byte[] Reference, IReadOnlyList<byte[]> Patterns,
    ListReturn Return, IReadOnlyList<StatusItems> StatusItems) : ImapCommand
{
    public override string Name => Kind switch { ListKind.Lsub => "LSUB", ListKind.Xlist => "XLIST", _ => "LIST" };

    public static ListCommand Parse(ref ImapReader reader, ListKind kind)
    {
        reader.Space();
        var selection = ListSelection.None;
        if (kind == ListKind.List && reader.Peek() == (byte)'(')
        {
            reader.Expect((byte)'(');
            if (!reader.TryConsume((byte)')'))
            {
                do
                {
                    if (reader.TryKeyword("SUBSCRIBED"u8)) selection |= ListSelection.Subscribed;
                    else if (reader.TryKeyword("REMOTE"u8)) selection |= ListSelection.Remote;
                    else if (reader.TryKeyword("RECURSIVEMATCH"u8)) selection |= ListSelection.RecursiveMatch;
                    else if (reader.TryKeyword("SPECIAL-USE"u8)) selection |= ListSelection.SpecialUse;
                    else throw new ImapSyntaxException("Unknown LIST selection option");
                }
                while (reader.TryConsume((byte)' '));
                reader.Expect((byte)')');
            }
            // RFC 5258 §3.1: RECURSIVEMATCH only refines another selection option.
            if ((selection & ListSelection.RecursiveMatch) != 0 && (selection & (ListSelection.Subscribed | ListSelection.SpecialUse)) == 0)
                throw new ImapSyntaxException("RECURSIVEMATCH needs another selection option");
            reader.Space();
        }

        var reference = reader.AStringBytes();
        reader.Space();
        var patterns = new List<byte[]>();
        if (kind == ListKind.List && reader.Peek() == (byte)'(')
        {
            reader.Expect((byte)'(');
            do
            {
                patterns.Add(ListMailbox(ref reader));
                if (patterns.Count > 100) throw new ImapSyntaxException("Too many patterns");
            }
            while (reader.TryConsume((byte)' '));
            reader.Expect((byte)')');
        }
        else
        {
            patterns.Add(ListMailbox(ref reader));
        }

        var returns = ListReturn.None;
        List<StatusItems> status = [];
        if (kind == ListKind.List && reader.TryConsume((byte)' '))
        {
            if (!reader.TryKeyword("RETURN"u8)) throw new ImapSyntaxException("Expected RETURN");
            reader.Space();
            reader.Expect((byte)'(');
            if (!reader.TryConsume((byte)')'))
            {
                do
                {
                    if (reader.TryKeyword("SUBSCRIBED"u8)) returns |= ListReturn.Subscribed;
                    else if (reader.TryKeyword("CHILDREN"u8)) returns |= ListReturn.Children;
                    else if (reader.TryKeyword("SPECIAL-USE"u8)) returns |= ListReturn.SpecialUse;
                    else if (reader.TryKeyword("STATUS"u8))
                    {
                        reader.Space();
                        status = Commands.StatusCommand.ParseItems(ref reader);
                        returns |= ListReturn.Status;
                    }
                    else throw new ImapSyntaxException("Unknown LIST return option");
                }
                while (reader.TryConsume((byte)' '));
                reader.Expect((byte)')');
            }
        }
        return new ListCommand(kind, selection, reference, patterns, returns, status);
    }

    /// <summary>list-mailbox = 1*list-char / string.</summary>
    private static byte[] ListMailbox(ref ImapReader reader) =>
        reader.Peek() is (byte)'"' or (byte)'{' ? reader.StringBytes() : reader.Take(ImapChars.IsListChar, "a mailbox pattern").ToArray();

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var writer = session.Writer;
        var utf8 = session.Utf8Names;
        var reference = Text(Reference, utf8);

        // LIST "" "": the hierarchy delimiter and root (RFC 9051 §6.3.9).
        if (Patterns.Count == 1 && Patterns[0].Length == 0)
        {
            if (Kind != ListKind.Lsub) writer.UntaggedLine($"{Name} (\\Noselect) \"/\" \"\"");
            return CommandResult.Ok($"{Name} completed");
        }
        if ((Return & ListReturn.Status) != 0 && StatusItems.Contains(Commands.StatusItems.HighestModSeq))
            await session.EnableCondStoreAsync(cancellationToken).ConfigureAwait(false);

        var patterns = Patterns.Select(p => new ListPattern(reference + Text(p, utf8))).ToList();
        var folders = await session.Services.Folders.ListAsync(session.GrantId, cancellationToken).ConfigureAwait(false);
        var parents = new HashSet<string>(StringComparer.Ordinal);
        var subscribedParents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            foreach (var ancestor in FolderNameRules.Ancestors(folder.Name))
            {
                parents.Add(ancestor);
                if (folder.Subscribed) subscribedParents.Add(ancestor);
            }
        }

        var subscribedOnly = Kind == ListKind.Lsub || (Selection & ListSelection.Subscribed) != 0;
        var showSubscribed = Kind == ListKind.List && ((Selection & ListSelection.Subscribed) != 0 || (Return & ListReturn.Subscribed) != 0);
        foreach (var folder in folders)
        {
            var name = session.ClientName(folder.Name);
            if (!patterns.Any(p => p.Matches(name))) continue;
            var special = folder.System?.SpecialUse;
            if ((Selection & ListSelection.SpecialUse) != 0 && special is null) continue;

            var childInfo = false;
            var noSelect = false;
            if (subscribedOnly && !folder.Subscribed)
            {
                // RFC 5258 §3.5 (CHILDINFO) and RFC 3501 §6.3.9 (LSUB \Noselect): a parent shown for its subscribed children.
                if (!subscribedParents.Contains(folder.Name)) continue;
                if (Kind == ListKind.Lsub && patterns.Any(p => !p.Matches(name + "/x") && p.Matches(name))) noSelect = true;
                else if (Kind == ListKind.List && (Selection & ListSelection.RecursiveMatch) != 0) childInfo = true;
                else continue;
            }

            var attributes = new List<string>(4);
            if (noSelect) attributes.Add(@"\Noselect");
            attributes.Add(parents.Contains(folder.Name) ? @"\HasChildren" : @"\HasNoChildren");
            if (showSubscribed && folder.Subscribed) attributes.Add(@"\Subscribed");
            if (Kind == ListKind.Xlist)
            {
                if (folder.IsInbox) attributes.Add(@"\Inbox");
                else if (special is not null) attributes.Add(special == @"\Junk" ? @"\Spam" : special);
            }
            else if (special is not null)
            {
                attributes.Add(special);
            }

            writer.Untagged();
            writer.Ascii(Name);
            writer.Raw(" ("u8);
            writer.Ascii(string.Join(' ', attributes));
            writer.Raw(") \"/\" "u8);
            writer.String(name, utf8);
            if (childInfo) writer.Raw(" (\"CHILDINFO\" (\"SUBSCRIBED\"))"u8);
            writer.Crlf();

            if ((Return & ListReturn.Status) != 0 && !noSelect)
                await Commands.StatusCommand.WriteAsync(session, folder, StatusItems, cancellationToken).ConfigureAwait(false);
        }
        return CommandResult.Ok($"{Name} completed");
    }

    /// <summary>Reference and pattern are compared with names as the client sees them.</summary>
    private static string Text(byte[] bytes, bool utf8) => utf8 ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
}
