using AgentMail.Mime.Summary;

namespace AgentMail.Imap.Search;

/// <summary>A thread node: a message (or a dummy for a message that is referenced but not present) and its replies.</summary>
public sealed class ThreadNode
{
    public SearchRow? Message { get; set; }
    public ThreadNode? Parent { get; set; }
    public List<ThreadNode> Children { get; } = [];
    public int Order { get; set; }

    public bool IsDummy => Message is null;

    internal void AddChild(ThreadNode child)
    {
        child.Parent?.Children.Remove(child);
        child.Parent = this;
        Children.Add(child);
    }

    internal bool IsAncestorOf(ThreadNode node)
    {
        for (var n = node.Parent; n is not null; n = n.Parent)
        {
            if (n == this) return true;
        }
        return false;
    }
}

/// <summary>
/// THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §2.1, §2.2) over the messages a search
/// matched, ordered as the RFC says: by sent date (the Date header, else the arrival time), ties
/// by sequence number.
/// </summary>
public static class Threading
{
    private static DateTimeOffset Date(SearchRow row) => row.SentDate ?? row.InternalDate;

    /// <summary>RFC 5256 §2.1: threads are runs of the same base subject.</summary>
    public static List<ThreadNode> OrderedSubject(IReadOnlyList<SearchRow> rows)
    {
        var ordered = Sorted(rows);
        var groups = new Dictionary<string, ThreadNode>(StringComparer.OrdinalIgnoreCase);
        var roots = new List<ThreadNode>();
        foreach (var (row, order) in ordered)
        {
            var subject = BaseSubject.Compute(row.Subject);
            var node = new ThreadNode { Message = row, Order = order };
            if (groups.TryGetValue(subject, out var first)) first.AddChild(node);
            else
            {
                groups[subject] = node;
                roots.Add(node);
            }
        }
        return roots;
    }

    /// <summary>RFC 5256 §2.2, steps 1–6.</summary>
    public static List<ThreadNode> References(IReadOnlyList<SearchRow> rows)
    {
        var ordered = Sorted(rows);
        var byId = new Dictionary<string, ThreadNode>(StringComparer.Ordinal);
        var all = new List<ThreadNode>();
        var unique = 0;

        ThreadNode Container(string id)
        {
            if (!byId.TryGetValue(id, out var node))
            {
                node = new ThreadNode();
                byId[id] = node;
                all.Add(node);
            }
            return node;
        }

        foreach (var (row, order) in ordered)
        {
            // 1B: the message's own container; a missing or duplicate Message-ID gets a unique one.
            var id = string.IsNullOrEmpty(row.MessageId) ? $"\0unique{unique++}" : row.MessageId;
            if (byId.TryGetValue(id, out var existing) && existing.Message is not null) id = $"\0unique{unique++}";
            var self = Container(id);
            self.Message = row;
            self.Order = order;

            // 1A: References (or In-Reply-To) link their ids in order, never making a loop.
            IReadOnlyList<string> references = row.References.Length > 0 ? row.References
                : !string.IsNullOrEmpty(row.InReplyTo) ? [row.InReplyTo] : [];
            ThreadNode? previous = null;
            foreach (var reference in references)
            {
                if (string.IsNullOrEmpty(reference)) continue;
                var node = Container(reference);
                if (previous is not null && node.Parent is null && node != previous && !node.IsAncestorOf(previous))
                    previous.AddChild(node);
                previous = node;
            }

            // 1C: the last reference is the parent (replacing any earlier guess), unless that loops.
            if (self.Parent is not null) self.Parent.Children.Remove(self);
            self.Parent = null;
            if (previous is not null && previous != self && !self.IsAncestorOf(previous)) previous.AddChild(self);
        }

        // Step 2 and 4: the root set, with dummies pruned.
        var roots = all.Where(n => n.Parent is null).ToList();
        roots = Prune(roots, isRoot: true);

        // Step 5: gather roots by base subject.
        var subjects = new Dictionary<string, ThreadNode>(StringComparer.OrdinalIgnoreCase);
        foreach (var root in roots)
        {
            var subject = SubjectOf(root);
            if (subject.Length == 0) continue;
            if (!subjects.TryGetValue(subject, out var holder)
                || (root.IsDummy && !holder.IsDummy)
                || (!holder.IsDummy && IsReply(holder) && !root.IsDummy && !IsReply(root)))
                subjects[subject] = root;
        }
        var result = new List<ThreadNode>();
        var merging = new List<ThreadNode>();
        foreach (var root in roots)
        {
            var subject = SubjectOf(root);
            if (subject.Length == 0 || subjects[subject] == root) result.Add(root);
            else merging.Add(root);
        }
        var replaced = new Dictionary<ThreadNode, ThreadNode>();
        foreach (var root in merging)
        {
            var holder = Resolve(replaced, subjects[SubjectOf(root)]);
            if (root.IsDummy && holder.IsDummy)
            {
                foreach (var child in root.Children.ToList()) holder.AddChild(child);
            }
            else if (holder.IsDummy)
            {
                holder.AddChild(root);
            }
            else if (IsReply(root) && !IsReply(holder))
            {
                holder.AddChild(root);
            }
            else
            {
                var dummy = new ThreadNode();
                result[result.IndexOf(holder)] = dummy;
                dummy.AddChild(holder);
                dummy.AddChild(root);
                replaced[holder] = dummy;
            }
        }

        // Step 6: siblings by date, dummies by their first child's date.
        foreach (var root in result) SortChildren(root);
        result.Sort(CompareNodes);
        return result;
    }

    private static ThreadNode Resolve(Dictionary<ThreadNode, ThreadNode> replaced, ThreadNode node)
    {
        while (replaced.TryGetValue(node, out var next)) node = next;
        return node;
    }

    /// <summary>RFC 5256 §2.2 step 4.</summary>
    private static List<ThreadNode> Prune(List<ThreadNode> siblings, bool isRoot)
    {
        var result = new List<ThreadNode>();
        foreach (var node in siblings)
        {
            var children = Prune(node.Children.ToList(), isRoot: false);
            node.Children.Clear();
            foreach (var child in children)
            {
                child.Parent = node;
                node.Children.Add(child);
            }
            if (!node.IsDummy)
            {
                result.Add(node);
                continue;
            }
            if (node.Children.Count == 0) continue;                       // 4A
            if (isRoot && node.Children.Count > 1)                         // 4B: keep at the root level
            {
                result.Add(node);
                continue;
            }
            foreach (var child in node.Children) child.Parent = node.Parent; // 4B: promote
            result.AddRange(node.Children);
        }
        return result;
    }

    private static string SubjectOf(ThreadNode node)
    {
        var message = node.Message ?? node.Children.FirstOrDefault(c => c.Message is not null)?.Message;
        return message is null ? "" : BaseSubject.Compute(message.Subject);
    }

    /// <summary>A subject that was a reply or forward ("Re:", "Fwd:", "[fwd: ...]", "... (fwd)").</summary>
    private static bool IsReply(ThreadNode node)
    {
        var subject = (node.Message?.Subject ?? "").Trim();
        while (subject.StartsWith('['))
        {
            var close = subject.IndexOf(']');
            if (close < 0) break;
            if (subject.StartsWith("[fwd:", StringComparison.OrdinalIgnoreCase)) return true;
            subject = subject[(close + 1)..].TrimStart();
        }
        var colon = subject.IndexOf(':');
        if (colon > 0)
        {
            var prefix = subject[..colon].Trim();
            var bracket = prefix.IndexOf('[');
            if (bracket > 0) prefix = prefix[..bracket].Trim();
            if (prefix.Equals("re", StringComparison.OrdinalIgnoreCase) || prefix.Equals("fw", StringComparison.OrdinalIgnoreCase)
                || prefix.Equals("fwd", StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return subject.EndsWith("(fwd)", StringComparison.OrdinalIgnoreCase);
    }

    private static void SortChildren(ThreadNode node)
    {
        foreach (var child in node.Children) SortChildren(child);
        node.Children.Sort(CompareNodes);
    }

    private static int CompareNodes(ThreadNode a, ThreadNode b)
    {
        var (da, oa) = Key(a);
        var (db, ob) = Key(b);
        var byDate = da.CompareTo(db);
        return byDate != 0 ? byDate : oa.CompareTo(ob);
    }

    private static (DateTimeOffset Date, int Order) Key(ThreadNode node)
    {
        while (node.Message is null && node.Children.Count > 0) node = node.Children[0];
        return node.Message is { } message ? (Date(message), node.Order) : (DateTimeOffset.MaxValue, int.MaxValue);
    }

    private static List<(SearchRow Row, int Order)> Sorted(IReadOnlyList<SearchRow> rows) =>
        rows.Select((row, i) => (row, i)).OrderBy(p => Date(p.row)).ThenBy(p => p.i).ToList();

    /// <summary>"(a b (c)(d))": one child follows its parent directly; several are each parenthesized.</summary>
    public static void Write(Protocol.ResponseWriter writer, IReadOnlyList<ThreadNode> roots, Func<SearchRow, uint> number)
    {
        foreach (var root in roots)
        {
            writer.Byte((byte)'(');
            WriteChain(writer, root, number);
            writer.Byte((byte)')');
        }
    }

    private static void WriteChain(Protocol.ResponseWriter writer, ThreadNode node, Func<SearchRow, uint> number)
    {
        var first = true;
        while (true)
        {
            if (node.Message is { } message)
            {
                if (!first) writer.Space();
                writer.Number(number(message));
                first = false;
            }
            if (node.Children.Count == 1)
            {
                node = node.Children[0];
                continue;
            }
            if (node.Children.Count > 1)
            {
                if (!first) writer.Space();
                foreach (var child in node.Children)
                {
                    writer.Byte((byte)'(');
                    WriteChain(writer, child, number);
                    writer.Byte((byte)')');
                }
            }
            return;
        }
    }
}
