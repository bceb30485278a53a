using AgentMail.Imap.Protocol;

namespace AgentMail.Imap.Commands;

/// <summary>
/// command = tag SP (command-any / command-auth / command-nonauth / command-select) (RFC 9051 §9):
/// reads the tag and the command name and hands the arguments to the command's own parser.
/// Pure: no session, no I/O — the fuzz target drives it directly.
/// </summary>
public static class CommandParser
{
    /// <summary>Length of a valid tag at the start of <paramref name="command"/> (followed by SP or the end), else 0.</summary>
    public static int TagLength(ReadOnlySpan<byte> command)
    {
        var n = 0;
        while (n < command.Length && ImapChars.IsTagChar(command[n])) n++;
        return n > 0 && (n == command.Length || command[n] == (byte)' ') ? n : 0;
    }

    public static ImapCommand Parse(ReadOnlyMemory<byte> command, out int tagLength)
    {
        var span = command.Span;
        tagLength = 0;
        if (span.IsEmpty) throw new ImapSyntaxException("Empty command line");
        var length = TagLength(span);
        if (length == 0) throw new ImapSyntaxException("Invalid or missing tag");
        tagLength = length;
        if (length == span.Length) throw new ImapSyntaxException("Missing command");

        var reader = new ImapReader(command[(length + 1)..], length + 1);
        var uid = false;
        var name = CommandName(ref reader);
        if (name == "UID")
        {
            uid = true;
            reader.Space();
            name = CommandName(ref reader);
        }

        var parsed = uid ? ParseUid(name, ref reader) : Parse(name, ref reader);
        reader.ExpectEnd();
        return parsed;
    }

    private static string CommandName(ref ImapReader reader)
    {
        if (reader.End) throw new ImapSyntaxException("Missing command");
        var atom = reader.Atom();
        if (atom.Length > 32) throw new ImapSyntaxException("Unknown command");
        Span<char> upper = stackalloc char[atom.Length];
        Ascii.ToUpper(atom, upper, out _);
        return upper switch
        {
            // Interned names: no allocation for the commands that exist.
            "CAPABILITY" => "CAPABILITY",
            "NOOP" => "NOOP",
            "LOGOUT" => "LOGOUT",
            "STARTTLS" => "STARTTLS",
            "AUTHENTICATE" => "AUTHENTICATE",
            "LOGIN" => "LOGIN",
            "ENABLE" => "ENABLE",
            "SELECT" => "SELECT",
            "EXAMINE" => "EXAMINE",
            "CREATE" => "CREATE",
            "DELETE" => "DELETE",
            "RENAME" => "RENAME",
            "SUBSCRIBE" => "SUBSCRIBE",
            "UNSUBSCRIBE" => "UNSUBSCRIBE",
            "LIST" => "LIST",
            "LSUB" => "LSUB",
            "XLIST" => "XLIST",
            "NAMESPACE" => "NAMESPACE",
            "STATUS" => "STATUS",
            "APPEND" => "APPEND",
            "IDLE" => "IDLE",
            "CHECK" => "CHECK",
            "CLOSE" => "CLOSE",
            "UNSELECT" => "UNSELECT",
            "EXPUNGE" => "EXPUNGE",
            "SEARCH" => "SEARCH",
            "FETCH" => "FETCH",
            "STORE" => "STORE",
            "COPY" => "COPY",
            "MOVE" => "MOVE",
            "UID" => "UID",
            "ID" => "ID",
            "GETQUOTA" => "GETQUOTA",
            "GETQUOTAROOT" => "GETQUOTAROOT",
            "SETQUOTA" => "SETQUOTA",
            "SORT" => "SORT",
            "THREAD" => "THREAD",
            _ => throw new ImapSyntaxException("Unknown command"),
        };
    }

    private static ImapCommand Parse(string name, ref ImapReader reader) => name switch
    {
        "CAPABILITY" => new CapabilityCommand(),
        "NOOP" => new NoopCommand("NOOP"),
        "CHECK" => new NoopCommand("CHECK"),
        "LOGOUT" => new LogoutCommand(),
        "ID" => IdCommand.Parse(ref reader),
        "ENABLE" => EnableCommand.Parse(ref reader),
        "NAMESPACE" => new NamespaceCommand(),
        "STARTTLS" => new StartTlsCommand(),
        "LOGIN" => LoginCommand.Parse(ref reader),
        "AUTHENTICATE" => AuthenticateCommand.Parse(ref reader),
        "SELECT" => SelectCommand.Parse(ref reader, readOnly: false),
        "EXAMINE" => SelectCommand.Parse(ref reader, readOnly: true),
        "CLOSE" => new CloseCommand(),
        "UNSELECT" => new UnselectCommand(),
        "CREATE" => CreateCommand.Parse(ref reader),
        "DELETE" => DeleteCommand.Parse(ref reader),
        "RENAME" => RenameCommand.Parse(ref reader),
        "SUBSCRIBE" => SubscribeCommand.Parse(ref reader, subscribe: true),
        "UNSUBSCRIBE" => SubscribeCommand.Parse(ref reader, subscribe: false),
        "LIST" => ListCommand.Parse(ref reader, ListKind.List),
        "LSUB" => ListCommand.Parse(ref reader, ListKind.Lsub),
        "XLIST" => ListCommand.Parse(ref reader, ListKind.Xlist),
        "STATUS" => StatusCommand.Parse(ref reader),
        "APPEND" => AppendCommand.Parse(ref reader),
        "IDLE" => new IdleCommand(),
        "EXPUNGE" => new ExpungeCommand(null),
        "SEARCH" => SearchCommand.Parse(ref reader, byUid: false),
        "FETCH" => FetchCommand.Parse(ref reader, byUid: false),
        "STORE" => StoreCommand.Parse(ref reader, byUid: false),
        "COPY" => CopyMoveCommand.Parse(ref reader, byUid: false, move: false),
        "MOVE" => CopyMoveCommand.Parse(ref reader, byUid: false, move: true),
        "GETQUOTA" => GetQuotaCommand.Parse(ref reader),
        "GETQUOTAROOT" => GetQuotaRootCommand.Parse(ref reader),
        "SETQUOTA" => SetQuotaCommand.Parse(ref reader),
        "SORT" => SortCommand.Parse(ref reader, byUid: false),
        "THREAD" => ThreadCommand.Parse(ref reader, byUid: false),
        _ => throw new ImapSyntaxException("Unknown command"),
    };

    private static ImapCommand ParseUid(string name, ref ImapReader reader) => name switch
    {
        "FETCH" => FetchCommand.Parse(ref reader, byUid: true),
        "STORE" => StoreCommand.Parse(ref reader, byUid: true),
        "SEARCH" => SearchCommand.Parse(ref reader, byUid: true),
        "COPY" => CopyMoveCommand.Parse(ref reader, byUid: true, move: false),
        "MOVE" => CopyMoveCommand.Parse(ref reader, byUid: true, move: true),
        "EXPUNGE" => ExpungeCommand.ParseUid(ref reader),
        "SORT" => SortCommand.Parse(ref reader, byUid: true),
        "THREAD" => ThreadCommand.Parse(ref reader, byUid: true),
        _ => throw new ImapSyntaxException($"UID {name} is not a command"),
    };
}
