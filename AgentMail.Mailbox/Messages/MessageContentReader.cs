using System.Security.Cryptography;
using System.Text;
using AgentMail.Mailbox.Objects;
using AgentMail.Mime.Imap;
using AgentMail.Mime;
using AgentMail.Mime.Summary;

namespace AgentMail.Mailbox.Messages;

/// <summary>
/// Ingest: parses a message once and keeps everything the surfaces will ask of it — the part
/// structure with offsets, the IMAP renderings, the API summary and the search text — so that
/// no read path parses it again.
/// </summary>
public static class MessageContentReader
{
    /// <summary>Characters of body text indexed for full-text search.</summary>
    public const int MaxSearchTextChars = 64 * 1024;

    public static MessageContent Read(ReadOnlyMemory<byte> raw)
    {
        var bytes = raw.Span;
        var structure = MimeParser.Parse(bytes);
        var summary = MessageSummary.Create(bytes, structure);
        var subject = summary.Subject ?? "";
        var from = Participants(summary.From);
        var to = Participants(summary.To);
        var cc = Participants(summary.Cc);
        var bcc = Participants(summary.Bcc);
        var searchText = SearchText(subject, [from, to, cc, bcc], MessageBody.GetText(bytes, structure, MaxSearchTextChars));

        return new MessageContent
        {
            Raw = raw,
            Sha256 = SHA256.HashData(bytes),
            MessageId = summary.MessageId,
            InReplyTo = summary.InReplyTo,
            References = summary.References,
            Subject = subject,
            BaseSubject = summary.BaseSubject,
            // Postgres timestamptz takes UTC only; the Date header's own offset is not kept.
            SentDate = summary.Date?.ToUniversalTime(),
            From = from,
            To = to,
            Cc = cc,
            Bcc = bcc,
            ReplyTo = Participants(summary.ReplyTo),
            Snippet = summary.Snippet,
            SearchText = searchText,
            SearchVector = Search.SearchVector.Build(searchText),
            HasAttachments = summary.HasAttachments,
            Attachments = summary.Attachments.Select(a => new AttachmentObject
            {
                Id = a.Id,
                Filename = a.Filename,
                ContentType = a.ContentType,
                Size = a.Size,
                ContentId = a.ContentId,
                ContentDisposition = a.ContentDisposition,
                IsInline = a.IsInline,
            }).ToArray(),
            Structure = structure.ToBytes(),
            Envelope = ImapFormatter.GetEnvelope(structure.Envelope),
            // IMAP4rev1's grammar is the one every client parses; it differs from IMAP4rev2 only
            // for message/global parts, which a rev2 session can re-render from Structure.
            BodyStructure = ImapFormatter.GetBodyStructure(structure, ImapDialect.Imap4rev1),
            Body = ImapFormatter.GetBody(structure, ImapDialect.Imap4rev1),
        };
    }

    private static EmailParticipant[] Participants(IReadOnlyList<EmailAddress> addresses) =>
        addresses.Where(a => a.Address.Length > 0).Select(a => new EmailParticipant(a.Name, a.Address)).ToArray();

    private static string SearchText(string subject, IEnumerable<IReadOnlyList<EmailParticipant>> addresses, string body)
    {
        var text = new StringBuilder(subject.Length + body.Length + 256).Append(subject).Append('\n');
        foreach (var participant in addresses.SelectMany(a => a))
            text.Append(participant.Name).Append(' ').Append(participant.Email).Append('\n');
        return text.Append(body).ToString();
    }
}
