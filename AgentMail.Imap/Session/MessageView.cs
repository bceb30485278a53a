using AgentMail.Imap.Protocol;
using AgentMail.Mailbox.Messages;

namespace AgentMail.Imap.Session;

/// <summary>
/// The selected mailbox as this client knows it: the UIDs it has been told about, ascending, so
/// that message sequence number n is the n-th UID (RFC 9051 §2.3.1.2). It changes only when the
/// session reports EXISTS or EXPUNGE/VANISHED, never behind the client's back, which is what
/// keeps sequence numbers in step with the client.
/// </summary>
public sealed class MessageView
{
    private uint[] _uids;
    private int _count;

    public MessageView(IReadOnlyList<uint> uids)
    {
        _uids = uids.Count == 0 ? [] : [.. uids];
        _count = _uids.Length;
    }

    public int Count => _count;

    public uint MaxUid => _count == 0 ? 0 : _uids[_count - 1];

    public uint UidAt(int msn) => _uids[msn - 1];

    /// <summary>The sequence number of <paramref name="uid"/>, 0 when the client does not know it.</summary>
    public int MsnOf(uint uid)
    {
        var index = Array.BinarySearch(_uids, 0, _count, uid);
        return index >= 0 ? index + 1 : 0;
    }

    public bool Contains(uint uid) => MsnOf(uid) > 0;

    /// <summary>Adds a UID announced with EXISTS (always above every known UID).</summary>
    public void Append(uint uid)
    {
        if (uid <= MaxUid && _count > 0) throw new InvalidOperationException("UIDs are announced in ascending order.");
        if (_count == _uids.Length) Array.Resize(ref _uids, Math.Max(16, _uids.Length * 2));
        _uids[_count++] = uid;
    }

    /// <summary>Removes the message at <paramref name="msn"/> (reported with EXPUNGE).</summary>
    public void RemoveAt(int msn)
    {
        Array.Copy(_uids, msn, _uids, msn - 1, _count - msn);
        _count--;
        if (_count < _uids.Length / 4 && _uids.Length > 64) Array.Resize(ref _uids, _uids.Length / 2);
    }

    /// <summary>Removes every UID of <paramref name="sortedUids"/> that is known, in one pass (VANISHED).</summary>
    public void RemoveAll(IReadOnlyList<uint> sortedUids)
    {
        var write = 0;
        var j = 0;
        for (var i = 0; i < _count; i++)
        {
            while (j < sortedUids.Count && sortedUids[j] < _uids[i]) j++;
            if (j < sortedUids.Count && sortedUids[j] == _uids[i]) continue;
            _uids[write++] = _uids[i];
        }
        _count = write;
    }

    /// <summary>
    /// The messages a sequence set names, ascending and without duplicates. Sequence numbers above
    /// the count (including "*" of an empty mailbox) are a tagged BAD (RFC 9051 §9, seq-number);
    /// UIDs name only messages the client knows, and "n:*" includes the largest UID even below n.
    /// </summary>
    public List<uint> Resolve(SequenceSet set, bool byUid, IReadOnlyList<uint>? savedResult)
    {
        if (set.IsSavedResult)
        {
            // RFC 5182: "$" is the saved UIDs that still exist.
            var saved = new List<uint>(savedResult?.Count ?? 0);
            if (savedResult is not null)
            {
                foreach (var uid in savedResult)
                {
                    if (Contains(uid)) saved.Add(uid);
                }
            }
            return saved;
        }
        if (byUid) return ResolveUids(set);

        var marks = new List<(int Start, int End)>(set.Ranges.Count);
        foreach (var range in set.Ranges)
        {
            var start = SequenceNumber(range.Start);
            var end = SequenceNumber(range.End);
            marks.Add(start <= end ? (start, end) : (end, start));
        }
        marks.Sort();
        var result = new List<uint>();
        var last = 0;
        foreach (var (start, end) in marks)
        {
            for (var msn = Math.Max(start, last + 1); msn <= end; msn++)
                result.Add(_uids[msn - 1]);
            last = Math.Max(last, end);
        }
        return result;
    }

    private int SequenceNumber(long value)
    {
        if (_count == 0) throw new ImapSyntaxException("Invalid message sequence number: the mailbox is empty");
        if (value == SequenceSet.Star)
        {
            if (_count == 0) throw new ImapSyntaxException("Invalid message sequence number: the mailbox is empty");
            return _count;
        }
        if (value > _count) throw new ImapSyntaxException($"Invalid message sequence number: {value} (the mailbox has {_count} messages)");
        return (int)value;
    }

    private List<uint> ResolveUids(SequenceSet set)
    {
        var ranges = new List<(uint Start, uint End)>(set.Ranges.Count);
        foreach (var range in set.Ranges)
        {
            var start = range.Start == SequenceSet.Star ? MaxUid : (uint)range.Start;
            var end = range.End == SequenceSet.Star ? MaxUid : (uint)range.End;
            ranges.Add(start <= end ? (start, end) : (end, start));
        }
        ranges.Sort();
        var result = new List<uint>();
        var lastIndex = -1;
        foreach (var (start, end) in ranges)
        {
            var index = Array.BinarySearch(_uids, 0, _count, start);
            if (index < 0) index = ~index;
            index = Math.Max(index, lastIndex + 1);
            for (; index < _count && _uids[index] <= end; index++)
            {
                result.Add(_uids[index]);
                lastIndex = index;
            }
        }
        return result;
    }

    /// <summary>
    /// Ranges for the mailbox core covering exactly <paramref name="sortedUids"/> among the messages
    /// that can exist: UIDs consecutive in this view become one range, since a UID between two
    /// known ones is either known or gone for good (UIDs are never reused, new ones are larger).
    /// </summary>
    public List<UidRange> ToRanges(IReadOnlyList<uint> sortedUids)
    {
        var ranges = new List<UidRange>();
        var i = 0;
        while (i < sortedUids.Count)
        {
            var start = sortedUids[i];
            var index = Array.BinarySearch(_uids, 0, _count, start);
            var end = start;
            i++;
            if (index >= 0)
            {
                while (i < sortedUids.Count && index + 1 < _count && _uids[index + 1] == sortedUids[i])
                {
                    end = sortedUids[i];
                    index++;
                    i++;
                }
            }
            ranges.Add(new UidRange(start, end));
        }
        return ranges;
    }
}
