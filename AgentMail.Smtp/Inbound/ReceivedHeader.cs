using System.Net;
using System.Net.Sockets;
using System.Text;
using AgentMail.Mime.Building;

namespace AgentMail.Smtp.Inbound;

/// <summary>
/// The trace field a receiving server prepends (RFC 5321 §4.4):
/// <c>from ehlo-name ([address]) by host (AgentMail) with protocol id id for &lt;rcpt&gt;; date</c>.
/// The protocol is one of RFC 3848's and RFC 6531 §3.7.3's: SMTP, ESMTP, ESMTPS, UTF8SMTP, UTF8SMTPS.
/// </summary>
public static class ReceivedHeader
{
    public static string Value(string heloName, IPAddress? client, string host, string protocol, string id, string? recipient, DateTimeOffset date)
    {
        var text = new StringBuilder(200)
            .Append("from ").Append(Printable(heloName))
            .Append(" (").Append(AddressLiteral(client)).Append(')')
            .Append(" by ").Append(host).Append(" (AgentMail)")
            .Append(" with ").Append(protocol)
            .Append(" id ").Append(id);
        if (recipient is not null)
            text.Append(" for <").Append(Printable(recipient)).Append('>');
        return text.Append("; ").Append(MessageBuilder.FormatDate(date)).ToString();
    }

    /// <summary>For a message that never crossed SMTP here (queued by the API or a submission, delivered to a grant of this deployment).</summary>
    public static string Local(string host, string id, string recipient, DateTimeOffset date) =>
        $"from localhost by {host} (AgentMail) id {id} for <{Printable(recipient)}>; {MessageBuilder.FormatDate(date)}";

    public static string Protocol(bool esmtp, bool tls, bool smtpUtf8) => (esmtp, tls, smtpUtf8) switch
    {
        (_, true, true) => "UTF8SMTPS",
        (_, false, true) => "UTF8SMTP",
        (true, true, false) => "ESMTPS",
        (true, false, false) => "ESMTP",
        (false, true, false) => "SMTPS",
        _ => "SMTP",
    };

    /// <summary>RFC 5321 §4.1.3 address literal: [192.0.2.1] or [IPv6:2001:db8::1].</summary>
    public static string AddressLiteral(IPAddress? address) => address switch
    {
        null => "[unknown]",
        { IsIPv4MappedToIPv6: true } => $"[{address.MapToIPv4()}]",
        { AddressFamily: AddressFamily.InterNetworkV6 } => $"[IPv6:{address}]",
        _ => $"[{address}]",
    };

    /// <summary>What the client sent, kept readable and unable to break the field (its UTF-8 stays: RFC 6532).</summary>
    private static string Printable(string text) =>
        string.Create(Math.Min(text.Length, 255), text, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = source[i] is < '!' or '\u007f' or '(' or ')' or ';' ? '_' : source[i];
        });
}
