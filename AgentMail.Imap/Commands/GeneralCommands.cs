using AgentMail.Imap.Protocol;
using AgentMail.Imap.Session;

namespace AgentMail.Imap.Commands;

/// <summary>CAPABILITY (RFC 9051 §6.1.1): valid in every state.</summary>
public sealed record CapabilityCommand : ImapCommand
{
    public override string Name => "CAPABILITY";
    public override CommandStates States => CommandStates.Any;

    public override Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        session.Writer.UntaggedLine("CAPABILITY " + session.CurrentCapabilities);
        return Task.FromResult(CommandResult.Ok("CAPABILITY completed"));
    }
}

/// <summary>
/// NOOP (RFC 9051 §6.1.2) and IMAP4rev1's CHECK (RFC 3501 §6.4.1): the way a client without IDLE
/// polls for changes (iOS Mail, CLIENTS.md 4), so it always re-reads the mailbox's changes.
/// </summary>
public sealed record NoopCommand(string Command) : ImapCommand
{
    public override string Name => Command;
    public override CommandStates States => Command == "CHECK" ? CommandStates.Selected : CommandStates.Any;

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        session.Selected?.MarkDirty();
        await session.RefreshAsync(allowExpunge: true, cancellationToken).ConfigureAwait(false);
        return CommandResult.Ok($"{Command} completed");
    }
}

/// <summary>LOGOUT (RFC 9051 §6.1.3): BYE, then the tagged OK, then the connection closes.</summary>
public sealed record LogoutCommand : ImapCommand
{
    public override string Name => "LOGOUT";
    public override CommandStates States => CommandStates.Any;

    public override Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        session.Writer.UntaggedLine("BYE AgentMail IMAP server logging out");
        session.Writer.Tagged(session.Tag, "OK", null, "LOGOUT completed");
        session.State = SessionState.Logout;
        return Task.FromResult(CommandResult.Written);
    }
}

/// <summary>
/// ID (RFC 2971): answered in every state, before or after sign-in, since iPhone Mail sends it
/// right after LOGIN and others before (CLIENTS.md 9).
/// </summary>
public sealed record IdCommand(IReadOnlyList<KeyValuePair<string, string?>> Fields) : ImapCommand
{
    public override string Name => "ID";
    public override CommandStates States => CommandStates.Any;

    public static IdCommand Parse(ref ImapReader reader)
    {
        reader.Space();
        if (reader.TryKeyword("NIL"u8)) return new IdCommand([]);
        reader.Expect((byte)'(');
        var fields = new List<KeyValuePair<string, string?>>();
        if (!reader.TryConsume((byte)')'))
        {
            do
            {
                var key = reader.String();
                reader.Space();
                var value = reader.NString();
                // RFC 2971 §3.3: at most 30 pairs, fields of 30 octets, values of 1024.
                if (fields.Count == 30 || Encoding.UTF8.GetByteCount(key) > 30 || (value is not null && Encoding.UTF8.GetByteCount(value) > 1024))
                    throw new ImapSyntaxException("ID takes at most 30 field-value pairs; fields up to 30 octets, values up to 1024");
                fields.Add(new(key, value));
            }
            while (reader.TryConsume((byte)' '));
            reader.Expect((byte)')');
        }
        return new IdCommand(fields);
    }

    public override Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        session.ClientId = Fields.Count == 0 ? null : string.Join(", ", Fields.Select(f => $"{f.Key}={f.Value}"));
        session.Writer.UntaggedLine($"ID (\"name\" \"AgentMail\" \"vendor\" \"AgentMail\" \"version\" \"{ServerVersion}\" \"support-url\" \"https://github.com/agentmail\")");
        return Task.FromResult(CommandResult.Ok("ID completed"));
    }

    private static readonly string ServerVersion = typeof(IdCommand).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";
}

/// <summary>
/// ENABLE (RFC 5161, RFC 9051 §6.3.1): CONDSTORE, QRESYNC (which implies CONDSTORE, RFC 7162
/// §3.2.3), UTF8=ACCEPT (RFC 6855) and IMAP4rev2. Unknown capabilities are ignored.
/// </summary>
public sealed record EnableCommand(IReadOnlyList<string> Requested) : ImapCommand
{
    public override string Name => "ENABLE";

    public static EnableCommand Parse(ref ImapReader reader)
    {
        var names = new List<string>();
        do
        {
            reader.Space();
            names.Add(Encoding.ASCII.GetString(reader.Atom()));
            if (names.Count > 100) throw new ImapSyntaxException("Too many capabilities");
        }
        while (!reader.End);
        return new EnableCommand(names);
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var enabled = new List<string>();
        foreach (var name in Requested)
        {
            var (extension, canonical) = name.ToUpperInvariant() switch
            {
                "CONDSTORE" => (Extensions.CondStore, "CONDSTORE"),
                "QRESYNC" => (Extensions.QResync | Extensions.CondStore, "QRESYNC"),
                "UTF8=ACCEPT" => (Extensions.Utf8Accept, "UTF8=ACCEPT"),
                "IMAP4REV2" => (Extensions.Imap4rev2, "IMAP4rev2"),
                _ => (Extensions.None, ""),
            };
            if (extension == Extensions.None || (session.Enabled & extension) == extension) continue;
            if ((extension & Extensions.CondStore) != 0)
                await session.EnableCondStoreAsync(cancellationToken).ConfigureAwait(false);
            session.Enabled |= extension;
            enabled.Add(canonical);
        }
        session.Writer.UntaggedLine(enabled.Count == 0 ? "ENABLED" : "ENABLED " + string.Join(' ', enabled));
        return CommandResult.Ok("ENABLE completed");
    }
}

/// <summary>NAMESPACE (RFC 2342, RFC 9051 §6.3.10): one personal namespace, empty prefix, "/" (CLIENTS.md 10).</summary>
public sealed record NamespaceCommand : ImapCommand
{
    public override string Name => "NAMESPACE";

    public override Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        session.Writer.UntaggedLine("NAMESPACE ((\"\" \"/\")) NIL NIL");
        return Task.FromResult(CommandResult.Ok("NAMESPACE completed"));
    }
}
