using AgentMail.Imap.Protocol;
using AgentMail.Imap.Session;

namespace AgentMail.Imap.Commands;

/// <summary>
/// The QUOTA extension (RFC 9208) with the STORAGE resource: one quota root, "", covering every
/// folder of the grant; usage and limit from the grant, in units of 1024 octets (rounded up).
/// </summary>
internal static class Quota
{
    public const string Root = "";

    public static async Task WriteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var grant = await session.Services.Grants.GetAsync(session.GrantId, cancellationToken).ConfigureAwait(false)
            ?? throw new SessionEndedException();
        var writer = session.Writer;
        writer.Raw("* QUOTA \"\" (STORAGE "u8);
        writer.Number((grant.UsedBytes + 1023) / 1024);
        writer.Space();
        writer.Number(grant.QuotaBytes / 1024);
        writer.Raw(")\r\n"u8);
    }
}

/// <summary>GETQUOTA (RFC 9208 §4.2): only the root "" exists.</summary>
public sealed record GetQuotaCommand(string Root) : ImapCommand
{
    public override string Name => "GETQUOTA";

    public static GetQuotaCommand Parse(ref ImapReader reader)
    {
        reader.Space();
        return new GetQuotaCommand(reader.AString());
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (Root != Quota.Root) return CommandResult.No("NONEXISTENT", "No such quota root (the only one is \"\")");
        await Quota.WriteAsync(session, cancellationToken).ConfigureAwait(false);
        return CommandResult.Ok("GETQUOTA completed");
    }
}

/// <summary>GETQUOTAROOT (RFC 9208 §4.3): every mailbox is under the root "".</summary>
public sealed record GetQuotaRootCommand(byte[] Mailbox) : ImapCommand
{
    public override string Name => "GETQUOTAROOT";

    public static GetQuotaRootCommand Parse(ref ImapReader reader)
    {
        reader.Space();
        return new GetQuotaRootCommand(reader.AStringBytes());
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var folder = await session.RequireMailboxAsync(Mailbox, tryCreate: false, cancellationToken).ConfigureAwait(false);
        var writer = session.Writer;
        writer.Raw("* QUOTAROOT "u8);
        writer.String(session.ClientName(folder.Name), session.Utf8Names);
        writer.Raw(" \"\"\r\n"u8);
        await Quota.WriteAsync(session, cancellationToken).ConfigureAwait(false);
        return CommandResult.Ok("GETQUOTAROOT completed");
    }
}

/// <summary>SETQUOTA (RFC 9208 §4.1): quotas are set through the API, not by mail clients.</summary>
public sealed record SetQuotaCommand : ImapCommand
{
    public override string Name => "SETQUOTA";

    public static SetQuotaCommand Parse(ref ImapReader reader)
    {
        reader.Space();
        reader.AString();
        reader.Space();
        reader.Expect((byte)'(');
        if (!reader.TryConsume((byte)')'))
        {
            do
            {
                reader.Atom();
                reader.Space();
                reader.Number64();
            }
            while (reader.TryConsume((byte)' '));
            reader.Expect((byte)')');
        }
        return new SetQuotaCommand();
    }

    public override Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken) =>
        Task.FromResult(CommandResult.No("NOPERM", "Quotas are set by the administrator through the API"));
}
