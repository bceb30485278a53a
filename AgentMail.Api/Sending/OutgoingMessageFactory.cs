using AgentMail.Api.Infrastructure.Errors;
using AgentMail.Api.Infrastructure.Grants;
using AgentMail.Api.Messages;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Hosting;
using AgentMail.Mailbox.Messages;
using AgentMail.Mime.Building;
using AgentMail.Mime.Summary;
using Microsoft.Extensions.Options;

namespace AgentMail.Api.Sending;

/// <summary>An RFC 5322 message built from a send or draft request, read back through ingest.</summary>
public sealed record OutgoingMessage(MessageContent Content, IReadOnlyList<string> Recipients);

/// <summary>
/// Builds the message a send or draft request describes with AgentMail.Mime's builder: From is the
/// grant (a <c>from</c> may only change the display name), Message-ID on <c>Mailbox:Hostname</c>,
/// HTML bodies get a plain-text alternative, a reply gets In-Reply-To and References from the
/// message replied to (so it joins that thread). Every field is checked first; a refusal is a 400
/// naming it. The Bcc header stays (the Sent copy keeps it; delivery strips it).
/// </summary>
public sealed class OutgoingMessageFactory(IOptions<MailboxOptions> mailbox, MessageReplies replies)
{
    public const int MaxRecipients = 500;

    /// <param name="keepThreading">In-Reply-To and References to keep when the request names no message to reply to (a draft being edited).</param>
    public async Task<OutgoingMessage> BuildAsync(GrantScope grant, OutgoingInput input, bool requireRecipients, CancellationToken cancellationToken,
        (string? InReplyTo, IReadOnlyList<string> References)? keepThreading = null)
    {
        var request = input.Request;
        RefuseUnsupported(request);
        MessageUpdates.ValidateMetadata(request.Metadata);

        var builder = new MessageBuilder
        {
            From = Sender(grant, request.From),
            Subject = request.Subject,
            MessageIdDomain = mailbox.Value.Hostname,
            Date = DateTimeOffset.UtcNow,
        };
        builder.To.AddRange(Addresses(request.To, "to"));
        builder.Cc.AddRange(Addresses(request.Cc, "cc"));
        builder.Bcc.AddRange(Addresses(request.Bcc, "bcc"));
        builder.ReplyTo.AddRange(Addresses(request.ReplyTo, "reply_to"));
        var recipients = builder.To.Concat(builder.Cc).Concat(builder.Bcc).Select(a => a.Address).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (requireRecipients && recipients.Count == 0)
            throw ApiException.BadRequest("At least one recipient is needed in 'to', 'cc' or 'bcc'.");
        if (recipients.Count > MaxRecipients)
            throw ApiException.BadRequest($"A message may have at most {MaxRecipients} recipients.");

        var body = request.Body ?? "";
        if (request.IsPlaintext == true)
        {
            builder.TextBody = body;
        }
        else
        {
            builder.HtmlBody = body;
            builder.TextBody = HtmlText.ToText(body);
        }

        if (request.ReplyToMessageId is { Length: > 0 } replyTo)
        {
            var parent = await replies.FindAsync(grant.Id, replyTo, cancellationToken);
            builder.ReplyToMessage(parent.MessageId, parent.References, parent.InReplyTo);
        }
        else if (keepThreading is { } threading)
        {
            builder.InReplyTo = threading.InReplyTo;
            builder.References.AddRange(threading.References);
        }

        for (var i = 0; i < (request.CustomHeaders?.Count ?? 0); i++)
        {
            var header = request.CustomHeaders![i];
            if (string.IsNullOrEmpty(header?.Name) || header.Value is null)
                throw ApiException.BadRequest($"'custom_headers[{i}]' needs a 'name' and a 'value'.");
            try
            {
                builder.AddHeader(header.Name, header.Value);
            }
            catch (ArgumentException e)
            {
                // The builder's reason, without .NET's " (Parameter 'name')" suffix.
                var reason = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
                throw ApiException.BadRequest($"'custom_headers[{i}]': {reason}");
            }
        }

        foreach (var file in input.Files)
            builder.AddAttachment(OutgoingAttachment.FromBytes(file.Filename, file.ContentType, file.Content, file.ContentId, file.Inline && file.ContentId is not null));

        byte[] bytes;
        try
        {
            bytes = builder.ToArray();
        }
        catch (ArgumentException e)
        {
            throw ApiException.BadRequest($"The message cannot be built: {e.Message}");
        }
        if (bytes.Length > mailbox.Value.MaxMessageBytes)
            throw ApiException.PayloadTooLarge($"The message is {bytes.Length} bytes; the maximum is {mailbox.Value.MaxMessageBytes} bytes.");
        return new OutgoingMessage(MessageContentReader.Read(bytes), recipients);
    }

    public static void RefuseUnsupported(OutgoingRequest request)
    {
        if (request.SendAt is not null)
            throw ApiException.BadRequest("'send_at' (scheduled send) is not supported: send when the message should go.");
        if (request.UseDraft == true)
            throw ApiException.BadRequest("'use_draft' is not supported (it belongs to scheduled send).");
        if (request.TrackingOptions is { ValueKind: not System.Text.Json.JsonValueKind.Null })
            throw ApiException.BadRequest("'tracking_options' is not supported: AgentMail does not track opens or clicks.");
        if (request.Template is { ValueKind: not System.Text.Json.JsonValueKind.Null })
            throw ApiException.BadRequest("'template' is not supported: send the subject and body themselves.");
        if (request.SignatureId is not null)
            throw ApiException.BadRequest("'signature_id' is not supported: include the signature in the body.");
    }

    /// <summary>The grant's own address; a <c>from</c> may set the display name, not another address.</summary>
    private static EmailAddress Sender(GrantScope grant, List<Participant>? from)
    {
        if (from is null || from.Count == 0)
            return new EmailAddress(DisplayName(grant.Name), grant.Email);
        if (from.Count > 1)
            throw ApiException.BadRequest("'from' takes one sender.");
        var sender = from[0] ?? throw ApiException.BadRequest("'from[0]' must be an object.");
        if (sender.Email is not null && !string.Equals(EmailAddressRules.Key(sender.Email), EmailAddressRules.Key(grant.Email), StringComparison.Ordinal))
            throw ApiException.BadRequest($"'from[0].email' must be the grant's own address ({grant.Email}).");
        return new EmailAddress(DisplayName(sender.Name ?? grant.Name), grant.Email);
    }

    private static string? DisplayName(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim();

    private static IEnumerable<EmailAddress> Addresses(List<Participant>? participants, string field)
    {
        if (participants is null)
            yield break;
        for (var i = 0; i < participants.Count; i++)
        {
            var participant = participants[i] ?? throw ApiException.BadRequest($"'{field}[{i}]' must be an object with 'email'.");
            var email = participant.Email?.Trim();
            if (string.IsNullOrEmpty(email))
                throw ApiException.BadRequest($"'{field}[{i}].email' is required.");
            if (EmailAddressRules.Validate(email) is { } invalid)
                throw ApiException.BadRequest($"'{field}[{i}].email': {invalid}");
            if (participant.Name is { } name && name.Any(char.IsControl))
                throw ApiException.BadRequest($"'{field}[{i}].name' must not contain control characters.");
            yield return new EmailAddress(DisplayName(participant.Name), email);
        }
    }
}
