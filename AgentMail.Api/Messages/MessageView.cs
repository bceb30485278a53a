using AgentMail.Api.Infrastructure.Query;
using AgentMail.Api.Infrastructure.Responses;

namespace AgentMail.Api.Messages;

public enum HeaderSet
{
    None,

    /// <summary><c>fields=include_headers</c>: every top-level field.</summary>
    All,

    /// <summary><c>fields=include_basic_headers</c>: Message-ID, In-Reply-To and References only.</summary>
    Threading,
}

/// <summary>What a message response holds beyond the stored summary: Nylas's <c>fields</c> and <c>select</c>.</summary>
public sealed record MessageView(bool Body, HeaderSet Headers, bool RawMime, FieldSelection? Select)
{
    /// <summary>The top-level fields of a message object, for <c>select</c>.</summary>
    public static readonly IReadOnlyCollection<string> Fields =
    [
        "object", "id", "grant_id", "thread_id", "subject", "from", "to", "cc", "bcc", "reply_to", "date", "unread", "starred",
        "snippet", "folders", "attachments", "metadata", "created_at", "in_reply_to", "body", "headers",
    ];

    public static MessageView Parse(QueryParameters query)
    {
        var fields = query.Enum("fields", "standard", "include_headers", "include_basic_headers", "include_tracking_options", "raw_mime");
        var select = FieldSelection.Parse(query.String("select"), Fields);
        if (fields == "raw_mime")
            return new MessageView(Body: false, HeaderSet.None, RawMime: true, Select: null);
        var headers = fields switch
        {
            "include_headers" => HeaderSet.All,
            "include_basic_headers" => HeaderSet.Threading,
            _ => HeaderSet.None,
        };
        if (select is not null && !select.Includes("headers"))
            headers = HeaderSet.None;
        return new MessageView(Body: select is null || select.Includes("body"), headers, RawMime: false, select);
    }

    public static MessageView Standard { get; } = new(Body: true, HeaderSet.None, RawMime: false, Select: null);
}
