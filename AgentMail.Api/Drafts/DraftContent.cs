using AgentMail.Api.Sending;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Objects;
using AgentMail.Mime;
using AgentMail.Mime.Summary;

namespace AgentMail.Api.Drafts;

/// <summary>
/// A stored draft turned back into request fields, so that an update (PUT replaces only the fields
/// it names) can rebuild the message: recipients, subject, body as HTML or text as it was, the
/// attachments decoded from the blob.
/// </summary>
public static class DraftContent
{
    public static OutgoingInput Merge(MessageRecord draft, byte[] raw, OutgoingInput update)
    {
        var structure = MimeParser.Parse(raw);
        var request = update.Request;
        var hasHtml = structure.EnumerateParts().Any(p => p.Kind == MimePartKind.Leaf && p.ContentType.Is("text", "html"));
        var merged = request with
        {
            To = request.To ?? Participants(draft.To),
            Cc = request.Cc ?? Participants(draft.Cc),
            Bcc = request.Bcc ?? Participants(draft.Bcc),
            ReplyTo = request.ReplyTo ?? Participants(draft.ReplyTo),
            From = request.From ?? Participants(draft.From),
            Subject = request.Subject ?? draft.Subject,
            Body = request.Body ?? (hasHtml ? MessageBody.GetHtml(raw, structure) : MessageBody.GetText(raw, structure, int.MaxValue)),
            IsPlaintext = request.Body is null ? !hasHtml : request.IsPlaintext,
        };
        var replacesFiles = request.Attachments is not null || update.Files.Count > 0;
        return new OutgoingInput(merged, replacesFiles ? update.Files : Files(draft, raw, structure), update.Digest);
    }

    /// <summary>True when the update changes the message itself (not only starred or metadata).</summary>
    public static bool ChangesContent(OutgoingInput update)
    {
        var r = update.Request;
        return r.To is not null || r.Cc is not null || r.Bcc is not null || r.ReplyTo is not null || r.From is not null || r.Subject is not null
            || r.Body is not null || r.IsPlaintext is not null || r.Attachments is not null || r.ReplyToMessageId is not null
            || r.CustomHeaders is not null || update.Files.Count > 0;
    }

    private static List<Participant> Participants(IReadOnlyList<EmailParticipant> participants) =>
        participants.Select(p => new Participant { Name = p.Name, Email = p.Email }).ToList();

    private static List<OutgoingFile> Files(MessageRecord draft, byte[] raw, MessageStructure structure)
    {
        var files = new List<OutgoingFile>();
        foreach (var attachment in draft.Attachments)
        {
            if (structure.FindPart(attachment.Id) is not { Kind: MimePartKind.Leaf } part)
                continue;
            files.Add(new OutgoingFile(attachment.Filename, part.ContentType.MimeType, MessageBody.DecodeContent(raw, part),
                attachment.ContentId?.Trim('<', '>'), attachment.IsInline));
        }
        return files;
    }
}
