using System.Globalization;
using AgentMail.Imap.Protocol;
using AgentMail.Imap.Search;
using AgentMail.Imap.Session;

namespace AgentMail.Imap.Commands;

[Flags]
public enum SearchReturn
{
    None = 0,
    Min = 1,
    Max = 2,
    All = 4,
    Count = 8,
    Save = 16,
}

/// <summary>
/// SEARCH and UID SEARCH (RFC 9051 §6.4.4) with ESEARCH return options (RFC 4731), SEARCHRES
/// "$" (RFC 5182), MODSEQ (RFC 7162 §3.1.5) and EMAILID/THREADID (RFC 8474). IMAP4rev2 sessions
/// always get ESEARCH. See <see cref="SearchEngine"/> for how keys are matched.
/// </summary>
public sealed record SearchCommand(bool ByUid, SearchReturn? Return, string? Charset, SearchKey Key) : ImapCommand
{
    public override string Name => ByUid ? "UID SEARCH" : "SEARCH";
    public override CommandStates States => CommandStates.Selected;
    public override bool AllowsExpungeResponses => ByUid;

    public static SearchCommand Parse(ref ImapReader reader, bool byUid)
    {
        reader.Space();
        var returns = ParseReturn(ref reader);
        var (key, charset) = SearchParser.ParseProgram(ref reader);
        return new SearchCommand(byUid, returns, charset, key);
    }

    /// <summary>search-return-opts: "RETURN (" [MIN / MAX / ALL / COUNT / SAVE ...] ")" SP; null when absent.</summary>
    internal static SearchReturn? ParseReturn(ref ImapReader reader)
    {
        if (!reader.TryKeyword("RETURN"u8)) return null;
        reader.Space();
        reader.Expect((byte)'(');
        var returns = SearchReturn.None;
        if (!reader.TryConsume((byte)')'))
        {
            do
            {
                if (reader.TryKeyword("MIN"u8)) returns |= SearchReturn.Min;
                else if (reader.TryKeyword("MAX"u8)) returns |= SearchReturn.Max;
                else if (reader.TryKeyword("ALL"u8)) returns |= SearchReturn.All;
                else if (reader.TryKeyword("COUNT"u8)) returns |= SearchReturn.Count;
                else if (reader.TryKeyword("SAVE"u8)) returns |= SearchReturn.Save;
                else throw new ImapSyntaxException("Unknown SEARCH return option");
            }
            while (reader.TryConsume((byte)' '));
            reader.Expect((byte)')');
        }
        reader.Space();
        return returns;
    }

    /// <summary>Charsets search strings may be declared in: UTF-8 and its subset US-ASCII.</summary>
    internal static CommandResult? CheckCharset(string? charset) =>
        charset is null || charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase)
            ? null
            : CommandResult.No("BADCHARSET (US-ASCII UTF-8)", $"Unsupported charset {charset}");

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (CheckCharset(Charset) is { } refused) return refused;
        var withModSeq = SearchParser.HasModSeq(Key);
        if (withModSeq) await session.EnableCondStoreAsync(cancellationToken).ConfigureAwait(false);

        var rows = await new SearchEngine(session).RunAsync(Key, metadata: false, cancellationToken).ConfigureAwait(false);
        var view = session.Selected!.View;
        var numbers = rows.Select(r => ByUid ? r.Uid : (uint)view.MsnOf(r.Uid)).ToList();
        var highest = withModSeq && rows.Count > 0 ? rows.Max(r => r.ModSeq) : 0;

        var returns = Return ?? (session.Rev2 ? SearchReturn.All : SearchReturn.None);
        if (Return == SearchReturn.None) returns = SearchReturn.All; // RETURN () means ALL (RFC 4731 §3.1)
        if ((returns & SearchReturn.Save) != 0)
        {
            // RFC 5182 §2.4: with MIN and/or MAX, only those are saved.
            var saved = rows.Select(r => r.Uid).ToList();
            if ((returns & (SearchReturn.Min | SearchReturn.Max)) != 0 && saved.Count > 0)
            {
                var kept = new List<uint>();
                if ((returns & SearchReturn.Min) != 0) kept.Add(saved[0]);
                if ((returns & SearchReturn.Max) != 0 && saved[^1] != saved[0]) kept.Add(saved[^1]);
                saved = kept;
            }
            session.SavedResult = saved;
        }

        var writer = session.Writer;
        if (Return is null && !session.Rev2)
        {
            writer.Raw("* SEARCH"u8);
            foreach (var n in numbers)
            {
                writer.Space();
                writer.Number(n);
            }
            if (withModSeq && numbers.Count > 0)
            {
                writer.Raw(" (MODSEQ "u8);
                writer.Number(highest);
                writer.Byte((byte)')');
            }
            writer.Crlf();
        }
        else if ((returns & ~SearchReturn.Save) != 0)
        {
            WriteEsearch(session, ByUid, returns, numbers, withModSeq ? highest : 0);
        }
        return CommandResult.Ok($"{Name} completed");
    }

    /// <summary>"* ESEARCH (TAG "t") [UID] MIN n MAX n COUNT n ALL set [MODSEQ m]" (RFC 4731 §3.1).</summary>
    internal static void WriteEsearch(ImapSession session, bool byUid, SearchReturn returns, List<uint> numbers, long modSeq)
    {
        var writer = session.Writer;
        writer.Raw("* ESEARCH (TAG "u8);
        writer.String(session.Tag);
        writer.Byte((byte)')');
        if (byUid) writer.Raw(" UID"u8);
        if (numbers.Count > 0)
        {
            if ((returns & SearchReturn.Min) != 0)
            {
                writer.Raw(" MIN "u8);
                writer.Number(numbers.Min());
            }
            if ((returns & SearchReturn.Max) != 0)
            {
                writer.Raw(" MAX "u8);
                writer.Number(numbers.Max());
            }
        }
        if ((returns & SearchReturn.Count) != 0)
        {
            writer.Raw(" COUNT "u8);
            writer.Number(numbers.Count);
        }
        if ((returns & SearchReturn.All) != 0 && numbers.Count > 0)
        {
            writer.Raw(" ALL "u8);
            var sorted = numbers.Order().ToList();
            session.WriteSequence(sorted);
        }
        if (modSeq > 0)
        {
            writer.Raw(" MODSEQ "u8);
            writer.Ascii(modSeq.ToString(CultureInfo.InvariantCulture));
        }
        writer.Crlf();
    }
}
