using System.Text;
using AgentMail.Mime;
using AgentMail.Mime.Building;
using AgentMail.Mime.Summary;

namespace AgentMail.Tests.Mime;

/// <summary>multipart/report (RFC 6522) as the SMTP service builds bounces (RFC 3464).</summary>
public sealed class ReportBuilderTests
{
    private static readonly byte[] Original = "From: a@example.com\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\nX-Raw: \u00e9t\u00e9\r\n\r\n"u8.ToArray();

    private static MessageBuilder Bounce() => new()
    {
        From = new EmailAddress("Mail Delivery System", "MAILER-DAEMON@mx.example.com"),
        Subject = "Undelivered Mail Returned to Sender",
        TextBody = "Your message could not be delivered.\n",
        Date = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
        MessageId = "dsn1@mx.example.com",
        Report = new MessageReport("delivery-status", "message/delivery-status",
            "Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; bob@example.org\nAction: failed\nStatus: 5.1.1\n",
            "text/rfc822-headers", Original),
    };

    [Fact]
    public void The_report_parts_follow_the_body_with_their_types_and_exact_bytes()
    {
        var bytes = Bounce().ToArray();
        var structure = MimeParser.Parse(bytes);

        Assert.True(structure.Root.ContentType.Is("multipart", "report"));
        Assert.Equal("delivery-status", structure.Root.ContentType.Parameters.Get("report-type"));
        Assert.Equal(3, structure.Root.Children.Count);
        var (text, status, returned) = (structure.Root.Children[0], structure.Root.Children[1], structure.Root.Children[2]);
        Assert.True(text.ContentType.Is("text", "plain"));
        Assert.True(status.ContentType.Is("message", "delivery-status"));
        Assert.Equal("Reporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; bob@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n",
            Encoding.ASCII.GetString(bytes.AsSpan((int)status.BodyOffset, (int)status.Size)));
        Assert.Equal("7bit", status.ContentTransferEncoding);
        Assert.True(returned.ContentType.Is("text", "rfc822-headers"));
        Assert.Equal("8bit", returned.ContentTransferEncoding); // raw UTF-8 in the returned header
        Assert.Equal(Original, bytes.AsSpan((int)returned.BodyOffset, (int)returned.Size).ToArray());
        Assert.Equal("Undelivered Mail Returned to Sender", MessageSummary.Create(bytes, structure).Subject);
    }

    [Fact]
    public void Without_returned_content_there_are_two_parts()
    {
        var builder = Bounce();
        builder.Report = builder.Report! with { ReturnedContentType = null, Returned = default };
        var structure = MimeParser.Parse(builder.ToArray());
        Assert.Equal(2, structure.Root.Children.Count);
    }

    [Theory]
    [InlineData("delivery status")]
    [InlineData("")]
    [InlineData("a;b")]
    public void An_invalid_report_type_is_refused(string reportType)
    {
        var builder = Bounce();
        builder.Report = builder.Report! with { ReportType = reportType };
        Assert.Throws<ArgumentException>(() => builder.ToArray());
    }
}
