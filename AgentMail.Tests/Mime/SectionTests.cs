using System.Buffers;
using System.Text;
using AgentMail.Mime;
using AgentMail.Mime.Encodings;
using AgentMail.Mime.Imap;
using AgentMail.Tests.Mime.Support;

namespace AgentMail.Tests.Mime;

public class SectionTests
{
    [Theory]
    [InlineData("", "", SectionKind.Full, "")]
    [InlineData("1.2", "1.2", SectionKind.Full, "")]
    [InlineData("HEADER", "", SectionKind.Header, "")]
    [InlineData("header", "", SectionKind.Header, "")]
    [InlineData("TEXT", "", SectionKind.Text, "")]
    [InlineData("1.MIME", "1", SectionKind.Mime, "")]
    [InlineData("3.HEADER", "3", SectionKind.Header, "")]
    [InlineData("4.2.TEXT", "4.2", SectionKind.Text, "")]
    [InlineData("HEADER.FIELDS (DATE FROM)", "", SectionKind.HeaderFields, "DATE,FROM")]
    [InlineData("1.header.fields.not (\"X-Y\" Received)", "1", SectionKind.HeaderFieldsNot, "X-Y,Received")]
    [InlineData("HEADER.FIELDS ({4}\r\nDATE Subject)", "", SectionKind.HeaderFields, "DATE,Subject")]
    [InlineData("2147483647", "2147483647", SectionKind.Full, "")]
    public void ParsesValidSections(string text, string part, SectionKind kind, string fields)
    {
        Assert.True(BodySection.TryParse(Encoding.ASCII.GetBytes(text), out var section));
        Assert.Equal(part, string.Join('.', section.Part));
        Assert.Equal(kind, section.Kind);
        Assert.Equal(fields, string.Join(',', section.Fields));
    }

    [Theory]
    [InlineData("MIME")]
    [InlineData("0")]
    [InlineData("1.0")]
    [InlineData("01")]
    [InlineData("1.")]
    [InlineData(".1")]
    [InlineData("HEADER.FIELDS")]
    [InlineData("HEADER.FIELDS ()")]
    [InlineData("HEADER.FIELDS DATE")]
    [InlineData("HEADER.FIELDS (DATE")]
    [InlineData("TEXT.1")]
    [InlineData("1.2.HEADERX")]
    [InlineData("99999999999")]
    [InlineData("4294967295")]    // a valid nz-number, but no part can have it: refused
    [InlineData("HEADER.FIELDS (\"unterminated)")]
    [InlineData("HEADER.FIELDS ({9}\r\nDATE)")]
    public void RejectsInvalidSections(string text) => Assert.False(BodySection.TryParse(Encoding.ASCII.GetBytes(text), out _));

    [Theory]
    [InlineData("1.header.fields (date \"x y\")", "1.HEADER.FIELDS (date \"x y\")")]
    [InlineData("text", "TEXT")]
    [InlineData("2.3", "2.3")]
    [InlineData("", "")]
    public void FormatsCanonically(string text, string expected)
    {
        Assert.True(BodySection.TryParse(text, out var section));
        Assert.Equal(expected, section.ToString());
    }

    [Theory]
    [InlineData("", 0, 1262)]
    [InlineData("HEADER", 0, 160)]
    [InlineData("TEXT", 160, 1102)]
    [InlineData("1", 190, 33)]
    [InlineData("1.MIME", 164, 26)]
    [InlineData("3", 336, 302)]
    [InlineData("3.HEADER", 336, 145)]
    [InlineData("3.TEXT", 481, 157)]
    [InlineData("3.MIME", 306, 30)]
    [InlineData("3.1", 513, 35)]
    [InlineData("4", 690, 565)]
    [InlineData("4.1.MIME", 696, 25)]
    [InlineData("4.2.HEADER", 793, 149)]
    [InlineData("4.2.2.1", 1115, 39)]
    public void ResolvesRfc9051Sections(string text, long offset, long length)
    {
        var structure = MimeParser.Parse(TestFiles.Read("rfc2060.txt"));
        Assert.True(BodySection.TryParse(text, out var section));
        var location = structure.Resolve(section);
        Assert.Equal((SectionLocationKind.Slice, offset, length), (location.Kind, location.Offset, location.Length));
    }

    [Theory]
    [InlineData("5")]
    [InlineData("1.1")]
    [InlineData("2.HEADER")]      // not a message/rfc822 part
    [InlineData("1.TEXT")]
    [InlineData("4.2.2.3")]
    [InlineData("3.1.1")]
    public void NonexistentSectionsAreEmpty(string text)
    {
        var structure = MimeParser.Parse(TestFiles.Read("rfc2060.txt"));
        Assert.True(BodySection.TryParse(text, out var section));
        var location = structure.Resolve(section);
        Assert.Equal(SectionLocationKind.Empty, location.Kind);
        var output = new ArrayBufferWriter<byte>();
        Assert.Equal(0, location.WriteTo(TestFiles.Read("rfc2060.txt"), output));
    }

    [Fact]
    public void PartOneOfASinglePartMessageIsItsBody()
    {
        var bytes = "Subject: s\r\n\r\nbody"u8.ToArray();
        var structure = MimeParser.Parse(bytes);
        Assert.Equal((14L, 4L), At(structure, "1"));
        Assert.Equal((0L, 14L), At(structure, "1.MIME"));
        Assert.Equal((0L, 14L), At(structure, "HEADER"));
        Assert.Equal((14L, 4L), At(structure, "TEXT"));
        Assert.Equal(SectionLocationKind.Empty, structure.Resolve(Parse("2")).Kind);
        Assert.Equal(SectionLocationKind.Empty, structure.Resolve(Parse("1.1")).Kind);
    }

    [Fact]
    public void AMessageWhoseBodyIsAMessageHasPartOneAsThatMessage()
    {
        var structure = MimeParser.Parse(TestFiles.Read("multipart-digest.txt"));
        Assert.Equal((151L, 330L), At(structure, "1"));
        Assert.Equal((151L, 123L), At(structure, "1.HEADER"));
        Assert.Equal((321L, 42L), At(structure, "1.1"));            // the first digest entry's message
        Assert.Equal((355L, 8L), At(structure, "1.1.1"));
        Assert.Equal((321L, 34L), At(structure, "1.1.HEADER"));
    }

    [Fact]
    public void HeaderFieldsFilterKeepsFoldsAndAddsTheBlankLine()
    {
        var bytes = "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nSubject: a\r\n folded\r\nFrom: x@y.z\r\nX-Other: 1\r\n\r\nbody"u8.ToArray();
        var structure = MimeParser.Parse(bytes);
        Assert.Equal("Subject: a\r\n folded\r\nFrom: x@y.z\r\n\r\n", Filter(structure, bytes, "HEADER.FIELDS (from SUBJECT)"));
        Assert.Equal("Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nX-Other: 1\r\n\r\n", Filter(structure, bytes, "HEADER.FIELDS.NOT (From Subject)"));
        Assert.Equal("\r\n", Filter(structure, bytes, "HEADER.FIELDS (Nothing)"));
    }

    [Fact]
    public void HeaderFieldsOfMessagesWithoutBlankLine()
    {
        // No body and no blank line: nothing is added (RFC 9051 §6.4.5.1).
        var noBody = "Subject: a\r\nFrom: x@y.z"u8.ToArray();
        Assert.Equal("Subject: a\r\n", Filter(MimeParser.Parse(noBody), noBody, "HEADER.FIELDS (SUBJECT)"));
        // A body but no blank line: the delimiting blank line is still given.
        var junk = "Subject: a\r\nno colon here\r\n"u8.ToArray();
        Assert.Equal("Subject: a\r\n\r\n", Filter(MimeParser.Parse(junk), junk, "HEADER.FIELDS (SUBJECT)"));
        // Bare LF messages keep their own blank line.
        var lf = "Subject: a\nFrom: b@c.d\n\nx"u8.ToArray();
        Assert.Equal("From: b@c.d\n\n", Filter(MimeParser.Parse(lf), lf, "HEADER.FIELDS (FROM)"));
    }

    [Fact]
    public void HeaderFieldsOfAnEncapsulatedMessage()
    {
        var bytes = TestFiles.Read("rfc2060.txt");
        Assert.Equal("Subject: This part specifier should be: 4.2\n\n", Filter(MimeParser.Parse(bytes), bytes, "4.2.HEADER.FIELDS (SUBJECT)"));
    }

    [Fact]
    public void BinarySectionsPointAtTheEncodedLeaf()
    {
        var bytes = TestFiles.Read("simple-multipart.eml");
        var structure = MimeParser.Parse(bytes);
        var location = structure.Resolve(Parse("2"));
        Assert.True(location.Section.IsBinarySection);
        Assert.Equal(TransferEncoding.Base64, location.Part!.TransferEncoding);
        var decoded = TransferDecoding.Decode(bytes.AsSpan((int)location.Offset, (int)location.Length), location.Part.TransferEncoding);
        Assert.Equal("This is the base64 encoded attachment.", Encoding.ASCII.GetString(decoded));
        Assert.Equal(decoded.Length, location.Part.DecodedSize);
    }

    private static BodySection Parse(string text)
    {
        Assert.True(BodySection.TryParse(text, out var section));
        return section;
    }

    private static (long, long) At(MessageStructure structure, string text)
    {
        var location = structure.Resolve(Parse(text));
        Assert.Equal(SectionLocationKind.Slice, location.Kind);
        return (location.Offset, location.Length);
    }

    private static string Filter(MessageStructure structure, byte[] bytes, string text)
    {
        var location = structure.Resolve(Parse(text));
        Assert.Equal(SectionLocationKind.HeaderFields, location.Kind);
        var output = new ArrayBufferWriter<byte>();
        var written = location.WriteTo(bytes, output);
        Assert.Equal(output.WrittenCount, written);
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }
}
