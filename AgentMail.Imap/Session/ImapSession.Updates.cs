using System.Globalization;
using AgentMail.Imap.Protocol;
using AgentMail.Mailbox;
using AgentMail.Mailbox.Messages;

namespace AgentMail.Imap.Session;

public sealed partial class ImapSession
{
    /// <summary>What the client said about itself in ID (for logs).</summary>
    public string? ClientId { get; internal set; }

    /// <summary>
    /// Brings the client up to date with the selected mailbox (RFC 9051 §7, CLIENTS.md 18): the
    /// changes since <see cref="SelectedMailbox.KnownModSeq"/>, read from Postgres, become
    /// EXPUNGE (or VANISHED with QRESYNC), then EXISTS, then FETCH (UID FLAGS [MODSEQ]) — only
    /// what changed. When <paramref name="allowExpunge"/> is false (after FETCH, STORE, SEARCH)
    /// and something was expunged, nothing is reported yet: the mailbox stays marked and the
    /// next command that may report expunges reports everything.
    /// </summary>
    public async Task RefreshAsync(bool allowExpunge, CancellationToken cancellationToken)
    {
        var selected = Selected;
        if (selected is null || !selected.IsDirty) return;
        selected.ClearDirty();

        Mailbox.Changes.FolderChanges changes;
        try
        {
            changes = await _services.Changes.ReadFolderChangesAsync(selected.FolderId, selected.KnownModSeq, cancellationToken).ConfigureAwait(false);
        }
        catch (MailboxException e) when (e.Error == MailboxError.FolderNotFound)
        {
            Writer.UntaggedLine("BYE [NONEXISTENT] The selected mailbox was deleted");
            throw new SessionEndedException();
        }

        var view = selected.View;
        List<uint>? expunged = null;
        foreach (var uid in changes.ExpungedUids)
        {
            if (uid <= uint.MaxValue && view.Contains((uint)uid)) (expunged ??= []).Add((uint)uid);
        }
        if (expunged is not null && !allowExpunge)
        {
            selected.MarkDirty();
            return;
        }
        if (expunged is not null) WriteExpunged(selected, expunged);

        var maxKnown = view.MaxUid;
        var added = false;
        foreach (var message in changes.Changed)
        {
            if (message.Uid > maxKnown && message.Uid <= uint.MaxValue)
            {
                view.Append((uint)message.Uid);
                added = true;
            }
        }
        if (added)
        {
            Writer.Untagged();
            Writer.Number(view.Count);
            Writer.Raw(" EXISTS\r\n"u8);
            ImapTelemetry.Updates.Add(1, new KeyValuePair<string, object?>("kind", "exists"));
        }

        foreach (var message in changes.Changed)
        {
            if (message.Uid > maxKnown) continue;
            var uid = (uint)message.Uid;
            var msn = view.MsnOf(uid);
            if (msn == 0 || selected.WasReported(uid, message.ModSeq)) continue;
            WriteFlags(msn, uid, message.Flags, message.Keywords, message.ModSeq, includeUid: true);
            ImapTelemetry.Updates.Add(1, new KeyValuePair<string, object?>("kind", "flags"));
        }
        selected.KnownModSeq = Math.Max(selected.KnownModSeq, changes.HighestModSeq);
        selected.ForgetReported();
    }

    /// <summary>
    /// Reports messages gone from the selected mailbox and drops them from the view: one
    /// VANISHED with QRESYNC (RFC 7162 §3.2.10), else EXPUNGE per message in ascending order,
    /// each number counted after the previous removals (RFC 9051 §7.5.1's example).
    /// </summary>
    internal void WriteExpunged(SelectedMailbox selected, List<uint> sortedUids)
    {
        var view = selected.View;
        if (QResync)
        {
            Writer.Raw("* VANISHED "u8);
            WriteSequence(sortedUids);
            Writer.Crlf();
        }
        else
        {
            var removed = 0;
            foreach (var uid in sortedUids)
            {
                var msn = view.MsnOf(uid);
                if (msn == 0) continue;
                Writer.Untagged();
                Writer.Number(msn - removed);
                Writer.Raw(" EXPUNGE\r\n"u8);
                removed++;
            }
        }
        view.RemoveAll(sortedUids);
        ImapTelemetry.Updates.Add(sortedUids.Count, new KeyValuePair<string, object?>("kind", "expunge"));
    }

    /// <summary>"* n FETCH (UID u FLAGS (…) [MODSEQ (m)])", announcing new keywords first.</summary>
    internal void WriteFlags(int msn, uint uid, MessageFlags flags, IReadOnlyList<string> keywords, long modSeq, bool includeUid)
    {
        AnnounceKeywords(keywords);
        Writer.Untagged();
        Writer.Number(msn);
        Writer.Raw(" FETCH ("u8);
        if (includeUid)
        {
            Writer.Raw("UID "u8);
            Writer.Number(uid);
            Writer.Space();
        }
        Writer.Raw("FLAGS "u8);
        ImapFlags.Write(Writer, flags, keywords);
        if (CondStore)
        {
            Writer.Raw(" MODSEQ ("u8);
            Writer.Number(modSeq);
            Writer.Byte((byte)')');
        }
        Writer.Raw(")\r\n"u8);
    }

    /// <summary>A keyword first seen in this mailbox is added to FLAGS before it is shown (RFC 9051 §7.3.5).</summary>
    internal void AnnounceKeywords(IReadOnlyList<string> keywords)
    {
        var selected = Selected;
        if (selected is null || keywords.Count == 0) return;
        var added = false;
        foreach (var keyword in keywords) added |= selected.Keywords.Add(keyword);
        if (added) WriteFlagsResponse(selected);
    }

    internal void WriteFlagsResponse(SelectedMailbox selected)
    {
        Writer.Raw("* FLAGS ("u8);
        Writer.Ascii(ImapFlags.SystemFlags);
        foreach (var keyword in selected.Keywords.Order(StringComparer.OrdinalIgnoreCase))
        {
            Writer.Space();
            Writer.Ascii(keyword);
        }
        Writer.Raw(")\r\n"u8);
    }

    /// <summary>A sorted UID or sequence-number list as a compact sequence-set ("1:3,5").</summary>
    internal void WriteSequence(IReadOnlyList<uint> sorted) => WriteSequence(Writer, sorted);

    internal static void WriteSequence(ResponseWriter writer, IReadOnlyList<uint> sorted)
    {
        var i = 0;
        var first = true;
        while (i < sorted.Count)
        {
            var start = sorted[i];
            var end = start;
            while (i + 1 < sorted.Count && sorted[i + 1] == end + 1) end = sorted[++i];
            i++;
            if (!first) writer.Byte((byte)',');
            writer.Number(start);
            if (end != start)
            {
                writer.Byte((byte)':');
                writer.Number(end);
            }
            first = false;
        }
    }

    internal static string SequenceText(IReadOnlyList<uint> sorted)
    {
        var text = new StringBuilder();
        var i = 0;
        while (i < sorted.Count)
        {
            var start = sorted[i];
            var end = start;
            while (i + 1 < sorted.Count && sorted[i + 1] == end + 1) end = sorted[++i];
            i++;
            if (text.Length > 0) text.Append(',');
            text.Append(start.ToString(CultureInfo.InvariantCulture));
            if (end != start) text.Append(':').Append(end.ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>
    /// Turns CONDSTORE on (RFC 7162 §3.1): the first CONDSTORE-enabling command with a mailbox
    /// selected reports its HIGHESTMODSEQ — the modseq up to which the client is current.
    /// </summary>
    internal ValueTask EnableCondStoreAsync(CancellationToken cancellationToken)
    {
        if (CondStore) return ValueTask.CompletedTask;
        Enabled |= Extensions.CondStore;
        if (Selected is { } selected)
            Writer.UntaggedLine($"OK [HIGHESTMODSEQ {selected.KnownModSeq.ToString(CultureInfo.InvariantCulture)}] Highest");
        return ValueTask.CompletedTask;
    }

    /// <summary>Reads the client's answer to a "+" continuation (AUTHENTICATE); null when it hung up.</summary>
    internal async Task<string?> ReadContinuationAsync(CancellationToken cancellationToken)
    {
        ArmInactivityTimer();
        try
        {
            while (true)
            {
                var (line, woken) = await Framer.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (!woken) return line;
                if (EndOnWake()) throw new SessionEndedException();
            }
        }
        finally
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }
}
