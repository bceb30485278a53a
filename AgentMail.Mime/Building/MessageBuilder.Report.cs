namespace AgentMail.Mime.Building;

/// <summary>
/// A machine-readable report sent as multipart/report (RFC 6522): the message's body is the
/// human-readable first part, <see cref="Status"/> the second (for a bounce,
/// message/delivery-status per RFC 3464), and <see cref="Returned"/> — the original message or
/// its header — the optional third.
/// </summary>
/// <param name="ReportType">The report-type parameter, e.g. "delivery-status".</param>
/// <param name="StatusContentType">e.g. "message/delivery-status".</param>
/// <param name="Status">The machine-readable part: header-like fields, blank lines between groups; line breaks become CRLF.</param>
/// <param name="ReturnedContentType">"text/rfc822-headers" or "message/rfc822"; null for no third part.</param>
/// <param name="Returned">Its bytes, written unchanged (7bit, or 8bit when they hold 8-bit bytes).</param>
public sealed record MessageReport(
    string ReportType,
    string StatusContentType,
    string Status,
    string? ReturnedContentType = null,
    ReadOnlyMemory<byte> Returned = default);

public sealed partial class MessageBuilder
{
    /// <summary>When set, the message is a multipart/report with this report after the body.</summary>
    public MessageReport? Report { get; set; }

    private static OutgoingMultipart PlanReport(OutgoingEntity body, MessageReport report)
    {
        if (report.ReportType.Length == 0 || report.ReportType.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?=".Contains(c)))
            throw new ArgumentException($"Invalid report type '{report.ReportType}'.", nameof(report));
        var status = Encoding.UTF8.GetBytes(NormalizeNewlines(report.Status));
        List<OutgoingEntity> parts =
        [
            body,
            new OutgoingLeaf(ParseContentType(report.StatusContentType).Type, [], null, [], null, EightBitOr7Bit(status), status, null),
        ];
        if (report.ReturnedContentType is not null)
            parts.Add(new OutgoingLeaf(ParseContentType(report.ReturnedContentType).Type, [], null, [], null,
                EightBitOr7Bit(report.Returned.Span), report.Returned, null));
        var multipart = NewMultipart("report", parts);
        multipart.Parameters.Insert(0, ("report-type", report.ReportType, false));
        return multipart;
    }

    private static string EightBitOr7Bit(ReadOnlySpan<byte> content) => content.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0 ? "8bit" : "7bit";
}
