using System.Text;
using AgentMail.Mime;
using AgentMail.Mime.Building;
using AgentMail.Mime.Summary;

namespace AgentMail.Smtp.Outbound;

/// <summary>One recipient a DSN reports as failed.</summary>
public sealed record FailedRecipient(string Recipient, string Status, string Diagnostic, string? RemoteMta, DateTimeOffset LastAttempt);

/// <summary>
/// The bounce a sender finds in their INBOX: a delivery status notification (RFC 3464) as
/// multipart/report (RFC 6522) — a human-readable explanation, the machine-readable
/// message/delivery-status, and the original header (text/rfc822-headers). It replies to the
/// original (In-Reply-To/References), so the core threads it with the message that bounced.
/// </summary>
public static class DeliveryStatusNotification
{
    public static byte[] Build(string hostname, string sender, Guid queueId, DateTimeOffset arrival, IReadOnlyList<FailedRecipient> failures,
        ReadOnlySpan<byte> original, DateTimeOffset now)
    {
        var summary = MessageSummary.Create(original, MimeParser.Parse(original));
        var builder = new MessageBuilder
        {
            From = new EmailAddress("Mail Delivery System", $"MAILER-DAEMON@{hostname}"),
            Subject = "Undelivered Mail Returned to Sender",
            Date = now,
            MessageIdDomain = hostname,
            TextBody = HumanReadable(hostname, summary.Subject, failures),
            Report = new MessageReport("delivery-status", "message/delivery-status", StatusFields(hostname, queueId, arrival, failures),
                "text/rfc822-headers", HeaderOf(original)),
        };
        builder.To.Add(new EmailAddress(null, sender));
        if (summary.MessageId is { } parentId)
            builder.ReplyToMessage(parentId, summary.References, summary.InReplyTo);
        builder.AddHeader("Auto-Submitted", "auto-replied"); // RFC 3834 §5: never answered automatically
        return builder.ToArray();
    }

    private static string HumanReadable(string hostname, string? subject, IReadOnlyList<FailedRecipient> failures)
    {
        var text = new StringBuilder()
            .Append("This is the mail system at ").Append(hostname).Append(".\n\n")
            .Append("Your message").Append(string.IsNullOrEmpty(subject) ? "" : $" \"{subject}\"")
            .Append(" could not be delivered to ").Append(failures.Count == 1 ? "this recipient" : "these recipients").Append(":\n\n");
        foreach (var failure in failures)
        {
            text.Append("  <").Append(failure.Recipient).Append(">: ");
            text.Append(failure.RemoteMta is null ? "" : $"{failure.RemoteMta} said: ").Append(failure.Diagnostic).Append('\n');
        }
        return text.Append("\nThe delivery report below says the same for programs.\n").ToString();
    }

    /// <summary>RFC 3464 §2.2 per-message fields, a blank line, then §2.3 per-recipient fields for each.</summary>
    private static string StatusFields(string hostname, Guid queueId, DateTimeOffset arrival, IReadOnlyList<FailedRecipient> failures)
    {
        var fields = new StringBuilder()
            .Append("Reporting-MTA: dns; ").Append(hostname).Append('\n')
            .Append("X-AgentMail-Queue-ID: ").Append(queueId.ToString("N")).Append('\n')
            .Append("Arrival-Date: ").Append(MessageBuilder.FormatDate(arrival)).Append('\n');
        foreach (var failure in failures)
        {
            fields.Append('\n')
                .Append("Final-Recipient: rfc822; ").Append(Ascii(failure.Recipient)).Append('\n')
                .Append("Action: failed\n")
                .Append("Status: ").Append(failure.Status).Append('\n');
            if (failure.RemoteMta is not null)
                fields.Append("Remote-MTA: dns; ").Append(Ascii(failure.RemoteMta)).Append('\n');
            fields.Append("Diagnostic-Code: smtp; ").Append(Ascii(failure.Diagnostic)).Append('\n')
                .Append("Last-Attempt-Date: ").Append(MessageBuilder.FormatDate(failure.LastAttempt)).Append('\n');
        }
        return fields.ToString();
    }

    /// <summary>The original header, through its blank line.</summary>
    private static ReadOnlyMemory<byte> HeaderOf(ReadOnlySpan<byte> original)
    {
        var (_, bodyStart) = Dkim.HeaderFields.Split(original);
        return original[..bodyStart].ToArray();
    }

    /// <summary>message/delivery-status is ASCII (RFC 3464 §2.1.2; the UTF-8 form is RFC 6533's message/global-delivery-status).</summary>
    private static string Ascii(string text)
    {
        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
            clean.Append(c is >= ' ' and <= '~' ? c : '?');
        return clean.Length <= 900 ? clean.ToString() : clean.ToString(0, 900);
    }
}
