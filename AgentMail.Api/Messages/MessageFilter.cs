using System.Text;
using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Query;
using AgentMail.Mailbox.Folders;

namespace AgentMail.Api.Messages;

/// <summary>
/// Nylas's message filters (also applied to the messages of a thread by the thread list). Parsed
/// and validated from the query string; turned into SQL conditions by <see cref="MessageSql"/>.
/// </summary>
public sealed record MessageFilter
{
    public const int MaxAnyEmail = 25;

    /// <summary>The <c>in</c> folder as given (id or name); resolved to <see cref="FolderId"/> by the endpoint.</summary>
    public string? In { get; init; }
    public long? FolderId { get; init; }
    public bool? Unread { get; init; }
    public bool? Starred { get; init; }
    public Guid? ThreadId { get; init; }
    public string? Subject { get; init; }
    public IReadOnlyList<string> AnyEmail { get; init; } = [];
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Cc { get; init; }
    public string? Bcc { get; init; }
    public DateTimeOffset? ReceivedBefore { get; init; }
    public DateTimeOffset? ReceivedAfter { get; init; }
    public bool? HasAttachment { get; init; }
    public string? SearchQuery { get; init; }

    /// <summary>True when <see cref="ThreadId"/> was given but is not an id we issue: nothing matches.</summary>
    public bool MatchesNothing { get; init; }

    public static MessageFilter Parse(QueryParameters query) => new()
    {
        In = query.String("in", FolderNameRules.MaxBytes),
        Unread = query.Bool("unread"),
        Starred = query.Bool("starred"),
        ThreadId = query.String("thread_id", 64) is { } thread && Guid.TryParse(thread, out var threadId) ? threadId : null,
        MatchesNothing = query.String("thread_id", 64) is { } t && !Guid.TryParse(t, out _),
        Subject = query.String("subject", 998),
        AnyEmail = Addresses(query.String("any_email", MaxAnyEmail * 256), "any_email"),
        From = Address(query.String("from", 320), "from"),
        To = Address(query.String("to", 320), "to"),
        Cc = Address(query.String("cc", 320), "cc"),
        Bcc = Address(query.String("bcc", 320), "bcc"),
        ReceivedBefore = query.UnixTime("received_before"),
        ReceivedAfter = query.UnixTime("received_after"),
        HasAttachment = query.Bool("has_attachment"),
        SearchQuery = query.String("search_query_native", 1024),
    };

    /// <summary>
    /// The filters as text, for binding a page token to the query that issued it. Every filter
    /// is in it (a token used with other filters would skip or repeat rows); limit and output
    /// options are not.
    /// </summary>
    public string Fingerprint()
    {
        var text = new StringBuilder();
        Add("in", FolderId?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("unread", Unread?.ToString());
        Add("starred", Starred?.ToString());
        Add("thread", ThreadId?.ToString());
        Add("subject", Subject);
        Add("any", AnyEmail.Count == 0 ? null : string.Join(',', AnyEmail));
        Add("from", From);
        Add("to", To);
        Add("cc", Cc);
        Add("bcc", Bcc);
        Add("before", ReceivedBefore?.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("after", ReceivedAfter?.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("attach", HasAttachment?.ToString());
        Add("q", SearchQuery);
        return text.ToString();

        void Add(string name, string? value)
        {
            if (value is not null)
                text.Append(name).Append('=').Append(value.Length).Append(':').Append(value).Append('&');
        }
    }

    private static string? Address(string? value, string name)
    {
        if (value is null)
            return null;
        value = value.Trim();
        if (value.Length == 0 || value.Length > 320 || value.Any(char.IsWhiteSpace) || value.Any(char.IsControl))
            throw ApiException.BadRequest($"'{name}' must be an e-mail address.");
        return value.ToLowerInvariant();
    }

    private static IReadOnlyList<string> Addresses(string? value, string name)
    {
        if (value is null)
            return [];
        var addresses = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (addresses.Length > MaxAnyEmail)
            throw ApiException.BadRequest($"'{name}' lists {addresses.Length} addresses; at most {MaxAnyEmail}.");
        return addresses.Select(a => Address(a, name)!).Distinct().ToArray();
    }
}
