using AgentMail.Imap.Protocol;
using AgentMail.Imap.Session;
using AgentMail.Imap.Storage;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Search;
using AgentMail.Mime;

namespace AgentMail.Imap.Search;

/// <summary>
/// Runs a search-key tree against the selected mailbox. The top-level conjunction is translated
/// to SQL where the stored columns answer it (flags, keywords, dates, sizes, UID and sequence
/// sets, MODSEQ, object ids, subject and address fields, BODY/TEXT through the full-text index);
/// what SQL cannot answer (arbitrary HEADER fields, searches without words) is evaluated in
/// memory on the candidates, with the raw header or message read from the blob only then.
/// Semantics (also in docs/architecture.md):
/// <list type="bullet">
/// <item>SUBJECT/FROM/TO/CC/BCC: case-insensitive substring of the decoded subject, of an
/// address's display name or address, or of "name &lt;address&gt;".</item>
/// <item>BODY/TEXT: every word of the string must begin a word of the indexed text (subject,
/// addresses and the first 64K characters of body text) — a word-prefix match, not an arbitrary
/// substring; TEXT also matches subject and addresses by substring.</item>
/// <item>Dates compare calendar days in UTC; SENT* uses the Date header, else the internal date.</item>
/// </list>
/// </summary>
public sealed class SearchEngine(ImapSession session)
{
    private readonly SelectedMailbox _selected = session.Selected!;
    private readonly Dictionary<SequenceKey, HashSet<uint>> _sets = new(ReferenceEqualityComparer.Instance);

    /// <summary>Matching messages the client knows, ascending by UID.</summary>
    public async Task<List<SearchRow>> RunAsync(SearchKey key, bool metadata, CancellationToken cancellationToken)
    {
        var view = _selected.View;
        if (view.Count == 0) return [];
        // Keys on what never changes for a message (dates, size, subject, addresses, sets) are
        // answered from the process's in-memory copy of those fields, without visiting the rows.
        if (!metadata && IsContentOnly(key) && await session.Services.SearchCache.GetAsync(
                session.GrantId, _selected.FolderId, view.MaxUid, view.Count, cancellationToken).ConfigureAwait(false) is { } content)
            return Match(key, content, view);

        var conjunction = key is AndKey and ? Flatten(and) : [key];

        var parameters = new List<object> { session.GrantId, _selected.FolderId, (long)view.MaxUid };
        var where = new List<string>();
        var residual = new List<SearchKey>();
        foreach (var part in conjunction)
        {
            if (Translate(part, parameters) is { } condition) where.Add(condition);
            else residual.Add(part);
        }
        var needsHeader = residual.Any(k => Needs(k, header: true));
        var needsRaw = residual.Any(k => Needs(k, header: false));
        var withMetadata = metadata || residual.Count > 0;

        var sql = new StringBuilder("SELECT ").Append(SearchRow.Columns(withMetadata, needsHeader)).Append(" FROM messages m");
        if (needsHeader && withMetadata) sql.Append(" JOIN blobs b ON b.sha256 = m.blob_sha256");
        sql.Append(" WHERE m.folder_id = $2 AND m.uid <= $3 AND ").Append(Folder.BelongsToGrantSql("$2", "$1"));
        foreach (var condition in where) sql.Append(" AND (").Append(condition).Append(')');
        sql.Append(" ORDER BY m.uid");

        var rows = await session.Services.Store.QueryAsync(sql.ToString(), parameters,
            r => SearchRow.Read(r, withMetadata, needsHeader && withMetadata), cancellationToken).ConfigureAwait(false);
        rows.RemoveAll(r => !view.Contains(r.Uid));
        if (residual.Count == 0) return rows;

        if (needsHeader) await LoadHeadersAsync(rows, cancellationToken).ConfigureAwait(false);
        if (needsRaw) await LoadRawAsync(rows, cancellationToken).ConfigureAwait(false);
        var residualKey = residual.Count == 1 ? residual[0] : new AndKey(residual);
        rows.RemoveAll(r => !Evaluate(residualKey, r));
        return rows;
    }

    private static List<SearchKey> Flatten(AndKey and)
    {
        var keys = new List<SearchKey>();
        foreach (var key in and.Keys)
        {
            if (key is AndKey inner) keys.AddRange(Flatten(inner));
            else keys.Add(key);
        }
        return keys;
    }

    // ---- SQL -------------------------------------------------------------------------------

    private string? Translate(SearchKey key, List<object> parameters)
    {
        string P(object value)
        {
            parameters.Add(value);
            return "$" + parameters.Count;
        }

        switch (key)
        {
            case AllKey: return "TRUE";
            case NoneKey: return "FALSE";
            case AndKey and:
            {
                var parts = new List<string>();
                foreach (var k in and.Keys)
                {
                    if (Translate(k, parameters) is not { } part) return null;
                    parts.Add(part);
                }
                return string.Join(" AND ", parts.Select(p => "(" + p + ")"));
            }
            case OrKey or:
                return Translate(or.Left, parameters) is { } left && Translate(or.Right, parameters) is { } right ? $"({left}) OR ({right})" : null;
            case NotKey not:
                return Translate(not.Key, parameters) is { } inner ? $"NOT ({inner})" : null;
            case FlagKey flag:
                return $"(m.flags & {(short)flag.Flag}) {(flag.Set ? "<>" : "=")} 0";
            case KeywordKey keyword:
                return $"{(keyword.Set ? "" : "NOT ")}EXISTS (SELECT 1 FROM unnest(m.keywords) AS k WHERE lower(k) = lower({P(keyword.Keyword)}))";
            case DateKey date:
            {
                var column = date.Field == DateField.Internal ? "m.internal_date" : "COALESCE(m.sent_date, m.internal_date)";
                var day = new DateTime(date.Date.Year, date.Date.Month, date.Date.Day, 0, 0, 0, DateTimeKind.Utc);
                return date.Comparison switch
                {
                    DateComparison.Before => $"{column} < {P(day)}",
                    DateComparison.Since => $"{column} >= {P(day)}",
                    _ => $"{column} >= {P(day)} AND {column} < {P(day.AddDays(1))}",
                };
            }
            case SizeKey size:
                return $"m.size {(size.Larger ? ">" : "<")} {P(size.Size)}";
            case ModSeqKey modSeq:
                return $"m.modseq >= {P(modSeq.ModSeq)}";
            case ObjectIdKey objectId:
                return Guid.TryParse(objectId.Id, out var id) ? $"{(objectId.Thread ? "m.thread_id" : "m.id")} = {P(id)}" : "FALSE";
            case SequenceKey sequence:
                return $"m.uid = ANY({P(Resolve(sequence).Select(u => (long)u).ToArray())})";
            case TextKey text when text.Value.Length == 0:
                return "TRUE"; // every string contains the empty string
            case TextKey text:
                return text.Field switch
                {
                    TextField.Subject => $"m.subject ILIKE {P(Like(text.Value))}",
                    TextField.From => Addresses("m.from_list", P(Like(text.Value)), text.Value),
                    TextField.To => Addresses("m.to_list", P(Like(text.Value)), text.Value),
                    TextField.Cc => Addresses("m.cc_list", P(Like(text.Value)), text.Value),
                    TextField.Bcc => Addresses("m.bcc_list", P(Like(text.Value)), text.Value),
                    TextField.Body => SearchQuery.Phrase(text.Value) is { } query ? $"m.search @@ {P(query)}::tsquery" : null,
                    _ => SearchQuery.Phrase(text.Value) is { } words
                        ? $"m.search @@ {P(words)}::tsquery OR m.subject ILIKE {P(Like(text.Value))} OR {Addresses("m.from_list", "$" + parameters.Count, text.Value)} OR {Addresses("m.to_list", "$" + parameters.Count, text.Value)} OR {Addresses("m.cc_list", "$" + parameters.Count, text.Value)}"
                        : null,
                };
            case HeaderKey header when header.Value.Length > 0:
                return header.Field.ToLowerInvariant() switch
                {
                    "subject" => $"m.subject ILIKE {P(Like(header.Value))}",
                    "from" => Addresses("m.from_list", P(Like(header.Value)), header.Value),
                    "to" => Addresses("m.to_list", P(Like(header.Value)), header.Value),
                    "cc" => Addresses("m.cc_list", P(Like(header.Value)), header.Value),
                    "bcc" => Addresses("m.bcc_list", P(Like(header.Value)), header.Value),
                    // Message-IDs are stored without their angle brackets (Thunderbird searches HEADER Message-ID <id>).
                    "message-id" => $"COALESCE(m.message_id, '') ILIKE {P(Like(header.Value.Trim().Trim('<', '>')))}",
                    "in-reply-to" => $"COALESCE(m.in_reply_to, '') ILIKE {P(Like(header.Value.Trim().Trim('<', '>')))}",
                    _ => null,
                };
            default:
                return null;
        }
    }

    private static string Addresses(string column, string parameter, string value)
    {
        // "name <address>" holds the name and the address, so one test per participant covers all three forms.
        var exact = $"EXISTS (SELECT 1 FROM jsonb_array_elements({column}) AS a " +
            $"WHERE (COALESCE(a->>'name', '') || ' <' || COALESCE(a->>'email', '') || '>') ILIKE {parameter})";
        // The list's JSON text holds each name and address verbatim, so a value that cannot span two
        // fields or meet a JSON escape (no <, >, quote, backslash or control character) occurs in it
        // whenever an element matches: one cheap ILIKE per message spares most per-element tests.
        // A trailing space may be the one before "<address>", which the JSON text does not have.
        return value.AsSpan().IndexOfAny(NotVerbatimInJson) < 0 && !char.IsWhiteSpace(value[^1])
            ? $"({column}::text ILIKE {parameter} AND {exact})" : exact;
    }

    private static readonly System.Buffers.SearchValues<char> NotVerbatimInJson = System.Buffers.SearchValues.Create(
        "<>\"\\" + string.Concat(Enumerable.Range(0, 32).Select(c => (char)c)) + "\u007f");

    /// <summary>A LIKE pattern matching the value anywhere, with LIKE's own characters escaped.</summary>
    private static string Like(string value) =>
        "%" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    private HashSet<uint> Resolve(SequenceKey key)
    {
        if (!_sets.TryGetValue(key, out var set))
        {
            set = [.. _selected.View.Resolve(key.Set, key.ByUid, session.SavedResult)];
            _sets[key] = set;
        }
        return set;
    }

    // ---- in memory: the content cache ---------------------------------------------------------

    /// <summary>Whether <see cref="FolderContentCache"/> answers the key alone: nothing in it reads flags, keywords, MODSEQ, ids or the body.</summary>
    private static bool IsContentOnly(SearchKey key) => key switch
    {
        AllKey or NoneKey or SequenceKey or DateKey or SizeKey => true,
        AndKey and => and.Keys.All(IsContentOnly),
        OrKey or => IsContentOnly(or.Left) && IsContentOnly(or.Right),
        NotKey not => IsContentOnly(not.Key),
        TextKey text => text.Value.Length == 0 || text.Field is TextField.Subject or TextField.From or TextField.To or TextField.Cc or TextField.Bcc,
        HeaderKey header => header.Value.Length > 0 && header.Field.ToLowerInvariant() is "subject" or "from" or "to" or "cc" or "bcc",
        _ => false,
    };

    /// <summary>The rows the view holds (both ascending by UID: one merge walk) that match.</summary>
    private List<SearchRow> Match(SearchKey key, FolderContentCache.Snapshot content, MessageView view)
    {
        ResolveSets(key); // every set, as the SQL path does: an invalid one is BAD whatever else matches
        var matches = new List<SearchRow>();
        var msn = 1;
        foreach (var row in content.Span)
        {
            while (msn <= view.Count && view.UidAt(msn) < row.Uid) msn++;
            if (msn > view.Count) break;
            if (view.UidAt(msn) == row.Uid && Matches(key, row))
                matches.Add(new SearchRow { Uid = row.Uid });
        }
        return matches;
    }

    private void ResolveSets(SearchKey key)
    {
        switch (key)
        {
            case SequenceKey sequence: Resolve(sequence); break;
            case AndKey and: foreach (var k in and.Keys) ResolveSets(k); break;
            case OrKey or: ResolveSets(or.Left); ResolveSets(or.Right); break;
            case NotKey not: ResolveSets(not.Key); break;
        }
    }

    /// <summary>The same semantics as the SQL translation and <see cref="Evaluate"/>, for the keys <see cref="IsContentOnly"/> admits.</summary>
    private bool Matches(SearchKey key, ContentRow row) => key switch
    {
        AllKey => true,
        NoneKey => false,
        AndKey and => and.Keys.All(k => Matches(k, row)),
        OrKey or => Matches(or.Left, row) || Matches(or.Right, row),
        NotKey not => !Matches(not.Key, row),
        SequenceKey sequence => Resolve(sequence).Contains(row.Uid),
        DateKey date => DateMatches(date, row.InternalDate, row.SentDate),
        SizeKey size => size.Larger ? row.Size > size.Size : row.Size < size.Size,
        TextKey text when text.Value.Length == 0 => true,
        TextKey text => FieldMatches(text.Field, row, text.Value),
        HeaderKey header => header.Field.ToLowerInvariant() switch
        {
            "subject" => FieldMatches(TextField.Subject, row, header.Value),
            "from" => FieldMatches(TextField.From, row, header.Value),
            "to" => FieldMatches(TextField.To, row, header.Value),
            "cc" => FieldMatches(TextField.Cc, row, header.Value),
            _ => FieldMatches(TextField.Bcc, row, header.Value),
        },
        _ => false,
    };

    private static bool FieldMatches(TextField field, ContentRow row, string value) => Contains(field switch
    {
        TextField.Subject => row.Subject,
        TextField.From => row.From,
        TextField.To => row.To,
        TextField.Cc => row.Cc,
        _ => row.Bcc,
    }, value);

    /// <summary>
    /// Case-insensitive substring, the one test behind SUBJECT and the address keys in memory. NUL
    /// joins the participants of an address list (<see cref="ContentRow.Participants"/>); a value
    /// holding one (a literal may) matches nothing.
    /// </summary>
    private static bool Contains(string text, string value) =>
        !value.Contains('\0') && text.Contains(value, StringComparison.OrdinalIgnoreCase);

    // ---- in memory -------------------------------------------------------------------------

    private static bool Needs(SearchKey key, bool header) => key switch
    {
        HeaderKey => header,
        TextKey { Field: TextField.Body or TextField.Text } text when text.Value.Length > 0 => !header,
        AndKey and => and.Keys.Any(k => Needs(k, header)),
        OrKey or => Needs(or.Left, header) || Needs(or.Right, header),
        NotKey not => Needs(not.Key, header),
        _ => false,
    };

    private async Task LoadHeadersAsync(List<SearchRow> rows, CancellationToken cancellationToken)
    {
        var slices = rows.Select(r => new SliceRequest(r.Sha256, 0, (int)MessageStructure.FromBytes(r.Structure!).Root.BodyOffset)).ToList();
        var headers = await session.Services.Store.ReadSlicesAsync(slices, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < rows.Count; i++) rows[i].Header = headers[i];
    }

    private async Task LoadRawAsync(List<SearchRow> rows, CancellationToken cancellationToken)
    {
        const int batch = 50;
        for (var start = 0; start < rows.Count; start += batch)
        {
            var part = rows.Skip(start).Take(batch).ToList();
            var raw = await session.Services.Store.ReadSlicesAsync(part.Select(r => new SliceRequest(r.Sha256, 0, r.Size)).ToList(), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < part.Count; i++) part[i].Raw = raw[i];
        }
    }

    private bool Evaluate(SearchKey key, SearchRow row)
    {
        switch (key)
        {
            case AllKey: return true;
            case NoneKey: return false;
            case AndKey and: return and.Keys.All(k => Evaluate(k, row));
            case OrKey or: return Evaluate(or.Left, row) || Evaluate(or.Right, row);
            case NotKey not: return !Evaluate(not.Key, row);
            case FlagKey flag: return ((row.Flags & flag.Flag) != 0) == flag.Set;
            case KeywordKey keyword: return row.Keywords.Contains(keyword.Keyword, StringComparer.OrdinalIgnoreCase) == keyword.Set;
            case SizeKey size: return size.Larger ? row.Size > size.Size : row.Size < size.Size;
            case ModSeqKey modSeq: return row.ModSeq >= modSeq.ModSeq;
            case ObjectIdKey objectId: return Guid.TryParse(objectId.Id, out var id) && (objectId.Thread ? row.ThreadId : row.Id) == id;
            case SequenceKey sequence: return Resolve(sequence).Contains(row.Uid);
            case DateKey date: return DateMatches(date, row.InternalDate, row.SentDate);
            case TextKey text when text.Value.Length == 0: return true;
            case TextKey text:
                return text.Field switch
                {
                    TextField.Subject => Contains(row.Subject, text.Value),
                    TextField.From => Contains(ContentRow.Participants(row.FromJson), text.Value),
                    TextField.To => Contains(ContentRow.Participants(row.ToJson), text.Value),
                    TextField.Cc => Contains(ContentRow.Participants(row.CcJson), text.Value),
                    TextField.Bcc => Contains(ContentRow.Participants(row.BccJson), text.Value),
                    TextField.Body => RawContains(row, text.Value, bodyOnly: true),
                    _ => RawContains(row, text.Value, bodyOnly: false),
                };
            case HeaderKey header:
                return row.Header is { } bytes && HeaderScanner.Contains(bytes, header.Field, header.Value);
            default:
                return false;
        }
    }

    /// <summary>Calendar days in UTC; SENT* uses the Date header, else the internal date.</summary>
    private static bool DateMatches(DateKey date, DateTimeOffset internalDate, DateTimeOffset? sentDate)
    {
        var day = DateOnly.FromDateTime((date.Field == DateField.Internal ? internalDate : sentDate ?? internalDate).UtcDateTime);
        return date.Comparison switch
        {
            DateComparison.Before => day < date.Date,
            DateComparison.Since => day >= date.Date,
            _ => day == date.Date,
        };
    }

    /// <summary>Case-insensitive substring of the raw message (or of its body).</summary>
    private static bool RawContains(SearchRow row, string value, bool bodyOnly)
    {
        if (row.Raw is not { } raw) return false;
        ReadOnlySpan<byte> text = raw;
        if (bodyOnly)
        {
            var end = text.IndexOf("\r\n\r\n"u8);
            text = end >= 0 ? text[(end + 4)..] : text.IndexOf("\n\n"u8) is var lf and >= 0 ? text[(lf + 2)..] : [];
        }
        return Encoding.UTF8.GetString(text).Contains(value, StringComparison.OrdinalIgnoreCase);
    }
}
