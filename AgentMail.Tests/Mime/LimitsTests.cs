using System.Text;
using AgentMail.Mime;
using AgentMail.Mime.Imap;
using AgentMail.Tests.Mime.Support;

namespace AgentMail.Tests.Mime;

public class LimitsTests
{
    private static byte[] NestedMultiparts(int depth)
    {
        var text = new StringBuilder();
        for (var i = 0; i < depth; i++) text.Append($"Content-Type: multipart/mixed; boundary=b{i}x\r\n\r\n--b{i}x\r\n");
        text.Append("\r\ninnermost\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    [Fact]
    public void DeepMultipartNestingIsCutAtMaxDepth()
    {
        var structure = MimeParser.Parse(NestedMultiparts(5000));
        Assert.True(structure.LimitsExceeded);
        var parts = structure.EnumerateParts().ToList();
        // Depths 0..63 are multiparts; the entity at depth 64 is an opaque leaf.
        Assert.Equal(65, parts.Count);
        Assert.Equal(64, parts.Count(p => p.Kind == MimePartKind.Multipart));
        Assert.Equal("application/octet-stream", parts[^1].ContentType.MimeType);
        Assert.Equal(string.Join('.', Enumerable.Repeat("1", 64)), parts[^1].PartNumber);
        Assert.Null(ImapGrammar.ValidateBody(ImapFormatter.GetBodyStructure(structure)));
        Assert.Equal(structure.ToBytes(), MessageStructure.FromBytes(structure.ToBytes()).ToBytes());
    }

    [Fact]
    public void DeepMessageNestingIsCutAtMaxDepth()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 3000; i++) text.Append("Content-Type: message/rfc822\r\n\r\n");
        text.Append("Subject: bottom\r\n\r\nbody");
        var structure = MimeParser.Parse(Encoding.ASCII.GetBytes(text.ToString()), new MimeParserOptions { MaxDepth = 10 });
        Assert.True(structure.LimitsExceeded);
        var parts = structure.EnumerateParts().ToList();
        Assert.Equal(11, parts.Count);
        Assert.Equal(10, parts.Count(p => p.Kind == MimePartKind.Message));
        Assert.Null(ImapGrammar.ValidateBody(ImapFormatter.GetBodyStructure(structure)));
    }

    [Fact]
    public void StackOverflowCorpusMessageParsesWithinBounds()
    {
        var structure = MimeParser.Parse(TestFiles.Read("stack-overflow.txt"));
        Assert.False(structure.LimitsExceeded);
        // The To field is one address followed by thousands of stray encoded-words (not addresses).
        var to = Assert.Single(structure.Envelope.To!);
        Assert.Equal(new EnvelopeAddress("test", null, "test", "test.com"), to);
        Assert.Equal("Message Subject", structure.Envelope.Subject);
    }

    [Fact]
    public void PartsBeyondMaxPartsAreContentOfTheLastPart()
    {
        var text = new StringBuilder("Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (var i = 0; i < 20; i++) text.Append($"--b\r\n\r\npart {i}\r\n");
        text.Append("--b--\r\n");
        var structure = MimeParser.Parse(Encoding.ASCII.GetBytes(text.ToString()), new MimeParserOptions { MaxParts = 5 });
        Assert.True(structure.LimitsExceeded);
        Assert.Equal(4, structure.Root.Children.Count);
        var last = structure.Root.Children[^1];
        Assert.StartsWith("part 3\r\n--b\r\n\r\npart 4", Encoding.ASCII.GetString(Encoding.ASCII.GetBytes(text.ToString()), (int)last.BodyOffset, (int)last.Size));
        Assert.EndsWith("part 19", Encoding.ASCII.GetString(Encoding.ASCII.GetBytes(text.ToString()), (int)last.BodyOffset, (int)last.Size));
    }

    [Fact]
    public void HeaderFieldsBeyondMaxHeaderCountAreNotInterpreted()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 50; i++) text.Append($"X-Filler-{i}: x\r\n");
        text.Append("Subject: late\r\n\r\nbody");
        var bytes = Encoding.ASCII.GetBytes(text.ToString());
        var bounded = MimeParser.Parse(bytes, new MimeParserOptions { MaxHeaderCount = 10 });
        Assert.True(bounded.LimitsExceeded);
        Assert.Null(bounded.Envelope.Subject);
        Assert.Equal(bytes.Length - 4, bounded.Root.BodyOffset); // the header still spans all its bytes
        Assert.Equal("late", MimeParser.Parse(bytes).Envelope.Subject);
    }

    [Fact]
    public void HeaderBlockBeyondMaxLengthIsNotInterpretedButStillSkipped()
    {
        var text = "X-Big: " + new string('a', 5000) + "\r\nSubject: late\r\n\r\nbody";
        var bytes = Encoding.ASCII.GetBytes(text);
        var bounded = MimeParser.Parse(bytes, new MimeParserOptions { MaxHeaderBlockLength = 1000 });
        Assert.True(bounded.LimitsExceeded);
        Assert.Null(bounded.Envelope.Subject);
        Assert.Equal(bytes.Length - 4, bounded.Root.BodyOffset);
    }

    [Fact]
    public async Task StreamingHonoursTheSameBounds()
    {
        var text = "X-Big: " + new string('a', 200_000) + "\r\nSubject: late\r\n\r\nbody";
        var bytes = Encoding.ASCII.GetBytes(text);
        var options = new MimeParserOptions { MaxHeaderBlockLength = 100_000 };
        var span = MimeParser.Parse(bytes, options);
        var streamed = await MimeParser.ParseAsync(new ChunkedStream(bytes, 1, 4096), options);
        Assert.Equal(CorpusTests.Describe(span), CorpusTests.Describe(streamed));
        Assert.True(streamed.LimitsExceeded);
    }

    [Fact]
    public void HugeParametersAreBounded()
    {
        // A boundary longer than MaxBoundaryLength makes the multipart invalid: text/plain.
        var longBoundary = new string('x', 100_000);
        var structure = MimeParser.Parse(Encoding.ASCII.GetBytes($"Content-Type: multipart/mixed; boundary={longBoundary}\r\n\r\n--{longBoundary}\r\n\r\nx"));
        Assert.Equal("text/plain", structure.Root.ContentType.MimeType);

        // A 200 KB file name is kept whole; 10,000 parameters are cut to the first 128.
        var name = new string('n', 200_000);
        var many = string.Concat(Enumerable.Range(0, 10_000).Select(i => $"; p{i}=v"));
        structure = MimeParser.Parse(Encoding.ASCII.GetBytes($"Content-Type: application/x-y; name=\"{name}\"{many}\r\n\r\nx"));
        Assert.Equal(name, structure.Root.ContentType.Name);
        Assert.Equal(128, structure.Root.ContentType.Parameters.Count);
        Assert.Null(ImapGrammar.ValidateBody(ImapFormatter.GetBodyStructure(structure)));
    }

    [Fact]
    public async Task LongBinaryLinesStreamWithoutBufferingThem()
    {
        // A 3 MB body without any line break, then a boundary.
        var body = new byte[3_000_000];
        new Random(5).NextBytes(body);
        for (var i = 0; i < body.Length; i++) if (body[i] is (byte)'\n' or (byte)'-') body[i] = (byte)'x';
        var head = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Transfer-Encoding: binary\r\nContent-Type: application/octet-stream\r\n\r\n"u8.ToArray();
        var tail = "\r\n--b--\r\n"u8.ToArray();
        var message = head.Concat(body).Concat(tail).ToArray();
        var expected = StructureDump.Of(MimeParser.Parse(message));
        Assert.Equal(StructureDump.Of(await MimeParser.ParseAsync(new MemoryStream(message))), expected);
        var part = MimeParser.Parse(message).FindPart("1")!;
        Assert.Equal((head.Length, body.Length), ((int)part.BodyOffset, (int)part.Size));
    }

    [Fact]
    public async Task OptionsAreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MimeParser.Parse(ReadOnlySpan<byte>.Empty, new MimeParserOptions { MaxDepth = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => MimeParser.Parse(ReadOnlySpan<byte>.Empty, new MimeParserOptions { MaxDepth = 100_000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => MimeParser.Parse(ReadOnlySpan<byte>.Empty, new MimeParserOptions { MaxBoundaryLength = 100_000 }));
        await Assert.ThrowsAsync<ArgumentNullException>(() => MimeParser.ParseAsync(null!));
    }
}
