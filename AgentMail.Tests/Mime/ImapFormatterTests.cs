using System.Text;
using AgentMail.Mime;
using AgentMail.Mime.Imap;
using AgentMail.Tests.Mime.Support;

namespace AgentMail.Tests.Mime;

public class ImapFormatterTests
{
    private static string Body(MessageStructure s) => Encoding.UTF8.GetString(ImapFormatter.GetBody(s));

    private static string BodyStructure(MessageStructure s) => Encoding.UTF8.GetString(ImapFormatter.GetBodyStructure(s));

    private static string Envelope(MessageStructure s) => Encoding.UTF8.GetString(ImapFormatter.GetEnvelope(s.Envelope));

    /// <summary>A body of exactly <paramref name="octets"/> octets in <paramref name="lines"/> CRLF lines.</summary>
    private static string TextOf(int octets, int lines)
    {
        var content = octets - 2 * lines;
        var text = new StringBuilder();
        for (var i = 0; i < lines; i++)
        {
            var length = content / lines + (i < content % lines ? 1 : 0);
            text.Append(new string((char)('a' + i % 26), length)).Append("\r\n");
        }
        Assert.Equal(octets, text.Length);
        return text.ToString();
    }

    [Fact]
    public void Rfc9051SimpleTextExample()
    {
        // RFC 9051 §7.5.2: "a simple text message of 48 lines and 2279 octets".
        var s = MimeParser.Parse(Encoding.ASCII.GetBytes("Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n" + TextOf(2279, 48)));
        Assert.Equal("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 2279 48)", Body(s));
        Assert.Equal("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 2279 48 NIL NIL NIL NIL)", BodyStructure(s));
    }

    [Fact]
    public void Rfc9051TwoPartExample()
    {
        // RFC 9051 §7.5.2: a text part and a base64-encoded text attachment.
        var message = "Content-Type: MULTIPART/MIXED; BOUNDARY=\"x\"\r\n\r\n--x\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n" +
                      TextOf(1152, 23) + "\r\n--x\r\n" +
                      "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff\r\nContent-ID: <960723163407.20117h@cac.washington.edu>\r\n" +
                      "Content-Description: Compiler diff\r\nContent-Transfer-Encoding: BASE64\r\n\r\n" +
                      TextOf(4554, 73) + "\r\n--x--\r\n";
        var s = MimeParser.Parse(Encoding.ASCII.GetBytes(message));
        Assert.Equal(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)" +
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\")",
            Body(s));
    }

    [Fact]
    public void Rfc9051SampleSessionEnvelopeBodyAndHeader()
    {
        // RFC 9051 §8: FETCH 12 FULL and BODY[HEADER] {342}.
        const string header = "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\nFrom: Terry Gray <gray@cac.washington.edu>\r\n" +
                              "Subject: IMAP4rev2 WG mtg summary and minutes\r\nTo: imap@cac.washington.edu\r\n" +
                              "cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\nMessage-Id: <B27397-0100000@cac.washington.edu>\r\n" +
                              "MIME-Version: 1.0\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n";
        var bytes = Encoding.ASCII.GetBytes(header + TextOf(3028, 92));
        var s = MimeParser.Parse(bytes);
        // (The RFC's own text shows "...washington.ed>", a typo for the header it fetches next.)
        Assert.Equal(
            "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev2 WG mtg summary and minutes\" " +
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) " +
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) " +
            "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL " +
            "\"<B27397-0100000@cac.washington.edu>\")",
            Envelope(s));
        Assert.Equal("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92)", Body(s));
        var location = s.Resolve(new BodySection([], SectionKind.Header));
        Assert.Equal((SectionLocationKind.Slice, 0L, 342L), (location.Kind, location.Offset, location.Length));
    }

    [Fact]
    public void AbsentFieldsAreNilAndEmptyOnesAreEmptyStrings()
    {
        // RFC 9051 §7.5.2: Date/Subject/In-Reply-To/Message-ID present but empty are "",
        // empty address fields are NIL, Sender and Reply-To default to From.
        var s = MimeParser.Parse("Subject:\r\nDate: \r\nTo:\r\nFrom: a@b.c\r\nReply-To:\r\nIn-Reply-To:\r\n\r\n"u8);
        Assert.Equal("(\"\" \"\" ((NIL NIL \"a\" \"b.c\")) ((NIL NIL \"a\" \"b.c\")) ((NIL NIL \"a\" \"b.c\")) NIL NIL NIL \"\" NIL)", Envelope(s));
    }

    [Fact]
    public void StringsAreQuotedOrLiteralAsNeeded()
    {
        var subject = "a \"quoted\" \\ backslash";
        var s = MimeParser.Parse(Encoding.UTF8.GetBytes($"Subject: {subject}\r\nMessage-ID: <x@y>\r\nIn-Reply-To: caf\u00e9\r\nDate: {new string('d', 1100)}\r\n\r\n"));
        var envelope = Envelope(s);
        Assert.StartsWith("({1100}\r\n" + new string('d', 1100) + " \"a \\\"quoted\\\" \\\\ backslash\" NIL NIL NIL NIL NIL NIL {5}\r\ncaf\u00e9 \"<x@y>\")", envelope);
        Assert.Null(ImapGrammar.ValidateEnvelope(ImapFormatter.GetEnvelope(s.Envelope)));
    }

    [Fact]
    public void ExtensionDataCarriesMd5DispositionLanguageAndLocation()
    {
        var s = MimeParser.Parse(Encoding.ASCII.GetBytes(
            "Content-Type: image/png\r\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\nContent-Disposition: inline; filename=a.png; size=3\r\n" +
            "Content-Language: en, de\r\nContent-Location: http://example.com/a.png\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA"));
        Assert.Equal(
            "(\"image\" \"png\" NIL NIL NIL \"base64\" 4 \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"inline\" (\"filename\" \"a.png\" \"size\" \"3\")) (\"en\" \"de\") \"http://example.com/a.png\")",
            BodyStructure(s));
        Assert.Equal("(\"image\" \"png\" NIL NIL NIL \"base64\" 4)", Body(s));
    }

    [Fact]
    public void MultipartExtensionDataHasParametersDispositionLanguageLocation()
    {
        var s = MimeParser.Parse("Content-Type: multipart/mixed; boundary=b\r\nContent-Language: fr\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n"u8);
        Assert.Equal("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1 1 NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"b\") NIL \"fr\" NIL)", BodyStructure(s));
    }

    [Fact]
    public void TextWithoutCharsetGetsTheDefaultCharsetFirst()
    {
        var s = MimeParser.Parse("Content-Type: text/html; name=x.html\r\n\r\n<p>"u8);
        Assert.Equal("(\"text\" \"html\" (\"CHARSET\" \"US-ASCII\" \"name\" \"x.html\") NIL NIL \"7BIT\" 3 1)", Body(s));
    }

    [Fact]
    public void AddressesWithRoutesGroupsAndEightBitNames()
    {
        var s = MimeParser.Parse(Encoding.UTF8.GetBytes("To: <@a,@b:u@h>, team: \"Z\u00fc\" <z@x.y>;\r\n\r\n"));
        Assert.Equal("(NIL NIL NIL NIL NIL ((NIL \"@a,@b\" \"u\" \"h\")(NIL NIL \"team\" NIL)({3}\r\nZ\u00fc NIL \"z\" \"x.y\")(NIL NIL NIL NIL)) NIL NIL NIL NIL)", Envelope(s));
    }

    [Fact]
    public void RenderingUsesOnlyTheStoredForm()
    {
        var original = MimeParser.Parse(TestFiles.Read("bounce.txt"));
        var restored = MessageStructure.FromBytes(original.ToBytes());
        Assert.Equal(ImapFormatter.GetBodyStructure(original), ImapFormatter.GetBodyStructure(restored));
        Assert.Equal(ImapFormatter.GetEnvelope(original.Envelope), ImapFormatter.GetEnvelope(restored.Envelope));
    }

    [Fact]
    public void CorruptStoredFormsAreRejected()
    {
        var stored = MimeParser.Parse(TestFiles.Read("simple-multipart.eml")).ToBytes();
        Assert.Throws<FormatException>(() => MessageStructure.FromBytes(stored.AsSpan(0, stored.Length - 3)));
        Assert.Throws<FormatException>(() => MessageStructure.FromBytes("XYZ\u0001"u8));
        var otherVersion = (byte[])stored.Clone();
        otherVersion[3] = 99;
        Assert.Throws<FormatException>(() => MessageStructure.FromBytes(otherVersion));
        var random = new Random(1);
        for (var i = 0; i < 2000; i++)
        {
            var mutated = (byte[])stored.Clone();
            mutated[random.Next(4, mutated.Length)] = (byte)random.Next(256);
            try { MessageStructure.FromBytes(mutated); }
            catch (FormatException) { }
        }
    }
}

public class ImapGrammarValidatorTests
{
    [Theory]
    [InlineData("(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)")]
    [InlineData("((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1) \"MIXED\")")]
    [InlineData("(\"IMAGE\" \"GIF\" (\"a\" \"b\") NIL NIL \"BASE64\" 10 NIL (\"inline\" NIL) (\"en\" \"fr\") NIL 1 (2 \"x\"))")]
    [InlineData("(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 5 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0) 1)")]
    [InlineData("({4}\r\nTEXT \"X\" NIL NIL NIL \"7BIT\" 1)")] // a literal TEXT is a basic type
    public void AcceptsValidBodies(string body) => Assert.Null(ImapGrammar.ValidateBody(Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1)")]                   // text without lines
    [InlineData("(\"TEXT\"  \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)")]              // two spaces
    [InlineData("((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1) (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1) \"MIXED\")")] // SP between parts
    [InlineData("( \"MIXED\")")]                                                 // multipart without parts
    [InlineData("(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 5)")]               // message without envelope
    [InlineData("(\"TEXT\" \"PLAIN\" (\"a\") NIL NIL \"7BIT\" 1 1)")]             // odd parameter list
    [InlineData("(\"TEXT\" \"PLAIN\" () NIL NIL \"7BIT\" 1 1)")]                  // empty parameter list
    [InlineData("(\"TEXT\" \"PL\rAIN\" NIL NIL NIL \"7BIT\" 1 1)")]               // CR in a quoted string
    [InlineData("(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 99999999999 1)")]       // octets beyond 32 bits
    [InlineData("(\"TEXT\" \"PLAIN\" NIL NIL NIL {5}\r\n7BIT 1 1)")]             // literal longer than its content
    [InlineData("(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1")]                   // unbalanced
    public void RejectsInvalidBodies(string body) => Assert.NotNull(ImapGrammar.ValidateBody(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void RejectsNulInLiteralsAndBadEnvelopes()
    {
        Assert.NotNull(ImapGrammar.ValidateBody(Encoding.UTF8.GetBytes("({1}\r\n\0 \"X\" NIL NIL NIL \"7BIT\" 1)")));
        Assert.NotNull(ImapGrammar.ValidateEnvelope(Encoding.UTF8.GetBytes("(NIL NIL () NIL NIL NIL NIL NIL NIL NIL)")));
        Assert.NotNull(ImapGrammar.ValidateEnvelope(Encoding.UTF8.GetBytes("(NIL NIL ((NIL NIL NIL)) NIL NIL NIL NIL NIL NIL NIL)")));
        Assert.Null(ImapGrammar.ValidateEnvelope(Encoding.UTF8.GetBytes("(NIL NIL ((NIL NIL NIL NIL)(\"a\" NIL \"b\" \"c\")) NIL NIL NIL NIL NIL NIL NIL)")));
    }
}
