using System.Text;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Search;
using Npgsql;
using NpgsqlTypes;

namespace AgentMail.Api.Messages;

/// <summary>
/// SQL conditions for a <see cref="MessageFilter"/> over a messages table aliased <c>m</c>, always
/// starting with the grant. Address filters use the GIN-indexed <c>address_keys</c> ('from:a@b'),
/// full-text search the GIN-indexed <c>search</c> tsvector through <see cref="SearchQuery.Websearch"/>
/// (the words ingest indexed, in websearch_to_tsquery's syntax): words, "quoted phrases", OR, and
/// -exclusions, as Nylas's Agent Account search syntax has them.
/// </summary>
public static class MessageSql
{
    public static string Where(Guid grantId, MessageFilter filter, NpgsqlParameterCollection parameters)
    {
        var sql = new StringBuilder();
        sql.Append("m.grant_id = ").Append(Add(parameters, grantId));
        if (filter.FolderId is { } folder)
            sql.Append(" AND m.folder_id = ").Append(Add(parameters, folder));
        if (filter.Unread is { } unread)
            sql.Append(unread ? $" AND (m.flags & {(short)MessageFlags.Seen}) = 0" : $" AND (m.flags & {(short)MessageFlags.Seen}) <> 0");
        if (filter.Starred is { } starred)
            sql.Append(starred ? $" AND (m.flags & {(short)MessageFlags.Flagged}) <> 0" : $" AND (m.flags & {(short)MessageFlags.Flagged}) = 0");
        if (filter.ThreadId is { } thread)
            sql.Append(" AND m.thread_id = ").Append(Add(parameters, thread));
        if (filter.Subject is { } subject)
            sql.Append(" AND m.subject ILIKE ").Append(Add(parameters, "%" + EscapeLike(subject) + "%"));
        if (filter.AnyEmail.Count > 0)
        {
            var keys = filter.AnyEmail.SelectMany(a => new[] { "from:" + a, "to:" + a, "cc:" + a, "bcc:" + a }).ToArray();
            sql.Append(" AND m.address_keys && ").Append(Add(parameters, keys)).Append("::text[]");
        }
        var required = new List<string>();
        if (filter.From is { } from)
            required.Add("from:" + from);
        if (filter.To is { } to)
            required.Add("to:" + to);
        if (filter.Cc is { } cc)
            required.Add("cc:" + cc);
        if (filter.Bcc is { } bcc)
            required.Add("bcc:" + bcc);
        if (required.Count > 0)
            sql.Append(" AND m.address_keys @> ").Append(Add(parameters, required.ToArray())).Append("::text[]");
        if (filter.ReceivedBefore is { } before)
            sql.Append(" AND m.internal_date < ").Append(Add(parameters, before));
        if (filter.ReceivedAfter is { } after)
            sql.Append(" AND m.internal_date > ").Append(Add(parameters, after));
        if (filter.HasAttachment is { } attachment)
            sql.Append(" AND m.has_attachments = ").Append(Add(parameters, attachment));
        if (filter.SearchQuery is { } query)
        {
            // A query without a single word matches nothing, as websearch_to_tsquery's empty query does.
            sql.Append(SearchQuery.Websearch(query) is { } tsquery ? " AND m.search @@ " + Add(parameters, tsquery) + "::tsquery" : " AND false");
        }
        if (filter.MatchesNothing)
            sql.Append(" AND false");
        return sql.ToString();
    }

    public static string Add<T>(NpgsqlParameterCollection parameters, T value)
    {
        parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return "$" + parameters.Count;
    }

    public static string AddText(NpgsqlParameterCollection parameters, string? value)
    {
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value });
        return "$" + parameters.Count;
    }

    /// <summary>ILIKE treats %, _ and \ specially; a subject filter matches them literally.</summary>
    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
