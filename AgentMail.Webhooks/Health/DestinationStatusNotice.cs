using System.Globalization;
using System.Text;
using AgentMail.Mime.Building;
using AgentMail.Mime.Summary;
using AgentMail.Webhooks.Core;
using AgentMail.Webhooks.Core.Destinations;

namespace AgentMail.Webhooks.Health;

/// <summary>
/// The e-mail a destination's <c>notification_email_addresses</c> get when it becomes failing or
/// failed, as Nylas sends one: which URL, what changed, what happens next, and how to recover.
/// </summary>
public static class DestinationStatusNotice
{
    /// <summary>Whether a change is worth a notice: only into failing or failed, and only with someone to tell.</summary>
    public static bool IsDue(StatusChange change) =>
        change.To is DestinationStatus.Failing or DestinationStatus.Failed && change.NotificationEmailAddresses.Count > 0;

    public static byte[] Build(StatusChange change, string from, string hostname, WebhooksOptions settings, DateTimeOffset now)
    {
        var failed = change.To == DestinationStatus.Failed;
        var builder = new MessageBuilder
        {
            From = new EmailAddress("AgentMail webhooks", from),
            Subject = $"Webhook {(failed ? "failed" : "failing")}: {change.WebhookUrl}",
            Date = now,
            MessageIdDomain = hostname,
            TextBody = Text(change, failed, settings),
        };
        builder.To.AddRange(change.NotificationEmailAddresses.Select(address => new EmailAddress(null, address)));
        builder.AddHeader("Auto-Submitted", "auto-generated"); // RFC 3834 §5: no auto-replies to it
        return builder.ToArray();
    }

    private static string Text(StatusChange change, bool failed, WebhooksOptions settings)
    {
        var text = new StringBuilder()
            .Append("The webhook destination ").Append(change.DestinationId).Append('\n')
            .Append("  ").Append(change.WebhookUrl).Append('\n')
            .Append("is now ").Append(change.To).Append(" (it was ").Append(change.From).Append(").\n\n");
        if (failed)
        {
            text.Append("It has been failing for ").Append(Describe(settings.FailedAfter))
                .Append(", so its pending notifications were given up and it receives no new ones.\n")
                .Append("Once the receiver works again, make the destination active: PUT /v3/webhooks/")
                .Append(change.DestinationId).Append(" with {\"status\": \"active\"}.\n");
        }
        else
        {
            text.Append((settings.FailingThreshold * 100).ToString("0.#", CultureInfo.InvariantCulture)).Append('%')
                .Append(" or more of the delivery attempts of the last ").Append(Describe(settings.FailingWindow))
                .Append(" failed. Notifications are still retried; if it is still failing after ")
                .Append(Describe(settings.FailedAfter)).Append(", the destination becomes failed and what is pending is given up.\n");
        }
        return text.Append("\nEach attempt, with its status code and error: GET /v3/webhooks/")
            .Append(change.DestinationId).Append("/deliveries\n").ToString();
    }

    /// <summary>"72 hours", "15 minutes", "2 seconds": the largest unit (up to hours, as Nylas states its thresholds) that divides the span.</summary>
    internal static string Describe(TimeSpan span)
    {
        static string Count(double n, string unit) => $"{n.ToString(CultureInfo.InvariantCulture)} {unit}{(n == 1 ? "" : "s")}";
        if (span.Ticks % TimeSpan.TicksPerHour == 0 && span.TotalHours > 0)
            return Count(span.TotalHours, "hour");
        if (span.Ticks % TimeSpan.TicksPerMinute == 0 && span.TotalMinutes > 0)
            return Count(span.TotalMinutes, "minute");
        return Count(Math.Round(span.TotalSeconds, 3), "second");
    }
}
