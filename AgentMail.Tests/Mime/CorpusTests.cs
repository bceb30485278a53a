using System.Text;
using AgentMail.Mime;
using AgentMail.Mime.Imap;
using AgentMail.Tests.Mime.Support;

namespace AgentMail.Tests.Mime;

public class CorpusTests
{
    /// <summary>Every corpus message (mbox files split into their messages), by expectation key.</summary>
    public static TheoryData<string> Messages()
    {
        var data = new TheoryData<string>();
        foreach (var key in CorpusExpectations.Structures.Keys) data.Add(key);
        return data;
    }

    internal static byte[] Load(string key)
    {
        var hash = key.IndexOf('#');
        if (hash < 0) return TestFiles.Read(key);
        return MboxReader.Split(TestFiles.Read(key[..hash]))[int.Parse(key[(hash + 1)..])];
    }

    [Fact]
    public void EveryCorpusFileHasAnExpectation()
    {
        var files = TestFiles.Messages().ToList();
        Assert.Equal(36, files.Count);
        foreach (var file in files)
            Assert.Contains(CorpusExpectations.Structures.Keys, k => k == file || k.StartsWith(file + "#", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void StructureMatchesExpectation(string key)
    {
        var structure = MimeParser.Parse(Load(key));
        var (size, expected) = CorpusExpectations.Structures[key];
        Assert.Equal(size, structure.Size);
        Assert.Equal(expected.ReplaceLineEndings("\n").Trim(), StructureDump.Of(structure));
        Assert.False(structure.LimitsExceeded);
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void ImapOutputIsValidGrammar(string key)
    {
        var structure = MimeParser.Parse(Load(key));
        Assert.Null(ImapGrammar.ValidateBody(ImapFormatter.GetBodyStructure(structure)));
        Assert.Null(ImapGrammar.ValidateBody(ImapFormatter.GetBody(structure), extensible: false));
        Assert.Null(ImapGrammar.ValidateBody(ImapFormatter.GetBodyStructure(structure, ImapDialect.Imap4rev1), rev1: true));
        Assert.Null(ImapGrammar.ValidateEnvelope(ImapFormatter.GetEnvelope(structure.Envelope)));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task StreamingAndSegmentedParsesEqualTheSpanParse(string key)
    {
        var bytes = Load(key);
        var expected = Describe(MimeParser.Parse(bytes));
        var seed = key.Length;
        Assert.Equal(expected, Describe(await MimeParser.ParseAsync(new ChunkedStream(bytes, seed, 7))));
        Assert.Equal(expected, Describe(await MimeParser.ParseAsync(new ChunkedStream(bytes, seed, 5000))));
        Assert.Equal(expected, Describe(MimeParser.Parse(ChunkedStream.Segmented(bytes, seed, 3))));
        Assert.Equal(expected, Describe(MimeParser.Parse(ChunkedStream.Segmented(bytes, seed, 70_000))));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void StoredFormRoundTrips(string key)
    {
        var structure = MimeParser.Parse(Load(key));
        var stored = structure.ToBytes();
        var restored = MessageStructure.FromBytes(stored);
        Assert.Equal(Describe(structure), Describe(restored));
        Assert.Equal(stored, restored.ToBytes());
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void DecodedAndBinarySizesMatchDecoding(string key)
    {
        var bytes = Load(key);
        foreach (var part in MimeParser.Parse(bytes).EnumerateParts().Where(p => p.Kind == MimePartKind.Leaf))
        {
            var body = bytes.AsSpan((int)part.BodyOffset, (int)part.Size);
            Assert.Equal(part.DecodedSize, AgentMail.Mime.Encodings.TransferDecoding.Decode(body, part.TransferEncoding).Length);
            var binary = new System.Buffers.ArrayBufferWriter<byte>();
            Assert.Equal(part.BinarySize, AgentMail.Mime.Encodings.TransferDecoding.DecodeBinarySection(body, part, binary));
            Assert.Equal(part.BinarySize, binary.WrittenCount);
            if (!part.ContentType.IsText) Assert.Equal(part.DecodedSize, part.BinarySize);
        }
    }

    internal static string Describe(MessageStructure s) =>
        StructureDump.Of(s) + "\n" + Encoding.UTF8.GetString(ImapFormatter.GetBodyStructure(s)) + "\n" +
        Encoding.UTF8.GetString(ImapFormatter.GetEnvelope(s.Envelope)) + "\n" + s.LimitsExceeded;

    [Fact]
    public void Rfc2060SampleHasTheRfcPartNumbers()
    {
        // RFC 9051 §6.4.5.1's example structure, which rfc2060.txt reproduces part by part.
        var structure = MimeParser.Parse(TestFiles.Read("rfc2060.txt"));
        var expected = new Dictionary<string, string>
        {
            ["1"] = "text/plain", ["2"] = "application/octet-stream", ["3"] = "message/rfc822",
            ["3.1"] = "text/plain", ["3.2"] = "application/octet-stream", ["4"] = "multipart/mixed",
            ["4.1"] = "image/gif", ["4.2"] = "message/rfc822", ["4.2.1"] = "text/plain",
            ["4.2.2"] = "multipart/alternative", ["4.2.2.1"] = "text/plain", ["4.2.2.2"] = "text/richtext",
        };
        foreach (var (number, type) in expected)
            Assert.Equal(type, structure.FindPart(number)!.ContentType.MimeType);
        // Each leaf says which part it is.
        var bytes = TestFiles.Read("rfc2060.txt");
        foreach (var number in new[] { "1", "2", "3.1", "3.2", "4.1", "4.2.1", "4.2.2.1", "4.2.2.2" })
        {
            var part = structure.FindPart(number)!;
            var body = Encoding.ASCII.GetString(bytes, (int)part.BodyOffset, (int)part.Size);
            Assert.Equal($"This part specifier should be: {number}\n", body);
        }
        Assert.Null(structure.FindPart("5"));
        Assert.Null(structure.FindPart("1.1"));
        Assert.Null(structure.FindPart("4.2.2.3"));
    }

    [Fact]
    public void Rfc2060BodyStructure()
    {
        var structure = MimeParser.Parse(TestFiles.Read("rfc2060.txt"));
        var expected =
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 33 1 NIL NIL NIL NIL)" +
            "(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"7BIT\" 33 NIL NIL NIL NIL)" +
            "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 302 " +
            "(NIL \"This part specifier should be: 3\" ((NIL NIL \"me\" \"myself.com\")) ((NIL NIL \"me\" \"myself.com\")) ((NIL NIL \"me\" \"myself.com\")) ((NIL NIL \"me\" \"myself.com\")) NIL NIL NIL NIL) " +
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 35 1 NIL NIL NIL NIL)(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"7BIT\" 35 NIL NIL NIL NIL) \"MIXED\" (\"boundary\" \"3.x\") NIL NIL NIL) 17 NIL NIL NIL NIL)" +
            "((\"IMAGE\" \"GIF\" NIL NIL NIL \"7BIT\" 35 NIL NIL NIL NIL)" +
            "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 462 " +
            "(NIL \"This part specifier should be: 4.2\" ((NIL NIL \"me\" \"myself.com\")) ((NIL NIL \"me\" \"myself.com\")) ((NIL NIL \"me\" \"myself.com\")) ((NIL NIL \"me\" \"myself.com\")) NIL NIL NIL NIL) " +
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 37 1 NIL NIL NIL NIL)" +
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 39 1 NIL NIL NIL NIL)(\"TEXT\" \"RICHTEXT\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 39 1 NIL NIL NIL NIL) \"ALTERNATIVE\" (\"boundary\" \"4.2.2.x\") NIL NIL NIL) " +
            "\"MIXED\" (\"boundary\" \"4.2.x\") NIL NIL NIL) 26 NIL NIL NIL NIL) \"MIXED\" (\"boundary\" \"4.x\") NIL NIL NIL) " +
            "\"MIXED\" (\"boundary\" \"x\") NIL NIL NIL)";
        Assert.Equal(expected, Encoding.UTF8.GetString(ImapFormatter.GetBodyStructure(structure)));
    }

    [Fact]
    public void SimpleMultipartBodyStructureAndBody()
    {
        var structure = MimeParser.Parse(TestFiles.Read("simple-multipart.eml"));
        Assert.Equal(
            "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 26 1 NIL NIL NIL NIL)" +
            "(\"application\" \"octet-stream\" (\"name\" \"attachment.txt\") NIL NIL \"base64\" 53 NIL (\"attachment\" (\"filename\" \"attachment.txt\")) NIL NIL) " +
            "\"mixed\" (\"boundary\" \"----=_NextPart_000_003F_01CE98CE.6E826F90\") NIL NIL NIL)",
            Encoding.UTF8.GetString(ImapFormatter.GetBodyStructure(structure)));
        Assert.Equal(
            "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 26 1)" +
            "(\"application\" \"octet-stream\" (\"name\" \"attachment.txt\") NIL NIL \"base64\" 53) \"mixed\")",
            Encoding.UTF8.GetString(ImapFormatter.GetBody(structure)));
    }

    [Fact]
    public void DigestBodyStructure()
    {
        var structure = MimeParser.Parse(TestFiles.Read("multipart-digest.txt"));
        Assert.Equal(
            "(\"message\" \"rfc822\" NIL NIL NIL \"7BIT\" 330 " +
            "(\"Sun, 12 Aug 2012 12:34:56 +0300\" \"submsg\" ((NIL NIL \"sub\" \"domain.org\")) ((NIL NIL \"sub\" \"domain.org\")) ((NIL NIL \"sub\" \"domain.org\")) NIL NIL NIL NIL NIL) " +
            "((\"message\" \"rfc822\" NIL NIL NIL \"7BIT\" 42 (NIL \"m1\" ((NIL NIL \"m1\" \"example.com\")) ((NIL NIL \"m1\" \"example.com\")) ((NIL NIL \"m1\" \"example.com\")) NIL NIL NIL NIL NIL) " +
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 8 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL)" +
            "(\"message\" \"rfc822\" NIL NIL NIL \"7BIT\" 42 (NIL \"m2\" ((NIL NIL \"m2\" \"example.com\")) ((NIL NIL \"m2\" \"example.com\")) ((NIL NIL \"m2\" \"example.com\")) NIL NIL NIL NIL NIL) " +
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 8 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL) " +
            "\"digest\" (\"boundary\" \"foo\") NIL NIL NIL) 28 NIL NIL NIL NIL)",
            Encoding.UTF8.GetString(ImapFormatter.GetBodyStructure(structure)));
    }

    [Fact]
    public void EmptyMultipartIsShownWithOneEmptyTextPart()
    {
        var structure = MimeParser.Parse(TestFiles.Read("empty-multipart.txt"));
        Assert.Equal(
            "(((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"----=_NextPart_001_0040_01CE98CE.6E826F90\") NIL NIL NIL)" +
            "(\"text\" \"plain\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 84 1 NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"----=_NextPart_000_003F_01CE98CE.6E826F90\") NIL NIL NIL)",
            Encoding.UTF8.GetString(ImapFormatter.GetBodyStructure(structure)));
    }

    [Fact]
    public void DeliveryStatusEnvelopeHasAnEmptyGroup()
    {
        var structure = MimeParser.Parse(TestFiles.Read("delivery-status.txt"));
        Assert.Equal(
            "(\"Mon, 29 Jul 1996 02:13:08 -0700\" \"email delivery error\" " +
            "((\"The Post Office\" NIL \"postmaster\" \"mm1.sprynet.com\")) ((\"The Post Office\" NIL \"postmaster\" \"mm1.sprynet.com\")) ((\"The Post Office\" NIL \"postmaster\" \"mm1.sprynet.com\")) " +
            "((NIL NIL \"unlisted-recipients\" NIL)(NIL NIL NIL NIL)) ((\"The Postmaster\" NIL \"postmaster\" \"mm1.sprynet.com\")) NIL NIL " +
            "\"<96Jul29.022158-0700pdt.148226-12799+708@mm1.sprynet.com>\")",
            Encoding.UTF8.GetString(ImapFormatter.GetEnvelope(structure.Envelope)));
    }

    [Fact]
    public void StartrekEnvelopeHasMailboxesWithoutDomainAndACommentName()
    {
        var structure = MimeParser.Parse(TestFiles.Read("startrek.eml"));
        var envelope = Encoding.UTF8.GetString(ImapFormatter.GetEnvelope(structure.Envelope));
        Assert.StartsWith("(\"Thu, 19 Sep 91 12:41:43 EDT\" \"Star Trek Party!\" ((\"Nathaniel Borenstein\" NIL \"nsb\" \"\")) ", envelope);
        Assert.Contains("((NIL NIL \"nsb\" \"\")(NIL NIL \"trina\" \"flash\")) NIL NIL \"<9109191641.AA12840@greenbush.bellcore.com>\")", envelope);
    }

    [Fact]
    public void MboxFilesSplitIntoTheirMessages()
    {
        Assert.Equal(3, MboxReader.Split(TestFiles.Read("simple.mbox.txt")).Count);
        Assert.Equal(4, MboxReader.Split(TestFiles.Read("issue1189.mbox.txt")).Count);
        // "From Russia with love" in a body is not a separator.
        var unmunged = MboxReader.Split(TestFiles.Read("unmunged.mbox.txt"));
        Assert.Equal(2, unmunged.Count);
        Assert.Contains("From Russia with love", Encoding.ASCII.GetString(unmunged[0]));
    }
}
