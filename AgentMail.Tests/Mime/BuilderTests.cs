using System.Text;
using System.Text.RegularExpressions;
using AgentMail.Mime;
using AgentMail.Mime.Building;
using AgentMail.Mime.Headers;
using AgentMail.Mime.Summary;

namespace AgentMail.Tests.Mime;

public partial class BuilderTests
{
    private static readonly DateTimeOffset FixedDate = new(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(1));

    private static MessageBuilder NewBuilder() => new()
    {
        From = new EmailAddress("Ann", "ann@example.com"),
        Date = FixedDate,
        MessageId = "fixed@example.com",
    };

    private static string Text(MessageBuilder builder) => Encoding.UTF8.GetString(builder.ToArray());

    /// <summary>CRLF only, no line over 998 octets (RFC 5322 §2.1.1).</summary>
    private static void AssertWellFormed(byte[] message)
    {
        for (var i = 0; i < message.Length; i++)
        {
            if (message[i] == '\n') Assert.True(i > 0 && message[i - 1] == '\r', $"bare LF at {i}");
            if (message[i] == '\r') Assert.True(i + 1 < message.Length && message[i + 1] == '\n', $"bare CR at {i}");
        }
        foreach (var line in Encoding.UTF8.GetString(message).Split("\r\n"))
            Assert.True(Encoding.UTF8.GetByteCount(line) <= 998, "line over 998 octets");
    }

    [Fact]
    public void SimpleTextMessageExactly()
    {
        var builder = NewBuilder();
        builder.To.Add(new EmailAddress(null, "bob@example.org"));
        builder.Subject = "Hello";
        builder.TextBody = "Hi Bob\nBye";
        Assert.Equal(
            "Date: Tue, 2 Jan 2024 03:04:05 +0100\r\nFrom: Ann <ann@example.com>\r\nTo: bob@example.org\r\nSubject: Hello\r\n" +
            "Message-ID: <fixed@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n" +
            "Content-Transfer-Encoding: 7bit\r\n\r\nHi Bob\r\nBye",
            Text(builder));
    }

    [Fact]
    public void NonAsciiHeadersAreEncodedWords()
    {
        var builder = NewBuilder();
        builder.From = new EmailAddress("J\u00f6rg", "j@example.de");
        builder.To.Add(new EmailAddress("Doe, John", "john@example.com"));
        builder.Subject = "Caf\u00e9 time";
        var text = Text(builder);
        Assert.Contains("\r\nFrom: =?utf-8?Q?J=C3=B6rg?= <j@example.de>\r\n", text);
        Assert.Contains("\r\nTo: \"Doe, John\" <john@example.com>\r\n", text);
        Assert.Contains("\r\nSubject: =?utf-8?Q?Caf=C3=A9?= time\r\n", text);
    }

    [Fact]
    public void LongHeadersFoldAtWhiteSpaceWithin78Characters()
    {
        var builder = NewBuilder();
        var subject = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"word{i}"));
        builder.Subject = subject;
        for (var i = 0; i < 30; i++) builder.To.Add(new EmailAddress($"Person {i}", $"person{i}@example.com"));
        var bytes = builder.ToArray();
        AssertWellFormed(bytes);
        var header = Encoding.ASCII.GetString(bytes)[..Encoding.ASCII.GetString(bytes).IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        Assert.All(header.Split("\r\n"), line => Assert.True(line.Length <= 78, line));
        var structure = MimeParser.Parse(bytes);
        Assert.Equal(subject, structure.Envelope.Subject);
        Assert.Equal(30, structure.Envelope.To!.Count);
    }

    [Fact]
    public void UnbreakableAndMultibyteTextIsEncodedWithoutSplittingCharacters()
    {
        var builder = NewBuilder();
        builder.Subject = new string('x', 2000) + " " + string.Concat(Enumerable.Repeat("\u20ac\ud83d\ude00", 100));
        var bytes = builder.ToArray();
        AssertWellFormed(bytes);
        var text = Encoding.ASCII.GetString(bytes);
        foreach (Match word in EncodedWord().Matches(text))
        {
            Assert.True(word.Length <= 75, "encoded-word longer than 75");
            var payload = word.Groups[2].Value;
            var decoded = word.Groups[1].Value is "B" ? Convert.FromBase64String(payload) : QDecode(payload);
            Assert.True(System.Text.Unicode.Utf8.IsValid(decoded), "a character was split between encoded-words");
        }
        var summary = MessageSummary.Create(bytes, MimeParser.Parse(bytes));
        Assert.Equal(builder.Subject, summary.Subject);
    }

    private static byte[] QDecode(string payload) =>
        TransferDecoding(payload.Replace('_', ' '));

    private static byte[] TransferDecoding(string qp) =>
        AgentMail.Mime.Encodings.TransferDecoding.Decode(Encoding.ASCII.GetBytes(qp), AgentMail.Mime.Encodings.TransferEncoding.QuotedPrintable);

    [GeneratedRegex(@"=\?utf-8\?([BQ])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();

    [Fact]
    public void HeaderInjectionIsImpossible()
    {
        var builder = NewBuilder();
        Assert.Throws<ArgumentException>(() => builder.AddHeader("X-Test", "value\r\nBcc: evil@example.com"));
        Assert.Throws<ArgumentException>(() => builder.AddHeader("X-Test", "value\nBcc: evil@example.com"));
        Assert.Throws<ArgumentException>(() => builder.AddHeader("X-Te:st", "v"));
        Assert.Throws<ArgumentException>(() => builder.AddHeader("X Test", "v"));
        Assert.Throws<ArgumentException>(() => builder.AddHeader("Content-Type", "text/html"));
        Assert.Throws<ArgumentException>(() => builder.AddHeader("bcc", "x@y.z"));
        builder.Subject = "innocent\r\nBcc: evil@example.com";
        builder.To.Add(new EmailAddress("Name\r\nBcc: evil@example.com", "to@example.com"));
        var text = Text(builder);
        Assert.DoesNotContain("\r\nBcc:", text);
        Assert.Contains("Subject: innocent Bcc: evil@example.com\r\n", text);

        var bad = NewBuilder();
        bad.To.Add(new EmailAddress(null, "a@b.c>\r\nBcc: x@y.z"));
        Assert.Throws<ArgumentException>(() => bad.ToArray());
    }

    [Fact]
    public void CustomHeadersAreWrittenAndEncoded()
    {
        var builder = NewBuilder();
        builder.AddHeader("X-Priority", "1").AddHeader("X-Note", "na\u00efve");
        var text = Text(builder);
        Assert.Contains("\r\nX-Priority: 1\r\nX-Note: =?utf-8?Q?na=C3=AFve?=\r\n", text);
    }

    [Theory]
    [InlineData("plain ascii\nlines", "7bit")]
    [InlineData("mostly ascii with one caf\u00e9", "quoted-printable")]
    [InlineData("\u041f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440 \u0441\u043d\u043e\u0432\u0430", "base64")]
    [InlineData("From the start", "quoted-printable")]
    public void TextEncodingIsChosenByContent(string body, string encoding)
    {
        var builder = NewBuilder();
        builder.TextBody = body;
        var bytes = builder.ToArray();
        AssertWellFormed(bytes);
        Assert.Contains($"Content-Transfer-Encoding: {encoding}\r\n", Encoding.ASCII.GetString(bytes));
        Assert.Equal(body.Replace("\n", "\r\n"), MessageBody.GetText(bytes, MimeParser.Parse(bytes)));
    }

    [Fact]
    public void OverlongLinesAreQuotedPrintable()
    {
        var builder = NewBuilder();
        builder.TextBody = new string('a', 3000) + " end ";
        var bytes = builder.ToArray();
        AssertWellFormed(bytes);
        Assert.Contains("Content-Transfer-Encoding: quoted-printable", Encoding.ASCII.GetString(bytes));
        Assert.Equal(builder.TextBody, MessageBody.GetText(bytes, MimeParser.Parse(bytes)));
    }

    [Fact]
    public void LayoutFollowsTheContent()
    {
        static string Layout(MessageBuilder b) => string.Join(" ", MimeParser.Parse(b.ToArray()).EnumerateParts().Select(p => p.ContentType.MimeType));

        var b = NewBuilder();
        Assert.Equal("text/plain", Layout(b));
        b.HtmlBody = "<p>x</p>";
        Assert.Equal("text/html", Layout(b));
        b.TextBody = "x";
        Assert.Equal("multipart/alternative text/plain text/html", Layout(b));
        b.AddAttachment(OutgoingAttachment.FromBytes("logo.png", "image/png", new byte[] { 1, 2, 3 }, contentId: "logo@x", isInline: true));
        Assert.Equal("multipart/related multipart/alternative text/plain text/html image/png", Layout(b));
        b.AddAttachment(OutgoingAttachment.FromBytes("a.pdf", "application/pdf", new byte[] { 4 }));
        Assert.Equal("multipart/mixed multipart/related multipart/alternative text/plain text/html image/png application/pdf", Layout(b));

        var related = MimeParser.Parse(b.ToArray()).FindPart("1")!;
        Assert.Equal("multipart/alternative", related.ContentType.Parameters.Get("type"));
        Assert.Equal("<logo@x>", MimeParser.Parse(b.ToArray()).FindPart("1.2")!.ContentId);
    }

    [Fact]
    public void BoundariesAreRandomAndAbsentFromTheContent()
    {
        var b = NewBuilder();
        b.TextBody = "--=_ looks like a boundary start";
        b.HtmlBody = "<p>y</p>";
        var one = MimeParser.Parse(b.ToArray()).Root.ContentType.Boundary!;
        var two = MimeParser.Parse(b.ToArray()).Root.ContentType.Boundary!;
        Assert.NotEqual(one, two);
        Assert.Matches("^=_[a-z0-9]{24}$", one);
    }

    [Fact]
    public void ReplyHeadersFollowRfc5322()
    {
        var b = NewBuilder().ReplyToMessage("<parent@x>", ["root@x", "<mid@x>"]);
        var text = Text(b);
        Assert.Contains("\r\nIn-Reply-To: <parent@x>\r\nReferences: <root@x> <mid@x> <parent@x>\r\n", text);
        var noRefs = Text(NewBuilder().ReplyToMessage("parent@x", parentReferences: [], parentInReplyTo: "grand@x"));
        Assert.Contains("\r\nReferences: <grand@x> <parent@x>\r\n", noRefs);
    }

    [Fact]
    public void GeneratedMessageIdsAreUniqueAndUseTheSenderDomain()
    {
        var b = new MessageBuilder { From = new EmailAddress(null, "me@agents.example") };
        var first = MessageIds.ParseSingle(MimeParser.Parse(b.ToArray()).Envelope.MessageId);
        var second = MessageIds.ParseSingle(MimeParser.Parse(b.ToArray()).Envelope.MessageId);
        Assert.Matches("^[a-z0-9]{26}@agents.example$", first);
        Assert.NotEqual(first, second);
        Assert.Equal(second, b.WrittenMessageId);
    }

    [Fact]
    public void FileNamesUseRfc2231AndTheTypeNameRfc2047()
    {
        var b = NewBuilder();
        b.AddAttachment(OutgoingAttachment.FromBytes("r\u00e9sum\u00e9.pdf", "application/pdf", new byte[] { 1 }));
        b.AddAttachment(OutgoingAttachment.FromBytes(new string('n', 150) + ".txt", "text/plain", new byte[] { 2 }));
        var bytes = b.ToArray();
        AssertWellFormed(bytes);
        var text = Encoding.ASCII.GetString(bytes);
        Assert.Contains("Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf\r\n", text);
        Assert.Contains("name=\"=?utf-8?Q?r=C3=A9sum=C3=A9.pdf?=\"", text);
        Assert.Contains("filename*0=\"" + new string('n', 60) + "\";\r\n filename*1=", text);
        var attachments = MessageSummary.Create(bytes, MimeParser.Parse(bytes)).Attachments;
        Assert.Equal(["r\u00e9sum\u00e9.pdf", new string('n', 150) + ".txt"], attachments.Select(a => a.Filename));
    }

    [Fact]
    public void AnAttachmentsContentTypeKeepsItsParametersAndIsWrittenAnew()
    {
        var b = NewBuilder();
        b.AddAttachment(OutgoingAttachment.FromBytes("notes.txt", "Text/Plain; Charset=\"utf-8\"; name=ignored.txt; format=flowed (a comment)", "hi"u8.ToArray()));
        b.AddAttachment(OutgoingAttachment.FromBytes(null, "application/x-thing;name=kept.bin; n\u00e4me=dropped", new byte[] { 1 }));
        var bytes = b.ToArray();
        AssertWellFormed(bytes);
        var text = Encoding.ASCII.GetString(bytes);
        Assert.Contains("Content-Type: text/plain; name=notes.txt; charset=utf-8; format=flowed\r\n", text);
        Assert.Contains("Content-Type: application/x-thing; name=kept.bin\r\n", text);

        foreach (var bad in new[] { "text", "text/", "/plain", "text/plain\r\nBcc: evil@example.com", "text/plain;\n x=y", "", "t\u00ebxt/plain", "text/pl\u007fain", "multipart/mixed; boundary=x" })
        {
            var builder = NewBuilder();
            builder.AddAttachment(OutgoingAttachment.FromBytes("a.txt", bad, new byte[] { 1 }));
            Assert.Throws<ArgumentException>(() => builder.ToArray());
        }
    }

    [Fact]
    public async Task StreamAttachmentsGiveTheSameBytesSyncAndAsync()
    {
        var data = new byte[300_001];
        new Random(3).NextBytes(data);
        var b = NewBuilder();
        b.AddAttachment(OutgoingAttachment.FromStream("data.bin", null, new MemoryStream(data)));
        var sync = b.ToArray();

        var b2 = NewBuilder();
        b2.AddAttachment(OutgoingAttachment.FromStream("data.bin", null, new Support.ChunkedStream(data, 1, 9000)));
        var output = new MemoryStream();
        await b2.WriteToAsync(output);
        var async = output.ToArray();

        foreach (var message in new[] { sync, async })
        {
            AssertWellFormed(message);
            var structure = MimeParser.Parse(message);
            var part = structure.FindPart("2")!;
            Assert.Equal(data, MessageBody.DecodeContent(message, part));
            Assert.Equal(data.Length, part.DecodedSize);
        }
    }

    [Fact]
    public void RoundTripsRandomContent()
    {
        var random = new Random(20240601);
        for (var round = 0; round < 60; round++)
        {
            var b = new MessageBuilder
            {
                From = new EmailAddress(RandomText(random, 1, 30), $"from{round}@example.com"),
                Subject = RandomText(random, 0, 200),
                Date = FixedDate,
            };
            var recipients = random.Next(1, 6);
            for (var i = 0; i < recipients; i++) b.To.Add(new EmailAddress(random.Next(3) == 0 ? null : RandomText(random, 1, 40), $"to{i}.{round}@x{i}.example"));
            if (random.Next(2) == 0) b.Cc.Add(new EmailAddress("Carbon, Copy", "cc@example.org"));
            var text = random.Next(4) == 0 ? null : RandomBody(random);
            var html = random.Next(3) == 0 ? null : "<p>" + RandomBody(random) + "</p>";
            b.TextBody = text;
            b.HtmlBody = html;
            var files = new List<(string Name, byte[] Data)>();
            for (var i = random.Next(0, 4); i > 0; i--)
            {
                var data = new byte[random.Next(0, 5000)];
                random.NextBytes(data);
                var name = RandomText(random, 1, 80) + ".bin";
                files.Add((name, data));
                b.AddAttachment(OutgoingAttachment.FromBytes(name, "application/octet-stream", data));
            }

            var bytes = b.ToArray();
            AssertWellFormed(bytes);
            var structure = MimeParser.Parse(bytes);
            var summary = MessageSummary.Create(bytes, structure);
            Assert.Equal(b.Subject.Trim(), summary.Subject);
            Assert.Equal([b.From], summary.From);
            Assert.Equal(b.To, summary.To);
            Assert.Equal(b.Cc, summary.Cc);
            Assert.Equal(FixedDate, summary.Date);
            if (html is not null) Assert.Equal(html.Replace("\n", "\r\n"), MessageBody.GetHtml(bytes, structure));
            if (text is not null) Assert.Equal(text.Replace("\n", "\r\n"), MessageBody.GetText(bytes, structure, int.MaxValue));
            var attachments = summary.Attachments.Where(a => !a.IsInline).ToList();
            Assert.Equal(files.Count, attachments.Count);
            for (var i = 0; i < files.Count; i++)
            {
                // Control characters (tabs) are removed from file names.
                Assert.Equal(new string(files[i].Name.Where(c => !char.IsControl(c)).ToArray()).Trim(), attachments[i].Filename);
                Assert.Equal(files[i].Data, MessageBody.DecodeContent(bytes, structure.FindPart(attachments[i].Id)!));
                Assert.Equal(files[i].Data.Length, attachments[i].Size);
            }
        }
    }

    private static readonly string[] Pieces =
        ["a", "Z", "9", " ", "  ", ".", ",", "\"", "\\", "(", ")", "<", ">", "@", ":", ";", "=?", "?=", "_", "=", "\u00e9", "\u00fc", "\u20ac", "\u4e2d", "\u6587", "\ud83d\ude00", "\u0416", "\t", "From ", "--=_"];

    private static string RandomText(Random random, int min, int max)
    {
        var text = new StringBuilder();
        var length = random.Next(min, max + 1);
        while (text.Length < length) text.Append(Pieces[random.Next(Pieces.Length)]);
        var result = text.ToString().Trim();
        return result.Length == 0 ? "x" : result;
    }

    private static string RandomBody(Random random)
    {
        var lines = new List<string>();
        for (var i = random.Next(1, 20); i > 0; i--)
            lines.Add(random.Next(10) == 0 ? new string('y', random.Next(900, 2500)) : RandomText(random, 0, 120) + (random.Next(5) == 0 ? "  " : ""));
        return string.Join("\n", lines);
    }
}
