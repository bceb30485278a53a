using System.Text;
using AgentMail.Mime;
using AgentMail.Mime.Summary;
using AgentMail.Tests.Mime.Support;

namespace AgentMail.Tests.Mime;

public class SummaryTests
{
    private static (byte[] Bytes, MessageStructure Structure) Load(string name)
    {
        var bytes = TestFiles.Read(name);
        return (bytes, MimeParser.Parse(bytes));
    }

    [Theory]
    [InlineData("body.1.txt", "This is the text body.")]
    [InlineData("body.2.txt", "<html>This is an <b>html</b> body.</html>")]
    [InlineData("body.3.txt", "<html>This is an <b>html</b> body.</html>")]
    [InlineData("body.4.txt", "<html>This is an <b>html</b> body.</html>")]
    [InlineData("body.5.txt", "<html>This is an <b>html</b> body.</html>")]
    [InlineData("body.6.txt", "<html>This is an <b>html</b> body.</html>")]
    [InlineData("body.7.txt", "<html>This is an <b>html</b> body.</html>")]
    // multipart/mixed shows every inline text part in order, as mail clients do.
    [InlineData("body.8.txt", "This is the text body.<html>This is some <b>html</b> text but is not the body.</html>")]
    [InlineData("body.9.txt", "<html>This is an <b>html</b> body.</html>This is some plain text but is not the body.")]
    [InlineData("epilogue.txt", "&gt; NeXTSTEP, NeXTSTEP, NeXTSTEP...<br><br>Don&#39;t you mean: &quot;NeXTstep, NeXTSTEP, NEXTSTEP...&quot;?<br>")]
    [InlineData("delivery-status.txt", "")]
    public void ApiBodyPrefersHtmlElseEscapedText(string file, string expected)
    {
        var (bytes, structure) = Load(file);
        Assert.Equal(expected, MessageBody.GetHtml(bytes, structure));
    }

    [Theory]
    [InlineData("body.1.txt", "This is the text body.")]
    [InlineData("body.2.txt", "This is an html body.")]
    [InlineData("body.6.txt", "This is the text body.")]
    [InlineData("body.9.txt", "This is an html body. This is some plain text but is not the body.")]
    [InlineData("japanese.txt", "Let's see if both subject and body works fine... \u65e5\u672c\u8a9e\u304c \u6b63\u5e38\u306b \u9001\u308c\u3066\u3044\u308b\u304b \u30c6\u30b9\u30c8.")]
    [InlineData("bounce.txt", "This is the mail system at host https://urldefense.proofpoint.com/v2/url?u=http-3A__hmail.jitbit.com")]
    [InlineData("multipart-related-mhtml.txt", "def")]
    [InlineData("issue1130.txt", "We should have access, and apparently did a few months ago, but now there isa \"You do not currently ")]
    public void SnippetIsTheFirstHundredCharactersOfText(string file, string expected)
    {
        var (bytes, structure) = Load(file);
        Assert.Equal(expected, MessageSummary.GetSnippet(bytes, structure));
    }

    [Fact]
    public void FlowedTextIsUnwrappedPerRfc3676()
    {
        var (bytes, structure) = Load("issue1130.txt");
        // delsp=yes deletes the space before each soft break, so "is " + "a" joins as "isa".
        Assert.Equal(
            "We should have access, and apparently did a few months ago, but now there isa \"You do not currently have access to this content.\" at the bottom of therecord\n\nThe URL in question URL:\nhttps://example.com/\n",
            MessageBody.GetText(bytes, structure));
        Assert.Equal("a b\n> quoted flowed\n-- \nsig\n", FlowedText.Decode(" a \r\nb\r\n> quoted \r\n> flowed\r\n-- \r\nsig\r\n", delSp: false));
    }

    [Fact]
    public void AttachmentsOfTheCorpus()
    {
        var (bytes, structure) = Load("body.6.txt");
        var summary = MessageSummary.Create(bytes, structure);
        Assert.True(summary.HasAttachments);
        Assert.Equal(
        [
            // "inline" but without a Content-ID the HTML cannot show them: they are files.
            new AttachmentInfo("1.1.2", "empty.gif", "image/gif", 0, null, "inline", false),
            new AttachmentInfo("1.1.3", "empty.jpg", "image/jpeg", 0, null, "inline", false),
            new AttachmentInfo("2", "document.txt", "text/plain", 29, null, "attachment", false),
        ], summary.Attachments);

        (bytes, structure) = Load("body.4.txt");
        Assert.True(MessageSummary.Create(bytes, structure).HasAttachments); // "inline" images nothing refers to

        (bytes, structure) = Load("simple-multipart.eml");
        Assert.Equal([new AttachmentInfo("2", "attachment.txt", "application/octet-stream", 38, null, "attachment", false)], MessageSummary.Create(bytes, structure).Attachments);

        (bytes, structure) = Load("multipart-related-mhtml.txt");
        Assert.Equal([new AttachmentInfo("1", null, "image/png", 889, null, null, true)], MessageSummary.Create(bytes, structure).Attachments);

        (bytes, structure) = Load("simple-embedded-message.eml");
        Assert.Equal([new AttachmentInfo("2", null, "message/rfc822", 208, null, null, false)], MessageSummary.Create(bytes, structure).Attachments);
    }

    [Fact]
    public void SummaryOfAHandWrittenMessage()
    {
        var message = Encoding.UTF8.GetBytes(
            "From: =?utf-8?q?J=C3=B6rg?= <joerg@example.de>\r\nSender: list@example.org\r\nReply-To: \"Support, Team\" <help@example.com>\r\n" +
            "To: team: a@x.y, \"B\" <b@x.y>;, c@x.y\r\nCc: <@r1:d@x.y>\r\nBcc: hidden@x.y\r\n" +
            "Subject: =?utf-8?B?UmU6IGNhZsOp?= [list] (fwd)\r\nDate: Tue, 12 Nov 2013 09:12:42 -0500\r\n" +
            "Message-ID: < id1@example.de >\r\nIn-Reply-To: <parent@x.y> (comment)\r\nReferences: <root@x.y>\r\n <parent@x.y>\r\n" +
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
            "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hi&nbsp;<b>there</b></p>\r\n" +
            "--b\r\nContent-Type: application/pdf; name=\"=?utf-8?q?r=C3=A9sum=C3=A9.pdf?=\"\r\nContent-Disposition: attachment; filename*=utf-8''CV%20%E2%82%AC.pdf\r\n" +
            "Content-Transfer-Encoding: base64\r\nContent-ID: <cv@x.y>\r\n\r\nJVBERi0=\r\n--b--\r\n");
        var summary = MessageSummary.Create(message, MimeParser.Parse(message));
        Assert.Equal("Re: caf\u00e9 [list] (fwd)", summary.Subject);
        Assert.Equal("caf\u00e9 [list]", summary.BaseSubject);
        Assert.Equal([new EmailAddress("J\u00f6rg", "joerg@example.de")], summary.From);
        Assert.Equal([new EmailAddress(null, "list@example.org")], summary.Sender);
        Assert.Equal([new EmailAddress("Support, Team", "help@example.com")], summary.ReplyTo);
        Assert.Equal([new EmailAddress(null, "a@x.y"), new EmailAddress("B", "b@x.y"), new EmailAddress(null, "c@x.y")], summary.To);
        Assert.Equal([new EmailAddress(null, "d@x.y")], summary.Cc);
        Assert.Equal([new EmailAddress(null, "hidden@x.y")], summary.Bcc);
        Assert.Equal(new DateTimeOffset(2013, 11, 12, 9, 12, 42, TimeSpan.FromHours(-5)), summary.Date);
        Assert.Equal("id1@example.de", summary.MessageId);
        Assert.Equal("parent@x.y", summary.InReplyTo);
        Assert.Equal(["root@x.y", "parent@x.y"], summary.References);
        Assert.Equal("Hi there", summary.Snippet);
        Assert.True(summary.HasAttachments);
        Assert.Equal([new AttachmentInfo("2", "CV \u20ac.pdf", "application/pdf", 5, "cv@x.y", "attachment", false)], summary.Attachments);
        Assert.Equal(12, summary.Headers.Count);
        Assert.Equal(new HeaderField("Subject", "Re: caf\u00e9 [list] (fwd)"), summary.Headers[6]);
        Assert.Equal(new HeaderField("References", "<root@x.y> <parent@x.y>"), summary.Headers[10]);
    }

    [Fact]
    public void HeadersAreListedInOrderAndDecoded()
    {
        var (bytes, structure) = Load("body.1.txt");
        Assert.Equal(
        [
            new HeaderField("From", "MimeKit Unit Tests <mimekit@mimekit.net>"),
            new HeaderField("To", "MimeKit Unit Tests <mimekit@mimekit.net>"),
            new HeaderField("Subject", "MimeMessage.TextBody and HtmlBody tests"),
            new HeaderField("Date", "Sat, 2 Jan 2016 17:42:00 -0400"),
            new HeaderField("MIME-Version", "1.0"),
            new HeaderField("Content-Type", "text/plain"),
        ], MessageSummary.Create(bytes, structure).Headers);
    }

    [Fact]
    public void AppleMailSplitHtmlIsJoinedAndItsInlineFilesAreAttachments()
    {
        var message = Encoding.ASCII.GetBytes(
            "Content-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\nBefore\r\n[x.pdf]\r\nAfter\r\n" +
            "--a\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/html\r\n\r\n<p>Before</p>\r\n" +
            "--m\r\nContent-Type: application/pdf; name=x.pdf\r\nContent-Disposition: inline; filename=x.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n" +
            "--m\r\nContent-Type: text/html\r\n\r\n<p>After</p>\r\n--m--\r\n--a--\r\n");
        var structure = MimeParser.Parse(message);
        Assert.Equal("<p>Before</p><p>After</p>", MessageBody.GetHtml(message, structure));
        Assert.Equal("Before\r\n[x.pdf]\r\nAfter", MessageBody.GetText(message, structure));
        var summary = MessageSummary.Create(message, structure);
        Assert.True(summary.HasAttachments);
        Assert.Equal([new AttachmentInfo("2.2", "x.pdf", "application/pdf", 4, null, "inline", false)], summary.Attachments);
    }

    [Fact]
    public void UnparseableDatesAreNull()
    {
        var message = "Date: sometime last week\r\n\r\n"u8.ToArray();
        Assert.Null(MessageSummary.Create(message, MimeParser.Parse(message)).Date);
    }

    [Fact]
    public void HtmlToText()
    {
        const string html = "<html><head><title>t</title><style>p{}</style></head><body><p>Hello&nbsp;<b>world</b> &amp; you</p><!-- c --><script>x()</script><div>Next</div><table><tr><td>a</td><td>b</td></tr></table></body></html>";
        Assert.Equal("Hello world & you\n\nNext\n\na b", HtmlText.ToText(html));
        Assert.Equal("Hello world & you Next a b", HtmlText.CollapseWhitespace(HtmlText.ToText(html)));
        Assert.Equal("a &lt; b &amp; &quot;c&quot; &#39;d&#39;<br>line2<br>line3<br>", HtmlText.FromText("a < b & \"c\" 'd'\r\nline2\nline3\r"));
        Assert.Equal("ab", HtmlText.Truncate("ab\ud83d\ude00", 3)); // never half a surrogate pair
    }

    [Fact]
    public void HtmlWithoutCharsetParameterUsesItsMetaDeclaration()
    {
        var message = Encoding.Latin1.GetBytes("Content-Type: text/html\r\n\r\n<meta charset=\"iso-8859-1\"><p>caf\u00e9 \u0093q\u0094</p>");
        Assert.Equal("<meta charset=\"iso-8859-1\"><p>caf\u00e9 \u201cq\u201d</p>", MessageBody.GetHtml(message, MimeParser.Parse(message)));
    }

    [Fact]
    public void SearchTextIsBounded()
    {
        var message = Encoding.ASCII.GetBytes("Content-Type: text/plain\r\n\r\n" + new string('x', 200_000));
        Assert.Equal(64 * 1024, MessageBody.GetText(message, MimeParser.Parse(message)).Length);
        Assert.Equal(10, MessageBody.GetText(message, MimeParser.Parse(message), maxChars: 10).Length);
    }

    [Fact]
    public void MismatchedBytesAreRefused()
    {
        var structure = MimeParser.Parse(TestFiles.Read("body.1.txt"));
        Assert.Throws<ArgumentException>(() => MessageBody.GetHtml("short"u8, structure));
    }
}
