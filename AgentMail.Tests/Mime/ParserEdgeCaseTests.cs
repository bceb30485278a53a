using System.Text;
using AgentMail.Mime;
using AgentMail.Mime.Imap;
using AgentMail.Tests.Mime.Support;

namespace AgentMail.Tests.Mime;

/// <summary>Hand-written structures with offsets derived from RFC 2046 §5.1.1 by counting bytes.</summary>
public class ParserEdgeCaseTests
{
    private static string Dump(string message) => StructureDump.Of(MimeParser.Parse(Encoding.UTF8.GetBytes(message)));

    private static string BodyStructure(string message) =>
        Encoding.UTF8.GetString(ImapFormatter.GetBodyStructure(MimeParser.Parse(Encoding.UTF8.GetBytes(message))));

    [Fact]
    public void MissingClosingBoundaryEndsAtEndOfInput()
    {
        const string message = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\n\r\nworld\r\n";
        Assert.Equal(99, message.Length);
        Assert.Equal("""
            - M multipart/mixed 0/45/99 lines=7 dec=54
            1 L text/plain 50/78/83 lines=1 dec=5
            2 L text/plain 90/92/99 lines=1 dec=7
            """.ReplaceLineEndings("\n"), Dump(message));
    }

    [Fact]
    public void BareLfLineEndingsGiveExactSizes()
    {
        const string message = "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhello\n--b\n\nworld\n";
        Assert.Equal(90, message.Length);
        Assert.Equal("""
            - M multipart/mixed 0/43/90 lines=7 dec=47
            1 L text/plain 47/73/78 lines=1 dec=5
            2 L text/plain 83/84/90 lines=1 dec=6
            """.ReplaceLineEndings("\n"), Dump(message));
    }

    [Fact]
    public void MixedLineEndingsStripOnlyWhatPrecedesEachBoundary()
    {
        // "A" is followed by a bare LF before its boundary, "B" by CRLF.
        const string message = "Content-Type: multipart/mixed; boundary=b\n\n--b\r\n\r\nA\n--b\n\nB\r\n--b--\n";
        Assert.Equal("""
            - M multipart/mixed 0/43/66 lines=7 dec=23
            1 L text/plain 48/50/51 lines=1 dec=1
            2 L text/plain 56/57/58 lines=1 dec=1
            """.ReplaceLineEndings("\n"), Dump(message));
    }

    [Fact]
    public void PreambleAndEpilogueBelongToTheMultipartOnly()
    {
        const string message = "Content-Type: multipart/alternative; boundary=\"xx\"\r\n\r\npreamble line\r\n--xx\r\n\r\none\r\n--xx\r\n" +
                               "Content-Type: text/html\r\n\r\n<p>two</p>\r\n\r\n--xx--\r\nepilogue\r\n";
        Assert.Equal("""
            - M multipart/alternative 0/54/147 lines=11 dec=93
            1 L text/plain 75/77/80 lines=1 dec=3
            2 L text/html 88/115/127 lines=1 dec=12
            """.ReplaceLineEndings("\n"), Dump(message));
    }

    [Fact]
    public void BoundaryInsideALineIsContentButAPrefixMatchIsADelimiter()
    {
        // RFC 2046 §5.1.1: a delimiter starts a line; "--bxyz" matches boundary "b" as a prefix.
        const string message = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\ntext --b more\r\nx--b\r\n --b\r\n--bxyz\r\n\r\nsecond\r\n--b--";
        Assert.Equal("""
            - M multipart/mixed 0/45/102 lines=9 dec=57
            1 L text/plain 50/52/77 lines=3 dec=25
            2 L text/plain 87/89/95 lines=1 dec=6
            """.ReplaceLineEndings("\n"), Dump(message));
    }

    [Fact]
    public void TransportPaddingAfterBoundariesIsAllowed()
    {
        const string message = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b \t \r\n\r\none\r\n--b--   \r\n";
        Assert.Equal("""
            - M multipart/mixed 0/45/70 lines=4 dec=25
            1 L text/plain 53/55/58 lines=1 dec=3
            """.ReplaceLineEndings("\n"), Dump(message));
    }

    [Fact]
    public void MultipartWithoutAnyPartIsEmptyAndRendersAnEmptyTextPart()
    {
        const string message = "Content-Type: multipart/mixed; boundary=b\r\n\r\njust text\r\n";
        Assert.Equal("- M multipart/mixed 0/45/56 lines=1 dec=11", Dump(message));
        Assert.Equal(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"b\") NIL NIL NIL)",
            BodyStructure(message));
    }

    [Fact]
    public void HeaderWithoutBlankLineEndsAtABoundary()
    {
        const string message = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: image/gif\r\n--b\r\n--b\r\n" +
                               "Content-Type: text/plain\r\n\r\nx\r\n--b--\r\n";
        Assert.Equal("""
            - M multipart/mixed 0/45/123 lines=8 dec=78
            1 L image/gif 50/75/75 lines=0 dec=0
            2 L text/plain 80/80/80 lines=0 dec=0
            3 L text/plain 85/113/114 lines=1 dec=1
            """.ReplaceLineEndings("\n"), Dump(message));
    }

    [Fact]
    public void HeaderWithoutBlankLineEndsAtTheFirstLineThatIsNotAField()
    {
        const string message = "Subject: hi\r\nThis line has no colon\r\nSecond: looks like a field\r\n";
        // The junk line is followed by a field, so it is read as a broken fold of the header.
        Assert.Equal("1 L text/plain 0/65/65 lines=0 dec=0", Dump(message));
        const string body = "Subject: hi\r\nThis line has no colon\r\nnor has this one\r\n";
        Assert.Equal("1 L text/plain 0/13/55 lines=2 dec=42", Dump(body));
    }

    [Fact]
    public void MessageWithNoBodyAndNoBlankLine()
    {
        var structure = MimeParser.Parse("Subject: x"u8);
        Assert.Equal("1 L text/plain 0/10/10 lines=0 dec=0", StructureDump.Of(structure));
        Assert.Equal("x", structure.Envelope.Subject);
    }

    [Fact]
    public void EmptyInputIsAnEmptyTextMessage()
    {
        var structure = MimeParser.Parse(ReadOnlySpan<byte>.Empty);
        Assert.Equal("1 L text/plain 0/0/0 lines=0 dec=0", StructureDump.Of(structure));
        Assert.Equal("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL)",
            Encoding.UTF8.GetString(ImapFormatter.GetBodyStructure(structure)));
        Assert.Equal("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)", Encoding.UTF8.GetString(ImapFormatter.GetEnvelope(structure.Envelope)));
    }

    [Fact]
    public void NestedMessageHasItsOwnEnvelopeAndNumbers()
    {
        const string message = "From: a@b.c\r\nSubject: outer\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: message/rfc822\r\n\r\n" +
                               "From: \"Inner, Person\" <in@x.y>\r\nSubject: inner\r\n\r\nline1\r\nline2\r\n--o--\r\n";
        var structure = MimeParser.Parse(Encoding.ASCII.GetBytes(message));
        Assert.Equal("""
            - M multipart/mixed 0/74/182 lines=9 dec=108
            1 R message/rfc822 79/111/173 lines=5 dec=62
            1.1 L text/plain 111/161/173 lines=2 dec=12
            """.ReplaceLineEndings("\n"), StructureDump.Of(structure));
        Assert.Equal(
            "((\"message\" \"rfc822\" NIL NIL NIL \"7BIT\" 62 (NIL \"inner\" ((\"Inner, Person\" NIL \"in\" \"x.y\")) ((\"Inner, Person\" NIL \"in\" \"x.y\")) " +
            "((\"Inner, Person\" NIL \"in\" \"x.y\")) NIL NIL NIL NIL NIL) (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 12 2 NIL NIL NIL NIL) 5 NIL NIL NIL NIL) " +
            "\"mixed\" (\"boundary\" \"o\") NIL NIL NIL)",
            Encoding.UTF8.GetString(ImapFormatter.GetBodyStructure(structure)));
    }

    [Fact]
    public void DigestChildrenWithoutContentTypeAreMessages()
    {
        const string message = "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: one\r\n\r\nbody\r\n--d\r\nContent-Type: text/plain\r\n\r\nnot a message\r\n--d--\r\n";
        var structure = MimeParser.Parse(Encoding.ASCII.GetBytes(message));
        Assert.Equal(MimePartKind.Message, structure.FindPart("1")!.Kind);
        Assert.Equal("message/rfc822", structure.FindPart("1")!.ContentType.MimeType);
        Assert.Equal("one", structure.FindPart("1")!.Message!.Envelope.Subject);
        Assert.Equal("text/plain", structure.FindPart("2")!.ContentType.MimeType);
        Assert.StartsWith("((\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 20 (NIL \"one\" NIL NIL NIL NIL NIL NIL NIL NIL)", Encoding.UTF8.GetString(ImapFormatter.GetBodyStructure(structure)));
    }

    [Fact]
    public void InvalidContentTypesDefaultToTextPlain()
    {
        // RFC 2045 §5.2: a syntactically invalid Content-Type is taken as text/plain; charset=us-ascii.
        Assert.Equal("1 L text/plain 0/36/40 lines=1 dec=4", Dump("Content-Type: application-x-gzip\r\n\r\nbody"));
        Assert.Equal("1 L text/plain 0/29/33 lines=1 dec=4", Dump("Content-Type: text/ ; a=b\r\n\r\nbody"));
        // A multipart without a boundary cannot be split: it is text/plain too.
        Assert.Equal("1 L text/plain 0/29/37 lines=2 dec=8", Dump("Content-Type: multipart/x\r\n\r\n--b\r\nx\r\n"));
    }

    [Fact]
    public void ContentTypeWithCommentsAndOddSpacing()
    {
        var structure = MimeParser.Parse("Content-Type: text/plain (plain text) ; charset = \"utf-8\" (yes) ;format=flowed\r\n\r\nx"u8);
        var type = structure.Root.ContentType;
        Assert.Equal(("text", "plain"), (type.MediaType, type.MediaSubtype));
        Assert.Equal(["charset=utf-8", "format=flowed"], type.Parameters.Select(p => $"{p.Name}={p.Value}"));
    }

    [Fact]
    public void FirstOccurrenceOfAFieldWins()
    {
        var structure = MimeParser.Parse("Subject: one\r\nSubject: two\r\nContent-Type: text/html\r\nContent-Type: text/plain\r\n\r\nx"u8);
        Assert.Equal("one", structure.Envelope.Subject);
        Assert.Equal("text/html", structure.Root.ContentType.MimeType);
    }

    [Fact]
    public void EncodedMessageRfc822IsAnOpaqueLeaf()
    {
        // RFC 2046 §5.2.1: message/rfc822 may only be 7bit, 8bit or binary.
        const string message = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogeA==\r\n--b--\r\n";
        var structure = MimeParser.Parse(Encoding.ASCII.GetBytes(message));
        var part = structure.FindPart("1")!;
        Assert.Equal((MimePartKind.Leaf, "application/octet-stream", 10L), (part.Kind, part.ContentType.MimeType, part.DecodedSize));
        Assert.False(structure.LimitsExceeded);
        Assert.Null(ImapGrammar.ValidateBody(ImapFormatter.GetBodyStructure(structure)));
    }

    [Fact]
    public void MessageGlobalIsAMessageInRev2AndBasicInRev1()
    {
        const string message = "Content-Type: message/global\r\n\r\nSubject: =?utf-8?q?x?=\r\n\r\nbody";
        var structure = MimeParser.Parse(Encoding.ASCII.GetBytes(message));
        Assert.Equal(MimePartKind.Message, structure.Root.Kind);
        Assert.Equal(
            "(\"message\" \"global\" NIL NIL NIL \"7BIT\" 30 (NIL \"=?utf-8?q?x?=\" NIL NIL NIL NIL NIL NIL NIL NIL) (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 4 1 NIL NIL NIL NIL) 3 NIL NIL NIL NIL)",
            Encoding.UTF8.GetString(ImapFormatter.GetBodyStructure(structure)));
        Assert.Equal("(\"message\" \"global\" NIL NIL NIL \"7BIT\" 30 NIL NIL NIL NIL)",
            Encoding.UTF8.GetString(ImapFormatter.GetBodyStructure(structure, ImapDialect.Imap4rev1)));
    }

    [Fact]
    public void MboxFromLineAndBomBeforeTheHeaderAreKeptInIt()
    {
        var structure = MimeParser.Parse("\uFEFFFrom - Mon Jan 1 00:00:00 2024\r\nSubject: s\r\n\r\nb"u8.ToArray());
        Assert.Equal("s", structure.Envelope.Subject);
        Assert.Equal("1 L text/plain 0/49/50 lines=1 dec=1", StructureDump.Of(structure));
    }

    [Fact]
    public void NulBytesAndEightBitHeadersNeverBreakTheOutput()
    {
        var message = Encoding.UTF8.GetBytes("Subject: caf\u00e9 \0 ok\r\nFrom: J\u00f6rg <j@x.de>\r\n\r\nbody\0with nul");
        var structure = MimeParser.Parse(message);
        Assert.Equal("caf\u00e9 \0 ok", structure.Envelope.Subject);
        var envelope = ImapFormatter.GetEnvelope(structure.Envelope);
        Assert.Null(ImapGrammar.ValidateEnvelope(envelope));
        // 8-bit values go out as literals, without the NUL (not even a literal may carry one).
        Assert.StartsWith("(NIL {9}\r\ncaf\u00e9  ok (({5}\r\nJ\u00f6rg NIL \"j\" \"x.de\")) ", Encoding.UTF8.GetString(envelope));
        Assert.Equal(13, structure.Root.Size);
    }

    [Fact]
    public void LatinOneHeaderBytesAreReadAsWindows1252()
    {
        var message = "Subject: caf"u8.ToArray().Concat(new byte[] { 0xE9, 0x20, 0x80 }).Concat("\r\n\r\n"u8.ToArray()).ToArray();
        Assert.Equal("caf\u00e9 \u20ac", MimeParser.Parse(message).Envelope.Subject);
    }
}
