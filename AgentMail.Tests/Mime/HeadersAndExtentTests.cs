using System.Text;
using AgentMail.Mime;
using AgentMail.Mime.Building;
using AgentMail.Mime.Summary;

namespace AgentMail.Tests.Mime;

/// <summary>MessageHeaders.Read and MessageBody.GetHtmlExtent: what the API reads without the whole message.</summary>
public sealed class HeadersAndExtentTests
{
    [Fact]
    public void Headers_are_unfolded_and_keep_encoded_words_unless_asked_to_decode()
    {
        var message = Encoding.ASCII.GetBytes(
            "From: =?utf-8?q?Caf=C3=A9?= <a@example.com>\r\nSubject: a long\r\n  folded subject\r\nX-Empty:\r\n" +
            "Subject: second\r\n\r\nbody\r\n");
        var structure = MimeParser.Parse(message);

        var raw = MessageHeaders.Read(message, structure);
        Assert.Equal(
            [new("From", "=?utf-8?q?Caf=C3=A9?= <a@example.com>"), new("Subject", "a long  folded subject"), new("X-Empty", ""), new("Subject", "second")],
            raw);
        Assert.Equal("Café <a@example.com>", MessageHeaders.Read(message, structure, decodeEncodedWords: true)[0].Value);
        // A prefix that covers the header is enough.
        Assert.Equal(raw, MessageHeaders.Read(message.AsSpan(0, (int)structure.Root.BodyOffset), structure));
    }

    [Fact]
    public void The_html_extent_ends_before_the_attachment_and_that_prefix_gives_the_same_body()
    {
        var builder = new MessageBuilder { From = new(null, "a@example.com"), Subject = "s", TextBody = "plain", HtmlBody = "<p>rich</p>" };
        builder.To.Add(new(null, "b@example.com"));
        builder.AddAttachment(OutgoingAttachment.FromBytes("big.bin", "application/octet-stream", new byte[200_000]));
        var message = builder.ToArray();
        var structure = MimeParser.Parse(message);

        var extent = MessageBody.GetHtmlExtent(structure);

        Assert.InRange(extent, 100, 10_000);
        Assert.Equal("<p>rich</p>", MessageBody.GetHtml(message.AsSpan(0, (int)extent), structure));
        Assert.Equal(MessageBody.GetHtml(message, structure), MessageBody.GetHtml(message.AsSpan(0, (int)extent), structure));
    }

    [Fact]
    public void A_message_without_a_body_part_has_no_extent()
    {
        var message = Encoding.ASCII.GetBytes("Subject: x\r\nContent-Type: application/pdf\r\n\r\nJVBERi0=\r\n");
        Assert.Equal(0, MessageBody.GetHtmlExtent(MimeParser.Parse(message)));
    }
}
