using System.Text;
using AgentMail.Mime;
using AgentMail.Mime.Imap;

namespace AgentMail.Tests.Mime;

public class ParameterTests
{
    private static ContentType TypeOf(string header) =>
        MimeParser.Parse(Encoding.UTF8.GetBytes("Content-Type: " + header + "\r\n\r\n")).Root.ContentType;

    private static string Params(string header) =>
        string.Join(" | ", TypeOf(header).Parameters.Select(p => $"{p.Name}={p.Value}{(p.Rfc2231Encoded ? "*" : "")}{(p.Language is null ? "" : "@" + p.Language)}"));

    [Theory]
    // RFC 2231's own examples (§3, §4, §4.1).
    [InlineData("message/external-body; access-type=URL;\r\n URL*0=\"ftp://\";\r\n URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"",
        "access-type=URL | URL=ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar")]
    [InlineData("application/x-stuff;\r\n title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A", "title=This is ***fun****@en-us")]
    [InlineData("application/x-stuff;\r\n title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n title*2=\"isn't it!\"",
        "title=This is even more ***fun*** isn't it!*@en")]
    // Charsets, order, gaps, both forms.
    [InlineData("application/pdf; name*=UTF-8''%E2%82%AC%20rates.pdf", "name=\u20ac rates.pdf*")]
    [InlineData("application/pdf; name*=iso-8859-1''caf%E9.txt", "name=caf\u00e9.txt*")]
    [InlineData("application/pdf; name*1=\"b\"; name*0=\"a\"", "name=ab")]
    [InlineData("application/pdf; name*0=\"a\"; name*2=\"c\"", "name=ac")]
    [InlineData("application/pdf; name=\"fallback.pdf\"; name*=utf-8''r%C3%A9al.pdf", "name=r\u00e9al.pdf*")]
    [InlineData("application/pdf; name*0*=utf-8''%E2%82; name*1*=%AC", "name=\u20ac*")]           // split character joined as octets
    [InlineData("application/pdf; name*=%41%42", "name=AB*")]                                       // no charset quote
    [InlineData("application/pdf; name*=utf-8''100%25%zz", "name=100%%zz*")]                        // bad percent escape kept
    // What senders get wrong.
    [InlineData("application/pdf; name=My File.pdf; x=y", "name=My File.pdf | x=y")]
    [InlineData("text/plain charset=utf-8 format=flowed", "charset=utf-8 | format=flowed")]
    [InlineData("text/plain; charset=us-ascii (Plain text)", "charset=us-ascii")]
    [InlineData("text/plain; name=\"unterminated", "name=unterminated")]
    [InlineData("text/plain; a=1; A=2", "a=1")]
    [InlineData("text/plain; name=\"a\\\"b\"", "name=a\"b")]
    [InlineData("text/plain; ;; novalue; =x; good=yes", "good=yes")]
    [InlineData("text/plain; name=\"=?utf-8?B?w6k=?=\"", "name==?utf-8?B?w6k=?=")]                 // RFC 2047 left for the reader
    [InlineData("text/plain; name=\"caf\u00e9\"", "name=caf\u00e9")]                                // RFC 6532 raw UTF-8
    public void ParsesParameters(string header, string expected) => Assert.Equal(expected, Params(header));

    [Fact]
    public void DispositionParametersAreDecodedToo()
    {
        var part = MimeParser.Parse("Content-Disposition: attachment;\r\n filename*0*=utf-8''%E2%82%AC;\r\n filename*1=\".pdf\"\r\n\r\n"u8).Root;
        Assert.Equal("attachment", part.ContentDisposition!.Disposition);
        Assert.Equal("\u20ac.pdf", part.ContentDisposition.FileName);
    }

    [Fact]
    public void BodyStructureSendsDecodedParametersAsciiOrInRfc2231Form()
    {
        var structure = MimeParser.Parse(Encoding.ASCII.GetBytes(
            "Content-Type: application/x-stuff; title*0*=us-ascii'en'This%20is; title*1=\" fun\"\r\n" +
            "Content-Disposition: attachment; filename*=UTF-8'fr'%E2%82%AC%20rates.pdf\r\n\r\n"));
        Assert.Equal(
            "(\"application\" \"x-stuff\" (\"title\" \"This is fun\") NIL NIL \"7BIT\" 0 NIL (\"attachment\" (\"filename*\" \"utf-8'fr'%E2%82%AC%20rates.pdf\")) NIL NIL)",
            Encoding.ASCII.GetString(ImapFormatter.GetBodyStructure(structure)));
    }
}
