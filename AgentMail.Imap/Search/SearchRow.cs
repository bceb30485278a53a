using System.Text.Json;
using AgentMail.Mailbox.Messages;
using Npgsql;

namespace AgentMail.Imap.Search;

/// <summary>A message as SEARCH, SORT and THREAD see it: its state and the summary columns stored at ingest.</summary>
public sealed class SearchRow
{
    public uint Uid { get; init; }
    public long ModSeq { get; init; }
    public MessageFlags Flags { get; init; }
    public string[] Keywords { get; init; } = [];
    public int Size { get; init; }
    public DateTimeOffset InternalDate { get; init; }
    public DateTimeOffset? SentDate { get; init; }
    public string Subject { get; init; } = "";
    public string FromJson { get; init; } = "[]";
    public string ToJson { get; init; } = "[]";
    public string CcJson { get; init; } = "[]";
    public string BccJson { get; init; } = "[]";
    public string? MessageId { get; init; }
    public string? InReplyTo { get; init; }
    public string[] References { get; init; } = [];
    public Guid Id { get; init; }
    public Guid ThreadId { get; init; }
    public byte[] Sha256 { get; init; } = [];
    public byte[]? Structure { get; init; }

    /// <summary>The raw header block, loaded only when a key needs it (HEADER).</summary>
    public byte[]? Header { get; set; }

    /// <summary>The raw message, loaded only when a key needs it (BODY/TEXT without words).</summary>
    public byte[]? Raw { get; set; }

    /// <summary>The select list matching <see cref="Read"/> (messages aliased m, blobs b when <paramref name="structure"/>).</summary>
    public static string Columns(bool metadata, bool structure) => !metadata ? "m.uid, m.modseq" :
        "m.uid, m.modseq, m.flags, m.keywords, m.size, m.internal_date, m.sent_date, m.subject, m.from_list::text, m.to_list::text, " +
        "m.cc_list::text, m.bcc_list::text, m.message_id, m.in_reply_to, m.reference_ids, m.id, m.thread_id, m.blob_sha256" +
        (structure ? ", b.structure" : "");

    public static SearchRow Read(NpgsqlDataReader r, bool metadata, bool structure) => !metadata
        ? new SearchRow { Uid = (uint)r.GetInt64(0), ModSeq = r.GetInt64(1) }
        : new SearchRow
        {
            Uid = (uint)r.GetInt64(0),
            ModSeq = r.GetInt64(1),
            Flags = (MessageFlags)r.GetInt16(2),
            Keywords = r.GetFieldValue<string[]>(3),
            Size = r.GetInt32(4),
            InternalDate = r.GetFieldValue<DateTimeOffset>(5),
            SentDate = r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
            Subject = r.GetString(7),
            FromJson = r.GetString(8),
            ToJson = r.GetString(9),
            CcJson = r.GetString(10),
            BccJson = r.GetString(11),
            MessageId = r.IsDBNull(12) ? null : r.GetString(12),
            InReplyTo = r.IsDBNull(13) ? null : r.GetString(13),
            References = r.GetFieldValue<string[]>(14),
            Id = r.GetGuid(15),
            ThreadId = r.GetGuid(16),
            Sha256 = r.GetFieldValue<byte[]>(17),
            Structure = structure ? r.GetFieldValue<byte[]>(18) : null,
        };

    /// <summary>The (name, address) pairs of a stored address list.</summary>
    public static IEnumerable<(string Name, string Email)> Participants(string json)
    {
        using var document = JsonDocument.Parse(json);
        var list = new List<(string, string)>();
        foreach (var element in document.RootElement.EnumerateArray())
        {
            var name = element.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() ?? "" : "";
            var email = element.TryGetProperty("email", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : "";
            list.Add((name, email));
        }
        return list;
    }
}
